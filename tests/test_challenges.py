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
    load_app,
    run_checks,
)
from playground.lab.listings import listing_code
from tests.support.challenge_cases import STARTS, WRONG, solution, start

SEEDS = (0, 1, 2)


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


def test_every_challenge_has_its_starting_mistake_listed() -> None:
    assert set(STARTS) == {challenge.id for challenge in CHALLENGES}


@pytest.mark.parametrize("challenge_id", list(STARTS))
def test_the_starting_code_fails(challenge_id: str) -> None:
    assert failures(challenge_id, start(challenge_id))[0] == STARTS[challenge_id]


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
