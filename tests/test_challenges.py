"""The code lab's challenges: each solution passes every check, and the starting code and plausible
wrong answers (special-casers of the check's own request among them) fail, each with its mistake named.

The code is loaded as the lab loads it (playground.lab.challenges.load_app: the file runs as the
module ``app``), and the checks send real requests through Flask's test client.
"""

import json
import re

import pytest

from playground.lab.challenges import (
    CHALLENGES,
    MAKE_RESPONSE_TUTORIAL,
    TUTORIAL,
    catalogue,
    check_code,
    common_mistake,
    deciding_line,
    edit,
    get_challenge,
    load_app,
    run_checks,
)
from playground.lab.listings import listing_code

SEEDS = (0, 1, 2)


def solution(challenge_id: str) -> str:
    return get_challenge(challenge_id).solution


def start(challenge_id: str) -> str:
    return get_challenge(challenge_id).starting_code


def failures(challenge_id: str, code: str, seed: int = 7) -> list[tuple[int, str]]:
    """The failed checks of a run: (the check's place, its mistake)."""
    outcome = check_code(challenge_id, code, seed)
    assert outcome["error"] is None, outcome["error"]
    return [
        (index, result["mistake"]) for index, result in enumerate(outcome["results"]) if not result["passed"]
    ]


def test_twelve_challenges_or_more_each_complete() -> None:
    assert len(CHALLENGES) >= 12
    ids = [challenge.id for challenge in CHALLENGES]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", id_) for id_ in ids)
    for challenge in CHALLENGES:
        sentences = re.findall(r"[.!?](\s|$)", challenge.task.replace("...", "").replace("e.g.", ""))
        assert 2 <= len(sentences) <= 3, challenge.id
        assert 2 <= len(challenge.hints) <= 3, challenge.id
        assert challenge.checks and all(check.name.endswith(".") for check in challenge.checks)
        assert challenge.starting_code != challenge.solution
    json.dumps(catalogue())


def test_the_challenges_start_from_the_tutorials_listings() -> None:
    assert listing_code("tuple") == TUTORIAL
    assert listing_code("make_response") == MAKE_RESPONSE_TUTORIAL
    assert start("accepted-202") == TUTORIAL and start("cookie-make-response") == MAKE_RESPONSE_TUTORIAL


@pytest.mark.parametrize("challenge_id", [challenge.id for challenge in CHALLENGES])
def test_the_solution_passes_every_check(challenge_id: str) -> None:
    for seed in SEEDS:
        outcome = check_code(challenge_id, solution(challenge_id), seed)
        assert outcome["solved"], [result["mistake"] for result in outcome["results"]]
        assert all(result["mistake"] is None and result["line"] is None for result in outcome["results"])


STARTS = {
    "accepted-202": (0, "answered 201 instead of 202"),
    "json-body": (0, "answered 200 without a JSON body (Content-Type: application/json)"),
    "method-not-allowed-405": (0, "answered 500 (TypeError) instead of 405"),
    "missing-field-422": (0, "answered 400 instead of 422"),
    "created-location": (0, "answered 201 without Location"),
    "see-other-303": (0, "answered 201 instead of 303"),
    "taken-username-409": (1, "answered 200 instead of 409"),
    "not-found-json-404": (0, "answered 500 (KeyError) instead of 404"),
    "delete-204": (0, "answered 200 instead of 204"),
    "not-modified-304": (0, "answered 200 without ETag"),
    "wrong-password-401": (1, "answered 403 instead of 401"),
    "rate-limit-429": (0, "answered 200 instead of 429"),
    "cookie-make-response": (0, "answered 200 without a username cookie"),
}
"""Where each starting code first fails, and why: what its task says is wrong with it."""


def test_every_challenge_has_its_starting_mistake_listed() -> None:
    assert set(STARTS) == {challenge.id for challenge in CHALLENGES}


@pytest.mark.parametrize("challenge_id", list(STARTS))
def test_the_starting_code_fails(challenge_id: str) -> None:
    assert failures(challenge_id, start(challenge_id))[0] == STARTS[challenge_id]


