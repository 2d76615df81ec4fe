"""The code lab's Python, run here in CPython: the same module Pyodide runs in the learner's browser."""

import random

from playground.lab.challenges import get_challenge
from playground.lab.listings import listing_code
from playground.lab.runtime import after_restore, check, run

FORM = [["Content-Type", "application/x-www-form-urlencoded"]]
DETAILS = {
    "path": "/userDetails",
    "method": "POST",
    "headers": FORM,
    "body": "username=sam&firstname=john&lastname=king",
}


def test_the_tutorials_listing_answers_as_the_server_does() -> None:
    answer = run(listing_code("tuple"), DETAILS)
    assert answer["kind"] == "answer" and answer["status"] == 201 and answer["body"] == "Success"
    explanation = answer["explanation"]
    assert explanation["source_file"] == "app.py"
    assert explanation["source_line"] == 'return "Success", 201'
    code_line = listing_code("tuple").splitlines()[explanation["line_number"] - 1]
    assert code_line.strip() == 'return "Success", 201'


def test_an_edit_changes_the_answer() -> None:
    code = listing_code("tuple").replace('return "Success", 201', 'return "Success", 202')
    assert run(code, DETAILS)["status"] == 202
    lenient = listing_code("tuple").replace('request.form["lastname"]', 'request.form.get("lastname")')
    missing = {**DETAILS, "body": "username=sam&firstname=john"}
    assert run(listing_code("tuple"), missing)["status"] == 400
    assert run(lenient, missing)["status"] == 201


def test_a_syntax_error_names_its_line() -> None:
    answer = run(listing_code("tuple").replace("def user_details():", "def user_details(:"), DETAILS)
    assert answer["kind"] == "syntax_error" and answer["line"] == 7


def test_an_exception_in_a_view_is_a_500_with_the_servers_traceback() -> None:
    code = listing_code("tuple").replace('return "Success", 201', "return 1 / 0")
    answer = run(code, DETAILS)
    assert answer["status"] == 500 and "Internal Server Error" in answer["body"]
    assert "ZeroDivisionError" in answer["serverLog"] and 'File "app.py"' in answer["serverLog"]
    assert "ZeroDivisionError" not in answer["body"]


def test_a_missing_module_is_named() -> None:
    answer = run("import flask_sqlalchemy\n" + listing_code("tuple"), DETAILS)
    assert answer["kind"] == "error" and "No module named 'flask_sqlalchemy'" in answer["message"]


def test_app_run_is_skipped_with_a_note() -> None:
    answer = run(listing_code("tuple") + '\nif __name__ == "app":\n    app.run(debug=True)\n', DETAILS)
    assert answer["status"] == 201 and any("app.run() was skipped" in note for note in answer["notes"])


def test_a_file_without_an_app_says_so() -> None:
    answer = run("x = 1\n", DETAILS)
    assert answer["kind"] == "error" and "Flask app" in answer["message"]


def test_sending_again_without_an_edit_reuses_the_app_and_answers_afresh() -> None:
    code = listing_code("tuple")
    first = run(code, DETAILS)
    again = run(code, {**DETAILS, "body": "username=sam"})
    assert first["status"] == 201 and again["status"] == 400
    assert again["explanation"]["source_line"] == 'lastname = request.form["lastname"]'
    assert run(code.replace("201", "203"), DETAILS)["status"] == 203


def test_check_runs_a_challenges_checks_as_the_check_button_does() -> None:
    challenge = get_challenge("accepted-202")
    assert check(challenge.id, challenge.solution, "seed-1")["solved"] is True
    starting = check(challenge.id, challenge.starting_code, "seed-2")
    assert starting["solved"] is False
    failed = next(result for result in starting["results"] if not result["passed"])
    assert failed["mistake"] == "answered 201 instead of 202"
    assert failed["source_line"] == 'return "Success", 201'


def test_a_send_after_a_check_explains_its_own_file_not_the_checked_one() -> None:
    # The checks load their file as app.py too: a Send must not reuse an app whose lines were replaced.
    assert run(listing_code("tuple"), DETAILS)["explanation"]["source_line"] == 'return "Success", 201'
    shifted = "# a first line that moves every other one down\n" + listing_code("tuple")
    check("accepted-202", shifted, "seed")
    assert run(listing_code("tuple"), DETAILS)["explanation"]["source_line"] == 'return "Success", 201'


def test_a_python_restored_from_a_snapshot_draws_fresh_random_numbers() -> None:
    # Every visit restores the same snapshot: without a fresh seed, random() would repeat itself.
    random.seed(21)
    first = random.random()
    random.seed(21)
    after_restore()
    assert random.random() != first
