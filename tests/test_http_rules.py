"""The HTTP rules checker: each rule broken and kept, with the RFC's strength, on real Flask answers too."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response, abort, make_response, redirect
from flask.testing import FlaskClient
from werkzeug.datastructures import WWWAuthenticate

from playground import create_app
from playground.recording.rules import (
    BY_DEFINITION,
    MAY,
    MUST,
    MUST_NOT,
    RULES,
    SHOULD,
    SHOULD_NOT,
    STRENGTHS,
    check,
    review,
    review_exchange,
)

TEXT = ("Content-Type", "text/plain; charset=utf-8")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def answer(
    method: str = "GET",
    status: int = 200,
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = b"",
    **more: Any,
) -> dict[str, Any]:
    return {"method": method, "status": status, "headers": headers or [], "body": body, **more}


def found_ids(spec: dict[str, Any]) -> list[str]:
    return [f.id for f in check(**spec)]


# One answer that breaks each rule; the test asserts the rule is among its findings.
BREAKS = [
    ("status-range", answer(status=600, headers=[TEXT], body=b"x")),
    ("status-range", answer(status=99, headers=[TEXT], body=b"x")),
    ("101-upgrade", answer(status=101)),
    ("1xx-no-content", answer(status=103, headers=[("Link", "</a.css>; rel=preload")], body=b"x")),
    ("204-no-content", answer("DELETE", 204, body=b"x")),
    ("304-no-content", answer(status=304, headers=[("ETag", '"v1"')], body=b"x")),
    ("205-no-content", answer("POST", 205, [TEXT], b"x")),
    ("head-no-content", answer("HEAD", 200, [TEXT], b"hello")),
    ("content-length-forbidden", answer("DELETE", 204, [("Content-Length", "0")])),
    ("content-length-forbidden", answer(status=100, headers=[("Content-Length", "0")])),
    ("content-length-syntax", answer(headers=[TEXT, ("Content-Length", "3, 3")], body=b"abc")),
    ("content-length-syntax", answer(headers=[TEXT, ("Content-Length", "abc")], body=b"abc")),
    ("content-length-mismatch", answer(headers=[TEXT, ("Content-Length", "10")], body=b"abc")),
    ("content-length-mismatch", answer(headers=[TEXT, ("Content-Length", "1")], body=b"abc")),
    ("content-type-missing", answer(body=b"Success")),
    ("field-repeated", answer(status=302, headers=[("Location", "/a"), ("Location", "/b")])),
    ("field-repeated", answer(headers=[TEXT, ("Content-Type", "text/html")], body=b"x")),
    ("401-www-authenticate", answer(status=401, headers=[TEXT], body=b"Log in first")),
    ("401-www-authenticate", answer(status=401, headers=[TEXT, ("WWW-Authenticate", " ")], body=b"no")),
    ("405-allow", answer(status=405, headers=[TEXT], body=b"No GET here")),
    ("405-allow-refused", answer(status=405, headers=[TEXT, ("Allow", "GET, HEAD")], body=b"no")),
    ("407-proxy-authenticate", answer(status=407, headers=[TEXT], body=b"Proxy login")),
    ("206-content-range", answer(status=206, headers=[TEXT], body=b"abc")),
    (
        "206-multipart-content-range",
        answer(
            status=206,
            headers=[("Content-Type", "multipart/byteranges; boundary=B"), ("Content-Range", "bytes 0-1/9")],
            body=b"--B--",
        ),
    ),
    ("301-location", answer(status=301, headers=[TEXT], body=b"Moved")),
    ("302-location", answer(status=302, headers=[TEXT], body=b"Found")),
    ("302-location", answer(status=302, headers=[TEXT, ("Location", "")], body=b"Found")),
    ("303-location", answer("POST", 303, [TEXT], b"See other")),
    ("307-location", answer(status=307, headers=[TEXT], body=b"Elsewhere")),
    ("308-location", answer(status=308, headers=[TEXT], body=b"Moved")),
    (
        "416-content-range",
        answer(status=416, headers=[TEXT], body=b"No such bytes", request_headers=[("Range", "bytes=900-")]),
    ),
    ("416-content-range", answer(status=416, headers=[TEXT], body=b"No such bytes")),
    ("426-upgrade", answer(status=426, headers=[TEXT], body=b"Use TLS")),
    ("4xx-explained", answer(status=400, headers=[TEXT])),
    ("4xx-explained", answer("POST", 422, [("Content-Type", "application/json")])),
    ("5xx-explained", answer(status=500, headers=[TEXT])),
    ("429-retry-after", answer(status=429, headers=[TEXT], body=b"Slow down")),
    ("503-retry-after", answer(status=503, headers=[TEXT], body=b"Back soon")),
]

# One answer that keeps each rule (often the same answer, repaired); the rule must not be found.
KEEPS = [
    ("status-range", answer(status=599, headers=[TEXT], body=b"x")),
    ("status-range", answer(status=100)),
    ("101-upgrade", answer(status=101, headers=[("Upgrade", "websocket"), ("Connection", "Upgrade")])),
    ("1xx-no-content", answer(status=103, headers=[("Link", "</a.css>; rel=preload")])),
    ("204-no-content", answer("DELETE", 204)),
    ("304-no-content", answer(status=304, headers=[("ETag", '"v1"')])),
    ("205-no-content", answer("POST", 205)),
    ("head-no-content", answer("HEAD", 200, [TEXT, ("Content-Length", "5")], b"")),
    ("content-length-forbidden", answer("DELETE", 204)),
    ("content-length-forbidden", answer(headers=[TEXT, ("Content-Length", "0")])),
    ("content-length-syntax", answer(headers=[TEXT, ("Content-Length", "3")], body=b"abc")),
    ("content-length-mismatch", answer(headers=[TEXT, ("Content-Length", "3")], body=b"abc")),
    # A HEAD's Content-Length is the length a GET would get; a 304's, the length a 200 would.
    ("content-length-mismatch", answer("HEAD", 200, [TEXT, ("Content-Length", "5")], b"")),
    ("content-length-mismatch", answer(status=304, headers=[("Content-Length", "120")])),
    ("content-length-mismatch", answer(headers=[TEXT, ("Content-Length", "3")], body=None)),
    ("content-type-missing", answer(headers=[TEXT], body=b"Success")),
    ("content-type-missing", answer(status=200)),
    ("field-repeated", answer(status=302, headers=[("Location", "/a")])),
    ("field-repeated", answer(headers=[TEXT, ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")], body=b"x")),
    ("field-repeated", answer(headers=[TEXT, ("Vary", "Accept"), ("Vary", "Cookie")], body=b"x")),
    (
        "401-www-authenticate",
        answer(status=401, headers=[TEXT, ("WWW-Authenticate", 'Basic realm="users"')], body=b"Log in"),
    ),
    ("405-allow", answer(status=405, headers=[TEXT, ("Allow", "POST, OPTIONS")], body=b"No GET here")),
    # An empty Allow says the resource allows no method at all (RFC 9110, 10.2.1): still kept.
    ("405-allow", answer(status=405, headers=[TEXT, ("Allow", "")], body=b"Disabled")),
    ("405-allow-refused", answer(status=405, headers=[TEXT, ("Allow", "POST, OPTIONS")], body=b"no")),
    ("405-allow-refused", answer("PUT", 405, [TEXT, ("Allow", "GET, HEAD")], b"no")),
    (
        "407-proxy-authenticate",
        answer(status=407, headers=[TEXT, ("Proxy-Authenticate", 'Basic realm="proxy"')], body=b"Log in"),
    ),
    ("206-content-range", answer(status=206, headers=[TEXT, ("Content-Range", "bytes 0-2/10")], body=b"abc")),
    # Several parts: each carries its own Content-Range, the header section none.
    (
        "206-content-range",
        answer(status=206, headers=[("Content-Type", "multipart/byteranges; boundary=B")], body=b"--B--"),
    ),
    (
        "206-multipart-content-range",
        answer(status=206, headers=[("Content-Type", "multipart/byteranges; boundary=B")], body=b"--B--"),
    ),
    ("301-location", answer(status=301, headers=[TEXT, ("Location", "/new")], body=b"Moved")),
    ("302-location", answer(status=302, headers=[TEXT, ("Location", "/other")], body=b"Found")),
    ("303-location", answer("POST", 303, [TEXT, ("Location", "/users/sam")], b"See other")),
    ("307-location", answer(status=307, headers=[TEXT, ("Location", "/other")], body=b"Elsewhere")),
    ("308-location", answer(status=308, headers=[TEXT, ("Location", "/new")], body=b"Moved")),
    # 300's Location is optional (only if the server has a preferred choice): nothing to break.
    ("302-location", answer(status=300, headers=[TEXT], body=b"Pick one")),
    # To PUT, the target URI is the resource created: no Location needed.
    (
        "416-content-range",
        answer(status=416, headers=[TEXT, ("Content-Range", "bytes */47")], body=b"No such bytes"),
    ),
    # Not a byte-range request: the SHOULD is about answers to one.
    ("416-content-range", answer(status=416, headers=[TEXT], body=b"No such bytes", request_headers=[])),
    ("426-upgrade", answer(status=426, headers=[TEXT, ("Upgrade", "HTTP/3.0")], body=b"Use HTTP/3")),
    ("4xx-explained", answer(status=400, headers=[TEXT], body=b"lastname is missing")),
    ("4xx-explained", answer("HEAD", 400, [TEXT, ("Content-Length", "19")], b"")),
    ("5xx-explained", answer(status=500, headers=[TEXT], body=b"The view returned None")),
    ("429-retry-after", answer(status=429, headers=[TEXT, ("Retry-After", "30")], body=b"Slow down")),
    ("503-retry-after", answer(status=503, headers=[TEXT, ("Retry-After", "120")], body=b"Back soon")),
]


@pytest.mark.parametrize(("rule_id", "spec"), BREAKS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(BREAKS)])
def test_an_answer_that_breaks_the_rule_is_found(rule_id: str, spec: dict[str, Any]) -> None:
    assert rule_id in found_ids(spec)


@pytest.mark.parametrize(("rule_id", "spec"), KEEPS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(KEEPS)])
def test_an_answer_that_keeps_the_rule_is_not_found(rule_id: str, spec: dict[str, Any]) -> None:
    assert rule_id not in found_ids(spec)


def test_every_rule_has_an_answer_that_breaks_it_and_one_that_keeps_it() -> None:
    assert {rule_id for rule_id, _ in BREAKS} == set(RULES)
    assert {rule_id for rule_id, _ in KEEPS} == set(RULES)


def test_each_repaired_answer_breaks_nothing() -> None:
    # A keeping answer breaks no rule at all, so a repair cannot trade one finding for another.
    for rule_id, spec in KEEPS:
        broken = [f for f in check(**spec) if f.broken]
        assert not broken, (rule_id, spec, broken)


# The strength each rule's RFC sentence states, read from the RFC and written out again here.
RFC_STRENGTHS = {
    "status-range": BY_DEFINITION,  # "are invalid": no keyword
    "101-upgrade": MUST,
    "1xx-no-content": BY_DEFINITION,  # "it cannot contain content"
    "204-no-content": BY_DEFINITION,
    "304-no-content": BY_DEFINITION,
    "205-no-content": MUST_NOT,
    "head-no-content": MUST_NOT,
    "content-length-forbidden": MUST_NOT,
    "content-length-syntax": MUST_NOT,
    "content-length-mismatch": MUST_NOT,
    "content-type-missing": SHOULD,
    "field-repeated": MUST_NOT,
    "401-www-authenticate": MUST,
    "405-allow": MUST,
    "405-allow-refused": MUST,
    "407-proxy-authenticate": MUST,
    "206-content-range": MUST,
    "206-multipart-content-range": MUST_NOT,
    "301-location": SHOULD,
    "302-location": SHOULD,
    "303-location": BY_DEFINITION,  # "as indicated by a URI in the Location header field"
    "307-location": SHOULD,
    "308-location": SHOULD,
    "416-content-range": SHOULD,
    "426-upgrade": MUST,
    "4xx-explained": SHOULD,
    "5xx-explained": SHOULD,
    "429-retry-after": MAY,
    "503-retry-after": MAY,
}


@pytest.mark.parametrize("rule_id", sorted(RFC_STRENGTHS))
def test_each_rule_has_the_rfcs_own_strength(rule_id: str) -> None:
    assert RULES[rule_id].strength == RFC_STRENGTHS[rule_id]


def keywords(quote: str) -> set[str]:
    """The BCP 14 keywords a sentence uses (MUST NOT is not also a MUST)."""
    found = set()
    for keyword in (MUST_NOT, SHOULD_NOT, MUST, SHOULD, MAY, "REQUIRED", "RECOMMENDED", "SHALL", "OPTIONAL"):
        if re.search(rf"\b{keyword}\b", quote):
            found.add(keyword)
            quote = quote.replace(keyword, "")
    return found


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_a_strength_is_never_stronger_than_the_quote_says(rule_id: str) -> None:
    rule = RULES[rule_id]
    if rule.strength == BY_DEFINITION:
        # No keyword in the sentence, so none is claimed.
        assert keywords(rule.quote) == set()
    else:
        assert rule.strength in keywords(rule.quote)
    if MUST not in keywords(rule.quote) and MUST_NOT not in keywords(rule.quote):
        assert rule.strength not in (MUST, MUST_NOT)


def test_where_the_rfc_says_should_the_rule_is_never_a_must() -> None:
    should_sections = {
        "8.3": "content-type-missing",
        "15.4.2": "301-location",
        "15.4.3": "302-location",
        "15.4.8": "307-location",
        "15.4.9": "308-location",
        "15.5.17": "416-content-range",
        "15.5": "4xx-explained",
        "15.6": "5xx-explained",
    }
    for section, rule_id in should_sections.items():
        assert (RULES[rule_id].section, RULES[rule_id].strength) == (section, SHOULD)


def test_every_strength_has_a_meaning_for_the_page() -> None:
    assert {rule.strength for rule in RULES.values()} <= set(STRENGTHS)
    assert all(meaning.endswith(".") for meaning in STRENGTHS.values())


@pytest.mark.parametrize(("rule_id", "spec"), BREAKS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(BREAKS)])
def test_each_finding_links_to_its_own_section(rule_id: str, spec: dict[str, Any]) -> None:
    (finding,) = [f for f in check(**spec) if f.id == rule_id]
    assert re.fullmatch(r"[0-9]+(\.[0-9]+)*", finding.section)
    assert finding.url == f"https://www.rfc-editor.org/rfc/rfc{finding.rfc}#section-{finding.section}"
    assert finding.quote and finding.rule.endswith(".") and finding.detail.endswith(".")
    assert finding.as_dict()["url"] == finding.url


def test_the_429_advice_comes_from_rfc_6585() -> None:
    (finding,) = check("GET", 429, [TEXT], b"Slow down")
    assert (finding.rfc, finding.section) == ("6585", "4")
    assert finding.url == "https://www.rfc-editor.org/rfc/rfc6585#section-4"


@pytest.mark.parametrize("status", [429, 503])
def test_a_may_is_advice_never_a_broken_rule(status: int) -> None:
    result = review("GET", status, [TEXT], b"Wait a little")
    assert result.broken == ()
    assert [f.strength for f in result.advice] == [MAY]
    assert result.advice[0].advice and not result.advice[0].broken
    assert result.summary == "This answer breaks none of the HTTP rules checked here."
    assert result.as_dict()["broken"] == []


def test_every_may_rule_is_advice() -> None:
    for rule_id, spec in BREAKS:
        for finding in check(**spec):
            assert finding.advice == (finding.strength == MAY), (rule_id, finding)


def test_findings_come_most_binding_first() -> None:
    found = check("GET", 401, [("Content-Length", "99")], b"Log in")
    assert [f.strength for f in found] == [MUST, MUST_NOT, SHOULD]


def test_a_cut_body_with_its_real_length_is_no_content_length_mismatch() -> None:
    kept = b"a" * 4096  # what the recorder keeps of a 10,000-byte body
    headers = [TEXT, ("Content-Length", "10000")]
    assert check("GET", 200, headers, kept, body_length=10_000) == []
    # Without the real length, the kept part alone would look like a lie about the length.
    assert "content-length-mismatch" in [f.id for f in check("GET", 200, headers, kept)]


def test_a_cut_header_section_judges_no_missing_header() -> None:
    # The recorder may have cut the very header a rule asks for: then nothing is said about it.
    assert check("GET", 401, [TEXT], b"Log in") != []
    assert check("GET", 401, [TEXT], b"Log in", headers_truncated=True) == []
    assert [f.id for f in check("GET", 200, [], b"x", headers_truncated=True)] == []
    cut_length = [TEXT, ("Content-Length", "12 [cut]")]
    assert check("GET", 200, cut_length, b"x" * 12) != []
    assert check("GET", 200, cut_length, b"x" * 12, headers_truncated=True) == []


def test_header_names_are_matched_without_regard_to_case() -> None:
    assert check("GET", 401, [("www-authenticate", "Bearer"), ("content-type", "text/plain")], b"x") == []
    assert check("get", 405, [TEXT, ("allow", "get")], b"no")[0].id == "405-allow-refused"


def test_an_answer_that_breaks_nothing_says_so() -> None:
    result = review("GET", 200, [TEXT, ("Content-Length", "2")], b"ok")
    assert (result.broken, result.advice, result.notes) == ((), (), ())
    assert result.as_dict()["summary"] == "This answer breaks none of the HTTP rules checked here."
    two = review("GET", 401, [], b"x")
    assert two.summary == "This answer breaks 2 HTTP rules."


def test_a_201_without_location_to_put_breaks_nothing_and_says_why() -> None:
    result = review("PUT", 201, [TEXT], b"Created")
    assert result.broken == ()
    (note,) = result.notes
    assert (note.id, note.section) == ("201-target-uri", "15.3.2")
    assert "target URI" in note.text and "by the target URI" in note.quote
    assert note.url == "https://www.rfc-editor.org/rfc/rfc9110#section-15.3.2"
    (with_location,) = review("POST", 201, [TEXT, ("Location", "/users/sam")], b"Created").notes
    assert with_location.id == "201-location"


# Real answers: tiny Flask apps, answered through the test client, checked as they came back.


def checked(client: FlaskClient, path: str, method: str = "GET") -> list[str]:
    response = client.open(path, method=method)
    return [
        f.id
        for f in check(method, response.status_code, response.headers.to_wsgi_list(), response.get_data())
    ]


@pytest.fixture
def tiny() -> FlaskClient:
    app = Flask(__name__)

    @app.route("/secret")
    def secret():
        abort(401)

    @app.route("/secret-with-challenge")
    def secret_with_challenge():
        abort(401, www_authenticate=WWWAuthenticate("basic", {"realm": "users"}))

    @app.route("/signup", methods=["POST"])
    def signup():
        return "Success", 200

    @app.route("/moved")
    def moved():
        return Response(status=302)

    @app.route("/redirected")
    def redirected():
        return redirect("/signup")

    @app.route("/deleted", methods=["DELETE"])
    def deleted():
        return make_response("x", 204)

    @app.route("/reset", methods=["POST"])
    def reset():
        return make_response("x", 205)

    @app.route("/hello")
    def hello():
        return "hello"

    @app.route("/lying-length")
    def lying_length():
        response = make_response("abc")
        response.headers["Content-Length"] = "10"
        return response

    @app.route("/bare-error")
    def bare_error():
        return "", 400

    return app.test_client()


def test_flask_abort_401_sends_no_challenge(tiny: FlaskClient) -> None:
    assert checked(tiny, "/secret") == ["401-www-authenticate"]
    assert checked(tiny, "/secret-with-challenge") == []


def test_flasks_own_405_lists_the_allowed_methods(tiny: FlaskClient) -> None:
    response = tiny.get("/signup")
    # Werkzeug lists them in no fixed order (a set): compare them as a set.
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert response.status_code == 405 and allowed == {"POST", "OPTIONS"}
    assert checked(tiny, "/signup") == []
    assert checked(tiny, "/signup", "HEAD") == []


def test_a_302_built_without_location_breaks_the_should(tiny: FlaskClient) -> None:
    assert checked(tiny, "/moved") == ["302-location"]
    assert checked(tiny, "/redirected") == []


def test_werkzeug_drops_a_204s_content_and_its_length(tiny: FlaskClient) -> None:
    # make_response("x", 204): Werkzeug sends neither the content nor its Content-Length, so the
    # answer that left breaks no rule (the checker judges what was sent, not what the view wrote).
    response = tiny.delete("/deleted")
    assert response.get_data() == b"" and "Content-Length" not in response.headers
    assert checked(tiny, "/deleted", "DELETE") == []


def test_a_205_with_content_is_sent_and_breaks_the_must_not(tiny: FlaskClient) -> None:
    assert checked(tiny, "/reset", "POST") == ["205-no-content"]


def test_a_head_answer_keeps_the_gets_length_and_breaks_nothing(tiny: FlaskClient) -> None:
    response = tiny.head("/hello")
    assert response.get_data() == b"" and response.headers["Content-Length"] == "5"
    assert checked(tiny, "/hello", "HEAD") == []


def test_a_content_length_set_by_the_view_that_lies_is_found(tiny: FlaskClient) -> None:
    assert checked(tiny, "/lying-length") == ["content-length-mismatch"]


def test_an_error_without_an_explanation_breaks_the_should(tiny: FlaskClient) -> None:
    assert checked(tiny, "/bare-error") == ["4xx-explained"]


# The playground itself: the tutorial's answers as the recorder keeps them.


@pytest.fixture
def playground() -> Iterator[FlaskClient]:
    app = create_app({"SECRET_KEY": "test"})  # the in-memory store: the checker does not touch it
    yield app.test_client()
    app.extensions["store"].close()


def recorded(client: FlaskClient) -> dict[str, Any]:
    (exchange,) = client.get("/api/exchanges").json[-1:]
    return exchange


@pytest.mark.parametrize("path", ["/userSignUp", "/make_response/userSignUp"])
def test_the_tutorials_sign_up_answer_breaks_nothing(playground: FlaskClient, path: str) -> None:
    playground.post(path, data="username=sam&password=hunter22", headers=FORM)
    result = review_exchange(recorded(playground))
    assert (result.broken, result.advice) == ((), ())


@pytest.mark.parametrize("path", ["/userDetails", "/make_response/userDetails"])
def test_the_tutorials_201_breaks_nothing_and_says_why(playground: FlaskClient, path: str) -> None:
    # Without a Location, the created resource is the target URI (RFC 9110, 15.3.2): /userDetails.
    playground.post(path, data="username=sam&firstname=john&lastname=king", headers=FORM)
    exchange = recorded(playground)
    assert exchange["response"]["status"] == 201
    result = review_exchange(exchange)
    assert result.broken == ()
    assert [note.id for note in result.notes] == ["201-target-uri"]
    assert result.as_dict()["summary"] == "This answer breaks none of the HTTP rules checked here."


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("POST", "/userDetails", "username=sam&firstname=john", 400),  # request.form["lastname"]
        ("GET", "/userSignUp", "", 405),
        ("GET", "/userDetails", "", 500),  # the view returns None
        ("HEAD", "/userSignUp", "", 405),
    ],
)
def test_the_tutorials_accidental_answers_break_nothing(
    playground: FlaskClient, method: str, path: str, data: str, status: int
) -> None:
    playground.open(path, method=method, data=data, headers=FORM)
    exchange = recorded(playground)
    assert exchange["response"]["status"] == status
    assert review_exchange(exchange).broken == ()


def test_a_recorded_answer_cut_at_4_kb_is_judged_by_its_real_length(playground: FlaskClient) -> None:
    playground.get("/respond/tuple2", query_string={"status": "200", "body": "a" * 10_000})
    response = recorded(playground)["response"]
    assert response["body_truncated"] and len(response["body"]) == 4096 and response["body_size"] == 10_000
    assert review_exchange(recorded(playground)).broken == ()


def test_a_recorded_401_without_a_challenge_is_found(playground: FlaskClient) -> None:
    playground.get("/respond/abort", query_string={"status": "401"})
    (finding,) = review_exchange(recorded(playground)).broken
    assert (finding.id, finding.strength) == ("401-www-authenticate", MUST)