# Plausible wrong answers: each an edit of the solution (or of the starting code), the check it fails
# first, and the mistake that check names.
TAKEN = (
    "        if username in passwords:\n"
    '            return "That username is taken", 409, {"Access-Control-Allow-Origin": "*"}\n'
)
RATE = '            return "Too many sign-ups", 429, {"Retry-After": str(wait)}\n'
WRONG = [
    (
        "accepted-202",
        "only for the tutorial's username",
        start,
        [
            (
                '        return "Success", 201',
                '        if username == "sam":\n'
                '            return "Success", 202\n'
                '        return "Success", 201',
            )
        ],
        0,
        "answered 201 instead of 202",
    ),
    (
        "accepted-202",
        "changed the sign-up's status",
        start,
        [('return "Success", 200,', 'return "Success", 202,')],
        0,
        "answered 201 instead of 202",
    ),
    (
        "accepted-202",
        "changed the body too",
        solution,
        [('return "Success", 202', 'return "Accepted", 202')],
        0,
        "answered 202 without the body Success",
    ),
    (
        "json-body",
        "JSON text sent as HTML",
        solution,
        [
            (
                "return jsonify(username=username), 200",
                "return '{\"username\": \"' + username + '\"}', 200",
            )
        ],
        0,
        "answered 200 without a JSON body (Content-Type: application/json)",
    ),
    (
        "json-body",
        "the whole form echoed",
        solution,
        [("jsonify(username=username)", "jsonify(request.form)")],
        0,
        "answered 200 echoing the password",
    ),
    (
        "json-body",
        "the header dropped",
        solution,
        [
            (
                'return jsonify(username=username), 200, {"Access-Control-Allow-Origin": "*"}',
                "return jsonify(username=username)",
            )
        ],
        1,
        "answered 200 without Access-Control-Allow-Origin: *",
    ),
    (
        "method-not-allowed-405",
        "abort(405) in the view",
        start,
        [
            ("Flask, make_response", "Flask, abort, make_response"),
            ('        return "Success", 201\n', '        return "Success", 201\n    abort(405)\n'),
        ],
        0,
        "answered 405 without Allow",
    ),
    (
        "method-not-allowed-405",
        "an Allow that lists GET",
        start,
        [
            (
                '        return "Success", 201\n',
                '        return "Success", 201\n'
                '    return "Method Not Allowed", 405, {"Allow": "GET, POST"}\n',
            )
        ],
        0,
        "answered 405 with an Allow that lists a refused method",
    ),
    (
        "missing-field-422",
        "400 naming the field",
        solution,
        [("field=field), 422", "field=field), 400")],
        0,
        "answered 400 instead of 422",
    ),
    (
        "missing-field-422",
        "422 without naming the field",
        solution,
        [
            (
                'jsonify(error=f"{field} is missing", field=field)',
                'jsonify(error="A field is missing")',
            )
        ],
        0,
        "answered 422 without naming the missing field",
    ),
    (
        "missing-field-422",
        "422 naming every field",
        solution,
        [
            (
                'jsonify(error=f"{field} is missing", field=field)',
                'jsonify(error="username, firstname and lastname are required")',
            )
        ],
        0,
        "answered 422 naming a field that was sent",
    ),
    (
        "missing-field-422",
        "only lastname handled",
        start,
        [
            ("Flask, make_response", "Flask, jsonify, make_response"),
            (
                '        lastname = request.form["lastname"]\n',
                '        if "lastname" not in request.form:\n'
                '            return jsonify(error="lastname is missing"), 422\n'
                '        lastname = request.form["lastname"]\n',
            ),
        ],
        1,
        "answered 201 instead of 422",
    ),
    (
        "created-location",
        "a Location hard-coded",
        solution,
        [
            (
                'url_for("user_page", username=username)',
                '"/users/sam"',
            )
        ],
        0,
        "answered 201 with a Location that isn't the user's page",
    ),
    (
        "created-location",
        "200 with a Location",
        solution,
        [('"Success", 201', '"Success", 200')],
        0,
        "answered 200 instead of 201",
    ),
    (
        "see-other-303",
        "redirect()'s default 302",
        solution,
        [("username=username), 303)", "username=username))")],
        0,
        "answered 302 instead of 303",
    ),
    (
        "see-other-303",
        "303 without Location",
        solution,
        [
            (
                'redirect(url_for("user_page", username=username), 303)',
                '"See Other", 303',
            )
        ],
        0,
        "answered 303 without Location",
    ),
    (
        "taken-username-409",
        "400 for a taken username",
        solution,
        [('taken", 409', 'taken", 400')],
        1,
        "answered 400 instead of 409",
    ),
    (
        "taken-username-409",
        "only the tutorial's username taken",
        start,
        [
            (
                "        passwords[username] = password\n",
                '        if username == "sam":\n'
                '            return "That username is taken", 409\n'
                "        passwords[username] = password\n",
            )
        ],
        1,
        "answered 200 instead of 409",
    ),
    (
        "taken-username-409",
        "every sign-up after the first refused",
        solution,
        [("        if username in passwords:\n", "        if passwords:\n")],
        0,
        "answered 409 instead of 200",
    ),
    (
        "not-found-json-404",
        "a JSON 404 from the view, no handler",
        start,
        [
            (
                "def user_page(username):\n",
                "def user_page(username):\n"
                "    if username not in users:\n"
                '        return jsonify(error="not found"), 404\n',
            )
        ],
        1,
        "answered 404 without a JSON body",
    ),
    (
        "not-found-json-404",
        "a handler that forgets its status",
        solution,
        [
            (
                '    return jsonify(error="not found"), 404\n',
                '    return jsonify(error="not found")\n',
            )
        ],
        0,
        "answered 200 instead of 404",
    ),
    (
        "delete-204",
        "200 with an empty body",
        solution,
        [('return "", 204', 'return "", 200')],
        0,
        "answered 200 instead of 204",
    ),
    (
        "delete-204",
        "204 without deleting",
        solution,
        [("    del users[username]\n", "")],
        1,
        "answered 200 instead of 404",
    ),
    (
        "not-modified-304",
        "one ETag for every page",
        solution,
        [("response.add_etag()", 'response.set_etag("v1")')],
        1,
        "answered 304 instead of 200",
    ),
    (
        "not-modified-304",
        "304 for any If-None-Match",
        solution,
        [
            (
                "    return response.make_conditional(request)\n",
                '    if "If-None-Match" in request.headers:\n        return "", 304\n    return response\n',
            )
        ],
        1,
        "answered 304 instead of 200",
    ),
    (
        "wrong-password-401",
        "401 without WWW-Authenticate",
        solution,
        [
            (
                ', 401, {"WWW-Authenticate": \'Basic realm="accounts"\'}',
                ", 401",
            )
        ],
        1,
        "answered 401 without WWW-Authenticate",
    ),
    (
        "wrong-password-401",
        "only the tutorial's user lets in",
        solution,
        [
            (
                'auth.type != "basic" or passwords.get(auth.username) != auth.password',
                'auth.username != "sam" or auth.password != "secret"',
            )
        ],
        0,
        "answered 401 instead of 200",
    ),
    (
        "wrong-password-401",
        "a Bearer token lets in",
        solution,
        [(' or auth.type != "basic"', "")],
        2,
        "answered 200 instead of 401",
    ),
    (
        "rate-limit-429",
        "429 without Retry-After",
        solution,
        [(RATE, '            return "Too many sign-ups", 429\n')],
        0,
        "answered 429 without Retry-After",
    ),
    (
        "rate-limit-429",
        "one count for every address",
        solution,
        [
            ("recent.get(request.remote_addr, [])", 'recent.get("all", [])'),
            ("recent[request.remote_addr] =", 'recent["all"] ='),
        ],
        1,
        "answered 429 instead of 200",
    ),
    (
        "rate-limit-429",
        "a Retry-After in words",
        solution,
        [
            ('{"Retry-After": str(wait)}', '{"Retry-After": "in a minute"}'),
        ],
        0,
        "answered 429 with a Retry-After that is neither seconds nor a date",
    ),
    (
        "cookie-make-response",
        "a cookie without HttpOnly",
        solution,
        [("httponly=True, ", "")],
        1,
        "answered 200 with a cookie without HttpOnly",
    ),
    (
        "cookie-make-response",
        "SameSite=None",
        solution,
        [('samesite="Lax"', 'samesite="None"')],
        1,
        "answered 200 with a cookie without SameSite=Lax or Strict",
    ),
    (
        "cookie-make-response",
        "the tutorial's username in the cookie",
        solution,
        [('"username", username,', '"username", "sam",')],
        0,
        "answered 200 with a cookie that isn't the username sent",
    ),
]


