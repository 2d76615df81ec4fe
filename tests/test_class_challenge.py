"""The class, live: the teacher sets a challenge from /log, labs report their Checks, /log counts them.

Every test runs on each store (conftest's make_app): the memory store, a real redis-server and a real
three-node Redis Cluster.
"""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from playground.classroom.challenge import known_mistake
from playground.lab.challenges import BY_ID, CHALLENGES, check_code
from tests.support.challenge_cases import STARTS, WRONG
from tests.support.csrf import csrf_token

pytestmark = pytest.mark.on_cluster


def teacher_of(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert client.get(f"/teacher/{app.config['TEACHER_KEY']}").status_code == 302
    return client


def set_challenge(client: FlaskClient, challenge_id: str) -> TestResponse:
    return client.post(
        "/log/challenge", json={"challenge": challenge_id}, headers={"X-CSRFToken": csrf_token(client)}
    )


def student(app: Flask, address: str = "10.0.0.1") -> Callable[..., TestResponse]:
    """A learner's browser (its own cookies) at an address: reports as the lab page does."""
    client = app.test_client()
    token = csrf_token(client, "/lab")

    def report(challenge_id: str, solved: bool, mistakes: list[Any] | None = None) -> TestResponse:
        return client.post(
            "/api/class/challenge/report",
            json={"challenge": challenge_id, "solved": solved, "mistakes": mistakes or []},
            headers={"X-CSRFToken": token},
            environ_base={"REMOTE_ADDR": address},
        )

    return report


def results(app: Flask) -> dict[str, Any]:
    return app.test_client().get("/api/class/challenge/results").json  # type: ignore[return-value]


def test_the_teacher_sets_a_challenge_and_every_lab_learns_it(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    lab = app.test_client()
    assert lab.get("/api/class/challenge").json == {"challenge": None, "round": 0, "title": None}
    answer = set_challenge(teacher_of(app), "missing-field-422")
    assert answer.status_code == 200 and answer.json["round"] == 1
    current = lab.get("/api/class/challenge")
    assert current.json == {
        "challenge": "missing-field-422",
        "round": 1,
        "title": BY_ID["missing-field-422"].title,
    }
    assert current.headers["Cache-Control"] == "no-store"
    assert set_challenge(teacher_of(app), "").json == {"challenge": None, "round": 2, "title": None}
    assert lab.get("/api/class/challenge").json["challenge"] is None


def test_only_the_teacher_sets_a_challenge_and_only_with_the_csrf_token(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    assert set_challenge(app.test_client(), "delete-204").status_code == 403
    teacher = teacher_of(app)
    assert teacher.post("/log/challenge", json={"challenge": "delete-204"}).status_code == 400  # no token
    assert set_challenge(teacher, "no-such-challenge").status_code == 400
    assert app.test_client().get("/api/class/challenge").json["challenge"] is None


def test_a_report_needs_the_csrf_token(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    set_challenge(teacher_of(app), "delete-204")
    sent = app.test_client().post(
        "/api/class/challenge/report", json={"challenge": "delete-204", "solved": True}
    )
    assert sent.status_code == 400
    assert results(app)["checked"] == 0


def test_solved_by_n_of_m_and_the_common_mistakes_grouped(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    set_challenge(teacher_of(app), "missing-field-422")
    ada, alan, grace = (student(app, f"10.0.0.{n}") for n in (1, 2, 3))
    wrong = "answered 400 instead of 422"
    assert ada("missing-field-422", False, [wrong]).status_code == 204
    assert alan("missing-field-422", False, [wrong, "answered 422 without a JSON body"]).status_code == 204
    assert grace("missing-field-422", True).status_code == 204
    assert results(app) == {
        "challenge": "missing-field-422",
        "title": BY_ID["missing-field-422"].title,
        "round": 1,
        "checked": 3,
        "solved": 1,
        "mistakes": [
            {"mistake": wrong, "count": 2},
            {"mistake": "answered 422 without a JSON body", "count": 1},
        ],
    }
    # A browser's latest Check replaces its record (its mistakes go), and solved stays solved.
    assert ada("missing-field-422", True).status_code == 204
    assert grace("missing-field-422", False, [wrong]).status_code == 204
    now = results(app)
    assert (now["solved"], now["checked"]) == (2, 3)
    assert now["mistakes"][0] == {"mistake": wrong, "count": 1}
    page = app.test_client().get("/log").get_data(as_text=True)
    assert "Solved by 2 of 3" in page and f"{wrong}: 1" in page


def test_only_the_set_challenge_is_reported_and_setting_starts_afresh(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    teacher = teacher_of(app)
    ada = student(app)
    assert ada("delete-204", True).status_code == 409  # nothing set yet
    set_challenge(teacher, "delete-204")
    assert ada("created-201-location", True).status_code == 409
    assert ada("delete-204", True).status_code == 204
    assert results(app)["solved"] == 1
    set_challenge(teacher, "delete-204")  # again: a new round
    assert (results(app)["round"], results(app)["checked"]) == (2, 0)
    set_challenge(teacher, "")
    assert ada("delete-204", True).status_code == 409


def test_only_mistakes_the_checks_can_name_are_kept(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    set_challenge(teacher_of(app), "delete-204")
    sent = [
        "answered 200 instead of 204",
        "answered 500 (MyOwnRudeWord) instead of 204",  # the learner's own exception class
        "answered 500 (KeyError) instead of 204",
        "answered 204 with a body",
        "answered 204 because the teacher is <b>boring</b>",  # free text: not a check's fault
        "anything at all",
        42,
    ]
    assert student(app)("delete-204", False, sent).status_code == 204
    assert sorted(row["mistake"] for row in results(app)["mistakes"]) == [
        "answered 200 instead of 204",
        "answered 204 with a body",
        "answered 500 (KeyError) instead of 204",
        "answered 500 (another exception) instead of 204",
    ]


def test_every_mistake_the_checks_make_is_kept_as_is(app: Flask) -> None:
    """The starting codes' mistakes, and the plausible wrong answers' (test_challenges), pass unchanged."""
    made = [mistake for _, mistake in STARTS.values()] + [wrong[5] for wrong in WRONG]
    broken = check_code("delete-204", "def broken(:\n", 7, trace=False)["error"]["mistake"]
    assert broken == "the file did not run (SyntaxError)"
    with app.app_context():
        for mistake in [*made, broken]:
            assert known_mistake(mistake) == mistake, mistake


@pytest.mark.parametrize("limit", ["browsers", "address"])
def test_records_are_bounded_in_all_and_per_address(make_app: Callable[..., Flask], limit: str) -> None:
    if limit == "address":
        app = make_app({"CHALLENGE_BROWSERS_PER_ADDRESS": 2})
        addresses = ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"]
        expected = [204, 204, 429, 204]
    else:
        app = make_app({"CHALLENGE_BROWSERS": 2})
        addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
        expected = [204, 204, 429]
    set_challenge(teacher_of(app), "delete-204")
    browsers = [student(app, address) for address in addresses]
    assert [report("delete-204", False).status_code for report in browsers] == expected
    assert browsers[0]("delete-204", True).status_code == 204  # a browser already counted still updates
    assert results(app)["checked"] == expected.count(204)


def test_a_record_is_bounded_in_mistakes_and_bytes(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    set_challenge(teacher_of(app), "delete-204")
    report = student(app)
    assert report("delete-204", False, ["answered 200 instead of 204"] * 9).status_code == 400
    assert report("delete-204", "yes").status_code == 400
    long = "answered 200 instead of 204" + " or 204" * 30
    assert report("delete-204", False, [long]).status_code == 204
    assert results(app)["mistakes"] == []


def test_the_log_offers_set_a_challenge_to_the_teacher_only(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    assert "Set a challenge" not in app.test_client().get("/log").get_data(as_text=True)
    page = teacher_of(app).get("/log").get_data(as_text=True)
    assert "Set a challenge" in page
    assert all(str(escape(challenge.title)) in page for challenge in CHALLENGES)


def test_the_store_itself_bounds_a_record(make_app: Callable[..., Flask]) -> None:
    """Whatever a caller hands it: at most `mistakes` distinct mistakes, none over `mistake_chars`."""
    board = make_app().extensions["store"].challenge
    board.set("delete-204")
    limits = board.limits
    many = [f"answered {code} instead of 204" for code in range(200, 200 + 2 * limits.mistakes)]
    assert (
        board.report("delete-204", "b1", "10.0.0.1", False, [*many, *many, "a" * (limits.mistake_chars + 1)])
        is None
    )
    kept = [row["mistake"] for row in board.results()["mistakes"]]
    assert len(kept) == limits.mistakes and all(len(mistake) <= limits.mistake_chars for mistake in kept)
