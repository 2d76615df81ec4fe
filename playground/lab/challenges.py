"""The code lab's challenges: graded exercises, each checked by sending real requests to the learner's app.

A challenge gives the learner a goal (a task, the app file it starts from, hints one at a time, a
solution) and checks that they reached it: each check calls the learner's Flask app through Flask's
``test_client()`` and judges the status, headers and body that came back, the way a client would.
A failed check says what it sent, what it expected and what came back, and names the mistake in
words that group across a class ("answered 400 instead of 422"), for the teacher's /log.

The checks vary what they send (usernames, field values, addresses drawn from a ``random.Random``
seeded per run, several requests per check), so code that special-cases one request can't pass.

This module runs in CPython (the server, the tests) and in Pyodide (the learner's browser), so it
uses only the standard library, Flask and Werkzeug: no thread, no socket, no clock in a check. The
recorder and the explainer, when present, only add the deciding line to a failed check.
"""

import base64
import json
import linecache
import random
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode, urljoin, urlsplit

from flask import Flask, got_request_exception
from werkzeug.http import parse_date

from . import appfile
from .listings import listing_code

FILENAME = appfile.FILENAME
"""The learner's file, as tracebacks and the explainer name it (the runtime's name too)."""
BODY_EXCERPT = 500
"""How many characters of an answer's body a result keeps."""


# -- The tutorial's listings and the files the challenges start from --------------------------------

TUTORIAL = listing_code("tuple")
"""The tutorial's first listing, as the lab shows it."""
MAKE_RESPONSE_TUTORIAL = listing_code("make_response")
"""The tutorial's second listing."""

USERS = """from flask import Flask, jsonify, make_response, request

app = Flask(__name__)
users = {}


@app.route("/userDetails", methods=["GET", "POST"])
def user_details():
    if request.method == "POST":
        username = request.form.get("username")
        firstname = request.form.get("firstname")
        lastname = request.form["lastname"]
        users[username] = {"username": username, "firstname": firstname, "lastname": lastname}
        return "Success", 201


@app.route("/users/<username>")
def user_page(username):
    return jsonify(users[username])


@app.route("/userSignUp", methods=["POST"])
def sign_up():
    if request.method == "POST":
        username = request.form.get("username")
        password = request.form.get("password")
        return "Success", 200, {"Access-Control-Allow-Origin": "*"}
"""
"""The tutorial's first listing keeping each user's details in a dict, with a page per user."""


def edit(code: str, *replacements: tuple[str, str]) -> str:
    """The code with each ``(old, new)`` replaced, where each old text occurs exactly once."""
    for old, new in replacements:
        if code.count(old) != 1:
            raise ValueError(f"The text to replace occurs {code.count(old)} times, not once: {old!r}.")
        code = code.replace(old, new)
    return code


USERS_NOT_FOUND = edit(
    USERS,
    ("from flask import Flask, jsonify", "from flask import Flask, abort, jsonify"),
    (
        "def user_page(username):\n    return jsonify(users[username])\n",
        "def user_page(username):\n"
        "    if username not in users:\n"
        "        abort(404)\n"
        "    return jsonify(users[username])\n"
        "\n"
        "\n"
        "@app.errorhandler(404)\n"
        "def not_found(error):\n"
        '    return jsonify(error="not found"), 404\n',
    ),
)
"""USERS where an unknown user, or any unknown path, answers 404 with JSON."""

PASSWORDS = edit(
    TUTORIAL,
    ("app = Flask(__name__)\n", "app = Flask(__name__)\npasswords = {}\n"),
    (
        '        password = request.form.get("password")\n',
        '        password = request.form.get("password")\n        passwords[username] = password\n',
    ),
)
"""The tutorial's first listing keeping each password in a dict."""

PASSWORDS_UNIQUE = edit(
    PASSWORDS,
    (
        "        passwords[username] = password\n",
        "        if username in passwords:\n"
        '            return "That username is taken", 409, {"Access-Control-Allow-Origin": "*"}\n'
        "        passwords[username] = password\n",
    ),
)
"""PASSWORDS where a taken username is refused with 409."""


# -- Loading the learner's file, as the lab's runtime does ------------------------------------------