def test_every_challenge_has_two_wrong_answers_or_more() -> None:
    for challenge in CHALLENGES:
        assert sum(1 for wrong in WRONG if wrong[0] == challenge.id) >= 2, challenge.id


@pytest.mark.parametrize(
    ("challenge_id", "base", "replacements", "check", "mistake"),
    [(wrong[0], wrong[2], wrong[3], wrong[4], wrong[5]) for wrong in WRONG],
    ids=[f"{wrong[0]}: {wrong[1]}" for wrong in WRONG],
)
def test_a_wrong_answer_fails_naming_its_mistake(
    challenge_id: str, base, replacements: list[tuple[str, str]], check: int, mistake: str
) -> None:
    code = edit(base(challenge_id), *replacements)
    for seed in SEEDS:
        assert failures(challenge_id, code, seed)[0] == (check, mistake)


def test_a_failed_check_says_what_it_sent_expected_and_got_and_the_deciding_line() -> None:
    outcome = check_code("missing-field-422", start("missing-field-422"), 3)
    result = outcome["results"][0]
    assert not result["passed"] and not outcome["solved"]
    sent = result["sent"]
    assert sent["method"] == "POST" and sent["path"] == "/userDetails"
    assert ["Content-Type", "application/x-www-form-urlencoded"] in sent["headers"]
    assert "username=" in sent["body"] and "lastname" not in sent["body"]
    assert result["expected"].startswith("422") and "lastname" in result["expected"]
    got = result["got"]
    assert (
        got["status"] == 400
        and "Bad Request" in got["body"]
        and ["Content-Type", "text/html; charset=utf-8"] in got["headers"]
    )
    assert deciding_line(result) == {"line": 11, "source_line": 'lastname = request.form["lastname"]'}
    assert start("missing-field-422").splitlines()[10].strip() == 'lastname = request.form["lastname"]'
    json.dumps(outcome)