class CodeError(Exception):
    """The learner's file made no app: a syntax error, an exception while it ran, or no Flask app."""

    def __init__(self, message: str, line: int | None, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.kind = kind
        """What went wrong, in words that group across a class: SyntaxError, NameError, no Flask app."""


def _app_lines(error: BaseException) -> list[traceback.FrameSummary]:
    return [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == FILENAME]


def load_app(code: str) -> Flask:
    """Run the learner's file as the module ``app`` (as ``flask run`` imports it) and return its app.

    The same way as the lab's runtime: the file is named app.py (tracebacks and the explainer show its
    lines), app.run() is skipped, and the app is the module's ``app`` or else its only Flask object.
    Raises CodeError, with one sentence and the line at fault, when the file makes no app.
    """
    try:
        compiled = compile(code, FILENAME, "exec")
    except SyntaxError as error:
        raise CodeError(
            f"Line {error.lineno} is not valid Python: {error.msg}.", error.lineno, type(error).__name__
        ) from None
    try:
        module = appfile.execute(code, compiled)
    except (Exception, SystemExit) as error:  # the learner's code: any mistake is theirs to see
        frames = _app_lines(error)
        raise CodeError(
            f"The file raised {type(error).__name__} while it ran: {error}",
            frames[-1].lineno if frames else None,
            type(error).__name__,
        ) from None
    app = appfile.app_of(module)
    if app is None:
        raise CodeError("The file makes no Flask app: keep app = Flask(__name__).", None, "no Flask app")
    return app


# -- Sending requests and judging answers -------------------------------------------------------------

FIRST_NAMES = ("ada", "alan", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances")
FIRST_NAMES += ("edsger", "radia", "katherine", "guido", "donald", "hedy", "niklaus", "sophie", "tim")
LAST_NAMES = ("lovelace", "turing", "hopper", "torvalds", "hamilton", "thompson", "liskov", "ritchie")
LAST_NAMES += ("allen", "dijkstra", "perlman", "johnson", "rossum", "knuth", "lamarr", "wirth", "wilson")
OTHER_COLLECTIONS = ("teams", "orders", "projects", "invoices", "rooms", "courses")
PASSWORD_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
FORM = ("Content-Type", "application/x-www-form-urlencoded")


@dataclass
class Answer:
    """One request a check sent, and what the app answered."""

    sent: dict[str, Any]
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    content_type: str
    exception: str | None = None
    """The name of the exception the app raised (its answer is then a 500), if it raised."""
    raised_line: int | None = None
    """The line of app.py that raised it."""
    exchange: Any = None
    """The recorder's exchange for this request, when a recorder watches the app."""
    expected: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        """The first value of a header, whatever its case; None when it's absent."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def json(self) -> Any:
        """The body as JSON, when the answer says it is JSON and it parses; else None."""
        mimetype = self.content_type.split(";")[0].strip().lower()
        if mimetype != "application/json" and not mimetype.endswith("+json"):
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            return None


class Mismatch(Exception):
    """An answer that isn't what the check expected: it ends the check."""

    def __init__(self, answer: Answer, failure: dict[str, Any]) -> None:
        super().__init__(failure)
        self.answer = answer
        self.failure = failure


class Probe:
    """What one check uses: a test client for the learner's app, random values, and expectations."""

    def __init__(self, app: Flask, rng: random.Random, used: set[str], recorder: Any = None) -> None:
        self.app = app
        self.rng = rng
        self.client = app.test_client()
        self.recorder = recorder
        self.answers: list[Answer] = []
        self._used = used  # values already drawn in this run, by any check: never drawn twice

    # The values a check sends: drawn afresh on each run, never twice in one run.

    def _unique(self, draw: Callable[[], str]) -> str:
        value = draw()
        while value in self._used:
            value = draw()
        self._used.add(value)
        return value

    def username(self) -> str:
        return self._unique(lambda: f"{self.rng.choice(FIRST_NAMES)}{self.rng.randrange(100, 1000)}")

    def password(self) -> str:
        return "".join(self.rng.choice(PASSWORD_LETTERS) for _ in range(12))

    def address(self) -> str:
        return self._unique(lambda: "10." + ".".join(str(self.rng.randrange(1, 255)) for _ in range(3)))

    def person(self) -> dict[str, str]:
        """The tutorial's /userDetails form: username, firstname, lastname."""
        return {
            "username": self.username(),
            "firstname": self.rng.choice(FIRST_NAMES).capitalize(),
            "lastname": self.rng.choice(LAST_NAMES).capitalize(),
        }

    def sign_up_form(self) -> dict[str, str]:
        """The tutorial's /userSignUp form: username, password."""
        return {"username": self.username(), "password": self.password()}

    # Requests.

    def send(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: list[tuple[str, str]] | None = None,
        address: str | None = None,
    ) -> Answer:
        """Send one request to the learner's app and keep what came back."""
        sent_headers = [FORM, *(headers or [])] if form is not None else list(headers or [])
        body = urlencode(form) if form is not None else None
        sent = {
            "method": method,
            "path": path,
            "headers": [list(pair) for pair in sent_headers],
            "body": body,
        }
        if address:
            sent["address"] = address
        raised: list[BaseException] = []

        def note(_sender: Flask, exception: BaseException, **_: Any) -> None:
            raised.append(exception)

        got_request_exception.connect(note, self.app)
        if self.recorder is not None:
            self.recorder.log.clear()
        try:
            response = self.client.open(
                path,
                method=method,
                headers=sent_headers,
                data=body,
                environ_base={"REMOTE_ADDR": address} if address else {},
            )
            answer = Answer(
                sent,
                response.status_code,
                list(response.headers.items()),
                response.get_data(),
                response.headers.get("Content-Type", ""),
            )
        # The app let its exception out (PROPAGATE_EXCEPTIONS, or a SystemExit Flask doesn't catch): a
        # 500 too. KeyboardInterrupt goes on: it is how Pyodide stops a run that takes too long.
        except (Exception, SystemExit) as error:
            raised.append(error)
            answer = Answer(sent, 500, [], b"", "")
        finally:
            got_request_exception.disconnect(note, self.app)
        if raised:
            frames = _app_lines(raised[-1])
            answer.exception = type(raised[-1]).__name__
            answer.raised_line = frames[-1].lineno if frames else None
        if self.recorder is not None:
            exchanges = self.recorder.log.after(0)
            answer.exchange = exchanges[-1] if exchanges else None
        self.answers.append(answer)
        return answer

    def post(self, path: str, form: dict[str, str], address: str | None = None) -> Answer:
        return self.send("POST", path, form=form, address=address)

    def get(self, path: str, headers: list[tuple[str, str]] | None = None) -> Answer:
        return self.send("GET", path, headers=headers)

    # Expectations: the first one an answer misses ends the check.

    def expect(self, answer: Answer, status: int | tuple[int, ...], expected: str) -> None:
        """The answer must have this status (or one of these); ``expected`` says all the step expects."""
        answer.expected = expected
        wanted = (status,) if isinstance(status, int) else status
        if answer.status not in wanted:
            raise Mismatch(answer, {"status": answer.status, "expected_status": list(wanted)})

    def require(self, answer: Answer, ok: Any, fault: str) -> None:
        """The answer must meet a condition; ``fault`` names what's wrong with it, without random values.

        It reads after the status: "answered 405 <fault>", as "answered 405 without Allow".
        """
        if not ok:
            raise Mismatch(answer, {"status": answer.status, "fault": fault})


def _words(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _words(item)
    elif isinstance(value, list):
        for item in value:
            yield from _words(item)


def names(value: Any, field: str) -> bool:
    """Whether a JSON value names a field: the field's name as a word, in a key or a string."""
    pattern = re.compile(rf"(?<![A-Za-z]){re.escape(field)}(?![A-Za-z])")
    return any(pattern.search(text) for text in _words(value))


def target_path(location: str, base: str) -> str:
    """The path a Location points at, relative or absolute, as a client resolves it."""
    return unquote(urlsplit(urljoin(f"http://localhost{base}", location)).path)


def _request_target(location: str, base: str) -> str:
    parts = urlsplit(urljoin(f"http://localhost{base}", location))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def basic(username: str, password: str) -> tuple[str, str]:
    """An Authorization header for HTTP Basic authentication."""
    return ("Authorization", "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode())


def cookie(answer: Answer, name: str) -> dict[str, Any] | None:
    """The answer's Set-Cookie for a name: its value and its attributes (names lower case)."""
    for header in answer.header_values("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        key, _, value = first.partition("=")
        if key.strip() == name:
            attrs = {}
            for attribute in attributes:
                attr, _, attr_value = attribute.partition("=")
                attrs[attr.strip().lower()] = attr_value.strip()
            return {"value": value.strip().strip('"'), "attributes": attrs}
    return None


# -- The checks --------------------------------------------------------------------------------------


def _details_202(p: Probe) -> None:
    for _ in range(2):
        a = p.post("/userDetails", p.person())
        p.expect(a, 202, "202, with the body Success")
        p.require(a, a.text.strip() == "Success", "without the body Success")


def _sign_up_keeps_cors(p: Probe) -> None:
    a = p.post("/userSignUp", p.sign_up_form())
    p.expect(a, 200, "200, with Access-Control-Allow-Origin: * as before")
    p.require(a, a.header("Access-Control-Allow-Origin") == "*", "without Access-Control-Allow-Origin: *")


def _sign_up_json(p: Probe) -> None:
    for _ in range(2):
        form = p.sign_up_form()
        a = p.post("/userSignUp", form)
        p.expect(a, 200, f'200, with the JSON body {{"username": "{form["username"]}"}}')
        p.require(a, a.json is not None, "without a JSON body (Content-Type: application/json)")
        p.require(
            a,
            isinstance(a.json, dict) and a.json.get("username") == form["username"],
            "with JSON whose username isn't the one sent",
        )
        p.require(a, form["password"] not in a.text, "echoing the password")


def _allow_lists(p: Probe, a: Answer, refused: str) -> None:
    allow = a.header("Allow")
    p.require(a, allow is not None, "without Allow")
    methods = {method.strip().upper() for method in (allow or "").split(",") if method.strip()}
    p.require(a, "POST" in methods, "with an Allow that leaves out POST")
    p.require(a, refused not in methods and "GET" not in methods, "with an Allow that lists a refused method")


def _get_is_405(p: Probe) -> None:
    a = p.get("/userDetails?" + urlencode(p.person()))
    p.expect(a, 405, "405, with an Allow header that names POST and not GET")
    _allow_lists(p, a, "GET")


def _other_methods_405(p: Probe) -> None:
    for method in p.rng.sample(["PUT", "PATCH", "DELETE"], 3):
        a = p.send(method, "/userDetails", form=p.person())
        p.expect(a, 405, f"405, with an Allow header that names POST and not {method} or GET")
        _allow_lists(p, a, method)


def _details_201(p: Probe) -> None:
    a = p.post("/userDetails", p.person())
    p.expect(a, 201, "201, as before")


def _missing_field(p: Probe, field: str) -> None:
    form = p.person()
    del form[field]
    a = p.post("/userDetails", form)
    p.expect(a, 422, f"422, with a JSON error that names the missing field {field}, and no other")
    p.require(a, a.json is not None, "without a JSON body")
    p.require(a, names(a.json, field), "without naming the missing field")
    p.require(a, not any(names(a.json, sent) for sent in form), "naming a field that was sent")


def _missing_lastname_422(p: Probe) -> None:
    _missing_field(p, "lastname")


def _missing_others_422(p: Probe) -> None:
    for field in p.rng.sample(["username", "firstname"], 2):
        _missing_field(p, field)


def _created(p: Probe, status: int = 201) -> dict[str, str]:
    person = p.person()
    a = p.post("/userDetails", person)
    p.expect(a, status, f"{status}: the user {person['username']} is created first")
    return person


def _points_at_user(p: Probe, status: int, name: str) -> tuple[dict[str, str], Answer]:
    person = p.person()
    page = f"/users/{person['username']}"
    a = p.post("/userDetails", person)
    p.expect(a, status, f"{status} {name}, with a Location header pointing at {page}")
    location = a.header("Location")
    p.require(a, location is not None, "without Location")
    p.require(
        a, target_path(location or "", "/userDetails") == page, "with a Location that isn't the user's page"
    )
    return person, a


def _location_shows_user(p: Probe, status: int, name: str) -> None:
    person, a = _points_at_user(p, status, name)
    b = p.get(_request_target(a.header("Location") or "", "/userDetails"))
    p.expect(b, 200, "200, with the firstname and lastname just sent")
    p.require(b, person["firstname"] in b.text and person["lastname"] in b.text, "without the user's details")


def _created_location(p: Probe) -> None:
    for _ in range(2):
        _points_at_user(p, 201, "Created")


def _created_location_serves(p: Probe) -> None:
    _location_shows_user(p, 201, "Created")


def _see_other(p: Probe) -> None:
    for _ in range(2):
        _points_at_user(p, 303, "See Other")


def _see_other_serves(p: Probe) -> None:
    _location_shows_user(p, 303, "See Other")


def _signed_up(p: Probe) -> dict[str, str]:
    form = p.sign_up_form()
    a = p.post("/userSignUp", form)
    p.expect(a, 200, f"200: {form['username']} is a username nobody has taken")
    return form


def _new_username_200(p: Probe) -> None:
    for _ in range(2):
        _signed_up(p)


def _taken_username_409(p: Probe) -> None:
    form = _signed_up(p)
    for _ in range(2):
        a = p.post("/userSignUp", {**form, "password": p.password()})
        p.expect(a, 409, f"409: {form['username']} is taken")


def _others_after_409(p: Probe) -> None:
    form = _signed_up(p)
    a = p.post("/userSignUp", form)
    p.expect(a, 409, f"409: {form['username']} is taken")
    _signed_up(p)


def _error_json(p: Probe, a: Answer) -> None:
    p.require(a, a.json is not None, "without a JSON body")
    p.require(a, isinstance(a.json, dict) and a.json.get("error"), 'with JSON that has no "error"')


def _unknown_user_404(p: Probe) -> None:
    for _ in range(2):
        a = p.get(f"/users/{p.username()}")
        p.expect(a, 404, '404, with a JSON body such as {"error": "not found"}: nobody has that name')
        _error_json(p, a)


def _unrouted_404(p: Probe) -> None:
    a = p.get(f"/{p.rng.choice(OTHER_COLLECTIONS)}/{p.username()}")
    p.expect(a, 404, '404, with a JSON body such as {"error": "not found"}: no route serves this path')
    _error_json(p, a)


def _known_user_200(p: Probe) -> None:
    person = _created(p)
    a = p.get(f"/users/{person['username']}")
    p.expect(a, 200, "200, with the user's details as JSON")
    p.require(
        a, isinstance(a.json, dict) and a.json.get("lastname") == person["lastname"], "without the details"
    )


def _delete_204(p: Probe) -> None:
    person = _created(p)
    a = p.send("DELETE", f"/users/{person['username']}")
    p.expect(a, 204, "204, with no body")
    p.require(a, a.body == b"", "with a body")


def _deleted_is_gone(p: Probe) -> None:
    person = _created(p)
    page = f"/users/{person['username']}"
    a = p.send("DELETE", page)
    p.expect(a, 204, "204, with no body")
    b = p.get(page)
    p.expect(b, 404, "404: the user was deleted")


def _delete_unknown_404(p: Probe) -> None:
    a = p.send("DELETE", f"/users/{p.username()}")
    p.expect(a, 404, "404: nobody has that name")


def _etag_of(p: Probe, page: str) -> tuple[Answer, str]:
    a = p.get(page)
    p.expect(a, 200, "200, with the user's details and an ETag header")
    etag = a.header("ETag")
    p.require(a, etag, "without ETag")
    return a, etag or ""


def _etag_304(p: Probe) -> None:
    person = _created(p)
    page = f"/users/{person['username']}"
    _, etag = _etag_of(p, page)
    b = p.get(page, [("If-None-Match", etag)])
    p.expect(b, 304, "304 Not Modified, with no body: If-None-Match holds the ETag just sent")
    p.require(b, b.body == b"", "with a body")


def _other_etag_200(p: Probe) -> None:
    first, second = _created(p), _created(p)
    _, second_etag = _etag_of(p, f"/users/{second['username']}")
    made_up = '"' + "".join(p.rng.choice("0123456789abcdef") for _ in range(16)) + '"'
    for etag, why in ((second_etag, "another user's page"), (made_up, "no page")):
        a = p.get(f"/users/{first['username']}", [("If-None-Match", etag)])
        p.expect(a, 200, f"200, with the user's details: that If-None-Match holds the ETag of {why}")


def _changed_etag(p: Probe) -> None:
    person = _created(p)
    page = f"/users/{person['username']}"
    _, etag = _etag_of(p, page)
    changed = {
        **person,
        "lastname": next(name.capitalize() for name in LAST_NAMES if name != person["lastname"]),
    }
    a = p.post("/userDetails", changed)
    p.expect(a, 201, "201: the user's lastname changes")
    b = p.get(page, [("If-None-Match", etag)])
    p.expect(b, 200, "200, with the new lastname and a new ETag: the page changed since that ETag")
    p.require(b, changed["lastname"] in b.text, "with the old details")
    p.require(b, b.header("ETag") and b.header("ETag") != etag, "with the ETag of the old details")


def _basic_challenge(p: Probe, a: Answer) -> None:
    value = a.header("WWW-Authenticate")
    p.require(a, value is not None, "without WWW-Authenticate")
    p.require(
        a, (value or "").strip().lower().startswith("basic"), "with a WWW-Authenticate that isn't Basic"
    )
    p.require(a, "realm=" in (value or "").lower(), "with a WWW-Authenticate without a realm")


def _right_password_200(p: Probe) -> None:
    for _ in range(2):
        form = _signed_up(p)
        a = p.get("/account", [basic(form["username"], form["password"])])
        p.expect(a, 200, f"200, naming {form['username']}: the password is right")
        p.require(a, form["username"] in a.text, "without naming the user")


def _wrong_password_401(p: Probe) -> None:
    form = _signed_up(p)
    a = p.get("/account", [basic(form["username"], p.password())])
    p.expect(a, 401, '401, with WWW-Authenticate: Basic realm="...": the password is wrong')
    _basic_challenge(p, a)


def _no_credentials_401(p: Probe) -> None:
    form = _signed_up(p)
    token = ("Authorization", "Bearer " + p.password())
    for headers, why in (([], "no Authorization header"), ([token], "a Bearer token, not a password")):
        a = p.get("/account", headers)
        p.expect(a, 401, f'401, with WWW-Authenticate: Basic realm="...": {why}')
        _basic_challenge(p, a)
    a = p.get("/account", [basic(p.username(), form["password"])])
    p.expect(a, 401, '401, with WWW-Authenticate: Basic realm="...": nobody has that username')
    _basic_challenge(p, a)


def _retry_after(p: Probe, a: Answer) -> None:
    value = (a.header("Retry-After") or "").strip()
    p.require(a, value, "without Retry-After")
    p.require(
        a, value.isdigit() or parse_date(value), "with a Retry-After that is neither seconds nor a date"
    )


def _sign_ups_over_limit(p: Probe, address: str) -> None:
    for count in (1, 2, 3):
        a = p.post("/userSignUp", p.sign_up_form(), address)
        p.expect(a, 200, f"200: sign-up {count} of the 3 allowed from {address}")
    for count in (4, 5):
        a = p.post("/userSignUp", p.sign_up_form(), address)
        p.expect(a, 429, f"429, with Retry-After: sign-up {count} from {address} is over the limit")
        _retry_after(p, a)


def _fourth_429(p: Probe) -> None:
    _sign_ups_over_limit(p, p.address())


def _other_address_200(p: Probe) -> None:
    _sign_ups_over_limit(p, p.address())
    other = p.address()
    a = p.post("/userSignUp", p.sign_up_form(), other)
    p.expect(a, 200, f"200: {other} has sent no sign-up yet")


def _sign_up_cookie(p: Probe, expected: str) -> tuple[Answer, dict[str, Any]]:
    form = p.sign_up_form()
    a = p.post("/userSignUp", form)
    p.expect(a, 200, expected.format(username=form["username"]))
    found = cookie(a, "username")
    p.require(a, found is not None, "without a username cookie")
    p.require(a, found and found["value"] == form["username"], "with a cookie that isn't the username sent")
    p.require(
        a, form["password"] not in " ".join(a.header_values("Set-Cookie")), "with the password in a cookie"
    )
    return a, found or {}


def _cookie_set(p: Probe) -> None:
    for _ in range(2):
        _sign_up_cookie(p, "200, with Set-Cookie: username={username}")


def _cookie_attributes(p: Probe) -> None:
    a, found = _sign_up_cookie(
        p, "200, with Set-Cookie: username={username}; HttpOnly; SameSite=Lax (or Strict)"
    )
    p.require(a, "httponly" in found["attributes"], "with a cookie without HttpOnly")
    same_site = found["attributes"].get("samesite", "").lower()
    p.require(a, same_site in ("lax", "strict"), "with a cookie without SameSite=Lax or Strict")


# -- The challenges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One thing a challenge verifies: its name says what, in a sentence; run raises Mismatch."""

    name: str
    run: Callable[[Probe], None]


@dataclass(frozen=True)
class Challenge:
    """One graded exercise: what the learner reads, the files it starts and ends with, its checks."""

    id: str
    title: str
    task: str
    starting_code: str
    solution: str
    hints: tuple[str, ...]
    checks: tuple[Check, ...]

    def as_dict(self) -> dict[str, Any]:
        """What the page shows: everything but the check functions (their names instead)."""
        return {
            "id": self.id,
            "title": self.title,
            "task": self.task,
            "starting_code": self.starting_code,
            "solution": self.solution,
            "hints": list(self.hints),
            "checks": [check.name for check in self.checks],
        }


CHALLENGES: tuple[Challenge, ...] = (
    Challenge(
        id="accepted-202",
        title="Answer 202 Accepted",
        task=(
            "The tutorial's /userDetails answers 201 Created. Suppose the details are only queued, "
            "to be saved later: make it answer 202 Accepted instead, with the same body, "
            "and leave /userSignUp as it is."
        ),
        starting_code=TUTORIAL,
        solution=edit(TUTORIAL, ('return "Success", 201', 'return "Success", 202')),
        hints=(
            "The status is the second element of the tuple the view returns.",
            'Change return "Success", 201 in user_details: 202 is HTTPStatus.ACCEPTED.',
        ),
        checks=(
            Check("POST /userDetails with all three fields answers 202 with the body Success.", _details_202),
            Check("/userSignUp still answers 200 with Access-Control-Allow-Origin: *.", _sign_up_keeps_cors),
        ),
    ),
    Challenge(
        id="json-body",
        title="Answer 200 with a JSON body",
        task=(
            'Make /userSignUp answer 200 with a JSON body saying who signed up, {"username": ...} '
            "with the username that was sent, instead of the text Success. "
            "Keep its Access-Control-Allow-Origin header, and never send the password back."
        ),
        starting_code=TUTORIAL,
        solution=edit(
            TUTORIAL,
            ("from flask import Flask, make_response", "from flask import Flask, jsonify, make_response"),
            (
                'return "Success", 200, {"Access-Control-Allow-Origin": "*"}',
                'return jsonify(username=username), 200, {"Access-Control-Allow-Origin": "*"}',
            ),
        ),
        hints=(
            "Flask's jsonify() builds a response with the JSON text and Content-Type: application/json.",
            "A tuple may hold a response in place of the text: (jsonify(...), 200, headers).",
            'return jsonify(username=username), 200, {"Access-Control-Allow-Origin": "*"}',
        ),
        checks=(
            Check(
                "POST /userSignUp answers 200 with JSON holding the username sent, and not the password.",
                _sign_up_json,
            ),
            Check("The answer still carries Access-Control-Allow-Origin: *.", _sign_up_keeps_cors),
        ),
    ),
    Challenge(
        id="method-not-allowed-405",
        title="405 with Allow instead of 500 for GET",
        task=(
            "GET /userDetails answers 500 Internal Server Error: on GET the view returns None. "
            "Make GET, and any other method the route doesn't serve, answer 405 Method Not Allowed with "
            "an Allow header listing the methods it does serve; POST still answers 201."
        ),
        starting_code=TUTORIAL,
        solution=edit(
            TUTORIAL,
            (
                '@app.route("/userDetails", methods=["GET", "POST"])',
                '@app.route("/userDetails", methods=["POST"])',
            ),
        ),
        hints=(
            "Which methods does the view serve? The route's methods= list says which ones Flask lets in.",
            "Flask answers 405 with the Allow header itself for a method the route doesn't list.",
            'Make it @app.route("/userDetails", methods=["POST"]).',
        ),
        checks=(
            Check(
                "GET /userDetails answers 405 with an Allow header that names POST and not GET.", _get_is_405
            ),
            Check("PUT, PATCH and DELETE on /userDetails answer 405 with Allow too.", _other_methods_405),
            Check("POST /userDetails with all three fields still answers 201.", _details_201),
        ),
    ),
    Challenge(
        id="missing-field-422",
        title="422 naming the missing field",
        task=(
            "A POST to /userDetails without lastname answers 400 with an HTML page, and one without username "
            "or firstname is accepted. When any of the three fields is missing, answer 422 Unprocessable "
            "Content with a JSON error that names the missing field (and only it); a complete form still "
            "gets 201."
        ),
        starting_code=TUTORIAL,
        solution=edit(
            TUTORIAL,
            ("from flask import Flask, make_response", "from flask import Flask, jsonify, make_response"),
            (
                '    if request.method == "POST":\n        username = request.form.get("username")\n'
                '        firstname = request.form.get("firstname")\n',
                '    if request.method == "POST":\n'
                '        for field in ("username", "firstname", "lastname"):\n'
                "            if field not in request.form:\n"
                '                return jsonify(error=f"{field} is missing", field=field), 422\n'
                '        username = request.form.get("username")\n'
                '        firstname = request.form.get("firstname")\n',
            ),
        ),
        hints=(
            'request.form["lastname"] raises a 400 when the key is missing; "lastname" in request.form asks.',
            "Check each of the three names in turn, before reading the form into variables.",
            'return jsonify(error=f"{field} is missing", field=field), 422',
        ),
        checks=(
            Check(
                "A form without lastname answers 422 with a JSON error naming lastname.",
                _missing_lastname_422,
            ),
            Check(
                "A form without username, or without firstname, answers 422 naming that field.",
                _missing_others_422,
            ),
            Check("A complete form still answers 201.", _details_201),
        ),
    ),
    Challenge(
        id="created-location",
        title="201 with a Location for the new user",
        task=(
            "/userDetails now keeps each user, and /users/<username> shows one. A 201 Created says where "
            "the new resource is: add a Location header pointing at the new user's page, /users/<username>."
        ),
        starting_code=USERS,
        solution=edit(
            USERS,
            ("make_response, request", "make_response, request, url_for"),
            (
                'return "Success", 201',
                'return "Success", 201, {"Location": url_for("user_page", username=username)}',
            ),
        ),
        hints=(
            "The third element of the returned tuple is a dict of headers.",
            "url_for(\"user_page\", username=username) builds the page's path from the view's name.",
        ),
        checks=(
            Check(
                "POST /userDetails answers 201 with a Location pointing at /users/<the username sent>.",
                _created_location,
            ),
            Check(
                "A GET on that Location answers 200 with the details just posted.", _created_location_serves
            ),
        ),
    ),
    Challenge(
        id="see-other-303",
        title="303 to the user's page after POST (Post/Redirect/Get)",
        task=(
            "After a form posts to /userDetails, reloading the answer would post the form again. Answer the "
            "POST with 303 See Other and a Location pointing at the new user's page, /users/<username>, "
            "so the browser fetches that page with a GET."
        ),
        starting_code=USERS,
        solution=edit(
            USERS,
            ("make_response, request", "make_response, redirect, request, url_for"),
            ('return "Success", 201', 'return redirect(url_for("user_page", username=username), 303)'),
        ),
        hints=(
            "Flask's redirect() answers with a Location header; its second argument is the status.",
            "redirect() alone answers 302 Found, which lets old clients repeat the POST: 303 says GET.",
            'return redirect(url_for("user_page", username=username), 303)',
        ),
        checks=(
            Check(
                "POST /userDetails answers 303 with a Location pointing at /users/<the username sent>.",
                _see_other,
            ),
            Check("A GET on that Location answers 200 with the details just posted.", _see_other_serves),
        ),
    ),
    Challenge(
        id="taken-username-409",
        title="409 for a taken username",
        task=(
            "/userSignUp keeps each password in a dict, and a second sign-up with a taken username silently "
            "replaces the first password. Answer 409 Conflict when the username is already taken, and keep "
            "the first password; a new username still gets 200."
        ),
        starting_code=PASSWORDS,
        solution=PASSWORDS_UNIQUE,
        hints=(
            "The dict passwords knows every username taken so far: ask it before storing.",
            'if username in passwords: return "That username is taken", 409',
        ),
        checks=(
            Check("A new username signs up with 200.", _new_username_200),
            Check(
                "Signing up again with a taken username answers 409, whatever the password.",
                _taken_username_409,
            ),
            Check("After a 409, another new username still signs up with 200.", _others_after_409),
        ),
    ),
    Challenge(
        id="not-found-json-404",
        title="abort(404) with a JSON error handler",
        task=(
            "GET /users/<username> for someone who isn't there answers 500: users[username] raises KeyError. "
            "Call abort(404) when the user is missing, and register @app.errorhandler(404) to answer every "
            '404 with JSON such as {"error": "not found"}, even for a path no route knows.'
        ),
        starting_code=USERS,
        solution=USERS_NOT_FOUND,
        hints=(
            "abort(404) stops the view at once and answers 404 Not Found.",
            "A function decorated with @app.errorhandler(404) answers every 404, from abort() or the router.",
            'A handler answers 200 unless it says otherwise: return jsonify(error="not found"), 404',
        ),
        checks=(
            Check("GET /users/<a name nobody has> answers 404 with a JSON error.", _unknown_user_404),
            Check("A path no route serves answers 404 with a JSON error too.", _unrouted_404),
            Check("A user who exists still answers 200 with their details.", _known_user_200),
        ),
    ),
    Challenge(
        id="delete-204",
        title="204 with no body for DELETE",
        task=(
            "DELETE /users/<username> removes a user and answers 200 Deleted. Answer 204 No Content, with no "
            "body, when the user was deleted, and 404 when nobody has that name."
        ),
        starting_code=USERS_NOT_FOUND
        + """

@app.route("/users/<username>", methods=["DELETE"])
def delete_user(username):
    users.pop(username, None)
    return "Deleted", 200
""",
        solution=USERS_NOT_FOUND
        + """

@app.route("/users/<username>", methods=["DELETE"])
def delete_user(username):
    if username not in users:
        abort(404)
    del users[username]
    return "", 204
""",
        hints=(
            "204 No Content says it worked and that there is nothing to show: its body must be empty.",
            "Ask whether the user is there before deleting; abort(404) answers the other case.",
            'return "", 204',
        ),
        checks=(
            Check("DELETE /users/<a user just created> answers 204 with no body.", _delete_204),
            Check("After the DELETE, GET on the user's page answers 404.", _deleted_is_gone),
            Check("DELETE /users/<a name nobody has> answers 404.", _delete_unknown_404),
        ),
    ),
    Challenge(
        id="not-modified-304",
        title="304 for If-None-Match with an ETag",
        task=(
            "Let clients revalidate a user's page cheaply: GET /users/<username> should carry an ETag, and "
            "a GET whose If-None-Match holds that ETag answers 304 Not Modified with no body. When the "
            "user's details change, the ETag changes too."
        ),
        starting_code=USERS_NOT_FOUND,
        solution=edit(
            USERS_NOT_FOUND,
            (
                "        abort(404)\n    return jsonify(users[username])\n",
                "        abort(404)\n"
                "    response = jsonify(users[username])\n"
                "    response.add_etag()\n"
                "    return response.make_conditional(request)\n",
            ),
        ),
        hints=(
            "An ETag names one version of the page; a hash of the body changes whenever the body does.",
            "response.add_etag() sets an ETag from the body's hash.",
            "response.make_conditional(request) turns the answer into a 304 when If-None-Match matches.",
        ),
        checks=(
            Check(
                "GET /users/<name> sends an ETag; If-None-Match with it answers 304 with no body.", _etag_304
            ),
            Check("An If-None-Match with another page's ETag answers 200 with the page.", _other_etag_200),
            Check("After the user changes, the old ETag answers 200 with a new ETag.", _changed_etag),
        ),
    ),
    Challenge(
        id="wrong-password-401",
        title="401 with WWW-Authenticate for a wrong password",
        task=(
            "GET /account uses HTTP Basic authentication and answers 403 Forbidden for a wrong or missing "
            'password; but 403 means "I know who you are, and no". Answer 401 Unauthorized with a '
            'WWW-Authenticate header (Basic realm="...") so the client knows how to log in; the right '
            "password still gets 200."
        ),
        starting_code=edit(
            PASSWORDS_UNIQUE,
            ("from flask import Flask, make_response", "from flask import Flask, jsonify, make_response"),
        )
        + """

@app.route("/account")
def account():
    auth = request.authorization
    if auth is None or passwords.get(auth.username) != auth.password:
        return "Wrong username or password", 403
    return jsonify(username=auth.username)
""",
        solution=edit(
            PASSWORDS_UNIQUE,
            ("from flask import Flask, make_response", "from flask import Flask, jsonify, make_response"),
        )
        + """

@app.route("/account")
def account():
    auth = request.authorization
    if auth is None or auth.type != "basic" or passwords.get(auth.username) != auth.password:
        return "Wrong username or password", 401, {"WWW-Authenticate": 'Basic realm="accounts"'}
    return jsonify(username=auth.username)
""",
        hints=(
            "A 401 must say how to authenticate: that is the WWW-Authenticate header's job.",
            'For HTTP Basic, send WWW-Authenticate: Basic realm="accounts" (the realm names the area).',
            "A Bearer token has no username or password: passwords.get(None) is None, as is its password.",
        ),
        checks=(
            Check(
                "GET /account with the right username and password answers 200 naming the user.",
                _right_password_200,
            ),
            Check(
                "A wrong password answers 401 with WWW-Authenticate: Basic and a realm.", _wrong_password_401
            ),
            Check(
                "No credentials, a Bearer token, or an unknown username answer 401 with it too.",
                _no_credentials_401,
            ),
        ),
    ),
    Challenge(
        id="rate-limit-429",
        title="429 with Retry-After",
        task=(
            "Allow each address (request.remote_addr) at most 3 sign-ups a minute on /userSignUp. The fourth "
            "and later, within the minute, answer 429 Too Many Requests with a Retry-After header saying how "
            "many seconds to wait; other addresses are not affected."
        ),
        starting_code=TUTORIAL,
        solution=edit(
            TUTORIAL,
            (
                "from flask import Flask",
                "import time\n\nfrom flask import Flask",
            ),
            (
                "app = Flask(__name__)\n",
                "app = Flask(__name__)\nLIMIT, WINDOW = 3, 60\nrecent = {}\n",
            ),
            (
                '        password = request.form.get("password")\n',
                '        password = request.form.get("password")\n'
                "        now = time.time()\n"
                "        times = [t for t in recent.get(request.remote_addr, []) if now - t < WINDOW]\n"
                "        if len(times) >= LIMIT:\n"
                "            wait = int(WINDOW - (now - times[0])) + 1\n"
                '            return "Too many sign-ups", 429, {"Retry-After": str(wait)}\n'
                "        recent[request.remote_addr] = times + [now]\n",
            ),
        ),
        hints=(
            "Keep, per request.remote_addr, the times of its recent sign-ups (time.time()) in a dict.",
            "Count only the times within the last 60 seconds; the oldest one says when a place frees up.",
            'Retry-After holds seconds (or a date): return "Too many sign-ups", 429, {"Retry-After": "42"}',
        ),
        checks=(
            Check(
                "From one address, three sign-ups answer 200 and the next ones 429 with Retry-After.",
                _fourth_429,
            ),
            Check("Meanwhile another address still signs up with 200.", _other_address_200),
        ),
    ),
    Challenge(
        id="cookie-make-response",
        title="A cookie set with make_response",
        task=(
            "Starting from the tutorial's make_response listing, set a cookie named username, holding the "
            "username, when someone signs up: HttpOnly so the page's scripts can't read it, SameSite=Lax so "
            "other sites' requests don't carry it. The browser hides it from the page twice over: fetch() "
            "never shows a Set-Cookie header, and document.cookie leaves out an HttpOnly cookie."
        ),
        starting_code=MAKE_RESPONSE_TUTORIAL,
        solution=edit(
            MAKE_RESPONSE_TUTORIAL,
            (
                "        response.status_code = 200\n",
                "        response.status_code = 200\n"
                '        response.set_cookie("username", username, httponly=True, samesite="Lax")\n',
            ),
        ),
        hints=(
            "make_response() gives you the Response before it is sent: its set_cookie() adds a Set-Cookie.",
            'response.set_cookie("username", username, httponly=True, samesite="Lax")',
            "Never put the password in a cookie: the browser sends it back with every request.",
        ),
        checks=(
            Check("POST /userSignUp answers 200 with Set-Cookie: username=<the username sent>.", _cookie_set),
            Check("That cookie is HttpOnly and SameSite=Lax (or Strict).", _cookie_attributes),
        ),
    ),
)
"""The challenges, graded from the tutorial onward."""

BY_ID = {challenge.id: challenge for challenge in CHALLENGES}


def get_challenge(challenge_id: str) -> Challenge:
    """The challenge with this id; a ValueError in one sentence for an id no challenge has."""
    try:
        return BY_ID[challenge_id]
    except KeyError:
        raise ValueError(f"No challenge has the id {challenge_id!r}.") from None


def catalogue() -> list[dict[str, Any]]:
    """Every challenge as the page shows it (Challenge.as_dict), in order."""
    return [challenge.as_dict() for challenge in CHALLENGES]


# -- Running the checks ------------------------------------------------------------------------------


def _summary(answer: Answer) -> dict[str, Any]:
    return {
        "method": answer.sent["method"],
        "path": answer.sent["path"],
        "body": answer.sent["body"],
        "status": answer.status,
    }


def _deciding(app: Flask, answer: Answer) -> tuple[int | None, str | None]:
    """The line of app.py that decided the answer: the one that raised, else the recorder's trace."""
    line = answer.raised_line
    if line is None and answer.exchange is not None:
        from ..recording.explain import explain  # loaded beside this module in the lab; only for the trace

        explanation = explain(app, answer.exchange)
        if explanation.get("source_file") == FILENAME:
            line = explanation.get("line_number")
    if line is None:
        return None, None
    return line, linecache.getline(FILENAME, line).strip() or None


def _result(
    app: Flask, check: Check, answers: list[Answer], failure: dict[str, Any] | None
) -> dict[str, Any]:
    if not answers:  # a check always sends; this only guards against a check that didn't
        return {
            "check": check.name,
            "passed": failure is None,
            "sent": None,
            "expected": "",
            "got": None,
            "before": [],
            "failure": failure,
            "mistake": None,
            "line": None,
            "source_line": None,
        }
    last = answers[-1]
    line, source_line = _deciding(app, last) if failure else (None, None)
    result = {
        "check": check.name,
        "passed": failure is None,
        "sent": last.sent,
        "expected": last.expected,
        "got": {
            "status": last.status,
            "headers": [list(pair) for pair in last.headers],
            "body": last.text[:BODY_EXCERPT],
            "exception": last.exception,
        },
        "before": [_summary(answer) for answer in answers[:-1]],
        "failure": failure,
        "line": line,
        "source_line": source_line,
    }
    result["mistake"] = common_mistake(result)
    return result


def run_checks(challenge_id: str, app: Flask, seed: int | str, recorder: Any = None) -> list[dict[str, Any]]:
    """Run a challenge's checks against the learner's app: one result per check, in order.

    Every check runs, on the same app, with its own random values (drawn from the seed, the challenge
    and the check's place, and never twice in one run). With the playground's recorder watching the
    app (``recorder.init_app``), a failed check also names the line that decided its answer.
    """
    challenge = get_challenge(challenge_id)
    used: set[str] = set()
    results = []
    for index, check in enumerate(challenge.checks):
        probe = Probe(app, random.Random(f"{seed}/{challenge.id}/{index}"), used, recorder)
        failure = None
        try:
            check.run(probe)
        except Mismatch as mismatch:
            failure = mismatch.failure
        except Exception as error:  # an answer the check could not read: still the learner's to see
            failure = {
                "status": probe.answers[-1].status if probe.answers else None,
                "fault": f"in a way the check could not read ({type(error).__name__})",
            }
        results.append(_result(app, check, probe.answers, failure))
    return results


def check_code(challenge_id: str, code: str, seed: int | str, trace: bool = True) -> dict[str, Any]:
    """Load the learner's file afresh and run the challenge's checks on it: what the Check button shows.

    Returns ``{"challenge", "solved", "error", "results"}``: ``error`` is None, or ``{"message",
    "line", "mistake"}`` when the file made no app (then ``results`` is empty; ``mistake`` groups, as
    "the file did not run (SyntaxError)"). With ``trace``, the playground's recorder watches the app,
    so a failed check names its deciding line.
    """
    get_challenge(challenge_id)
    try:
        app = load_app(code)
    except CodeError as error:
        return {
            "challenge": challenge_id,
            "solved": False,
            "error": {
                "message": error.message,
                "line": error.line,
                "mistake": f"the file did not run ({error.kind})",
            },
            "results": [],
        }
    recorder = None
    if trace:
        from ..recording.middleware import init_app  # loaded beside this module in the lab

        endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()} - {"static"}
        recorder = init_app(app, recorded_blueprints=endpoints)
    results = run_checks(challenge_id, app, seed, recorder)
    return {
        "challenge": challenge_id,
        "solved": all(result["passed"] for result in results),
        "error": None,
        "results": results,
    }


def common_mistake(result: dict[str, Any]) -> str | None:
    """A failed check's wrong answer in words that group across a class; None when it passed.

    The words hold no value a check drew at random: "answered 400 instead of 422", "answered 405
    without Allow", "answered 500 (TypeError) instead of 405".
    """
    failure = result.get("failure")
    if not failure:
        return None
    status = failure.get("status")
    exception = (result.get("got") or {}).get("exception")
    answered = f"answered {status}" + (f" ({exception})" if exception and status == 500 else "")
    if failure.get("expected_status"):
        return f"{answered} instead of {' or '.join(str(code) for code in failure['expected_status'])}"
    return f"{answered} {failure.get('fault') or 'wrongly'}"


def deciding_line(result: dict[str, Any]) -> dict[str, Any] | None:
    """The line of the learner's file that decided a failed check's answer, when it is known.

    ``{"line": number, "source_line": text}``: the line that raised, else (when the recorder
    watched) the one that returned or set the status. None for a passed check, or when the answer
    came from Flask itself (a 404 for a path no route serves, a 405 from the router).
    """
    if result.get("passed") or not result.get("line"):
        return None
    return {"line": result["line"], "source_line": result.get("source_line")}