def test_a_returned_status_is_decided_by_its_return_line() -> None:
    result = check_code("accepted-202", start("accepted-202"), 0)["results"][0]
    assert deciding_line(result) == {"line": 12, "source_line": 'return "Success", 201'}


def test_a_failed_step_lists_the_requests_before_it() -> None:
    result = check_code("taken-username-409", start("taken-username-409"), 5)["results"][1]
    (first,) = result["before"]
    assert first["method"] == "POST" and first["path"] == "/userSignUp" and first["status"] == 200
    username = re.search(r"username=(\w+)", first["body"])[1]
    assert f"username={username}&" in result["sent"]["body"] and result["got"]["status"] == 200


def test_an_answer_flask_itself_gave_has_no_deciding_line() -> None:
    result = check_code("not-found-json-404", start("not-found-json-404"), 0)["results"][1]
    assert result["mistake"] == "answered 404 without a JSON body" and deciding_line(result) is None


def test_the_checks_vary_what_they_send_by_seed() -> None:
    def sent(seed: int) -> list[str]:
        return [result["sent"]["body"] for result in check_code("accepted-202", TUTORIAL, seed)["results"]]

    assert sent(1) == sent(1) and sent(1) != sent(2)
    bodies = {body for seed in range(20) for body in sent(seed)}
    assert len(bodies) == 40 and not any("sam" in body or "john" in body for body in bodies)


def test_a_mistake_holds_no_value_drawn_at_random() -> None:
    seen = set()
    for seed in SEEDS:
        for result in check_code("taken-username-409", start("taken-username-409"), seed)["results"]:
            assert common_mistake(result) == result["mistake"]
            seen.add(result["mistake"])
    assert seen == {None, "answered 200 instead of 409"}


def test_run_checks_takes_an_app_loaded_as_the_lab_loads_it() -> None:
    results = run_checks("delete-204", load_app(solution("delete-204")), 9)
    assert [result["passed"] for result in results] == [True, True, True]
    results = run_checks("delete-204", load_app(start("delete-204")), 9)
    assert results[0]["mistake"] == "answered 200 instead of 204" and results[0]["line"] is None


def test_an_exception_let_out_of_the_app_is_a_500_named() -> None:
    code = start("not-found-json-404").replace(
        "app = Flask(__name__)\n", "app = Flask(__name__)\napp.testing = True\n"
    )
    result = check_code("not-found-json-404", code, 0)["results"][0]
    assert result["mistake"] == "answered 500 (KeyError) instead of 404"
    assert deciding_line(result) == {"line": 20, "source_line": "return jsonify(users[username])"}


def test_a_file_that_makes_no_app_says_why_in_one_sentence() -> None:
    broken = check_code("accepted-202", TUTORIAL.replace("def user_details():", "def user_details(:"), 0)
    assert broken["error"]["line"] == 7 and broken["results"] == [] and not broken["solved"]
    assert broken["error"]["mistake"] == "the file did not run (SyntaxError)"
    assert check_code("accepted-202", "x = 1\n", 0)["error"] == {
        "message": "The file makes no Flask app: keep app = Flask(__name__).",
        "line": None,
        "mistake": "the file did not run (no Flask app)",
    }
    raising = check_code("accepted-202", TUTORIAL + "\n1 / 0\n", 0)["error"]
    assert raising["line"] == 22 and raising["message"].startswith("The file raised ZeroDivisionError")
    exiting = check_code("accepted-202", TUTORIAL + "\nraise SystemExit(1)\n", 0)["error"]
    assert exiting["line"] == 22 and exiting["mistake"] == "the file did not run (SystemExit)"


def test_a_view_that_exits_is_a_500_named() -> None:
    code = edit(TUTORIAL, ('return "Success", 201', "raise SystemExit(3)"))
    result = check_code("accepted-202", code, 0)["results"][0]
    assert result["mistake"] == "answered 500 (SystemExit) instead of 202"
    assert deciding_line(result) == {"line": 12, "source_line": "raise SystemExit(3)"}


def test_an_unknown_challenge_is_refused_in_one_sentence() -> None:
    with pytest.raises(ValueError, match=r"^No challenge has the id 'nope'\.$"):
        check_code("nope", TUTORIAL, 0)
