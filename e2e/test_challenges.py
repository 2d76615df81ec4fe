"""The code lab's challenges, through the page: choose, edit, Check, Solved, kept, downloaded.

The checks run the learner's code in the lab's sandbox (challenges.py's check_code, with a fresh
seed per Check); the page shows each check's result, marks the deciding line of a failed one, and
keeps what was solved in this browser.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from playground.lab.challenges import BY_ID, CHALLENGES, edit

from .conftest import BrowserWatch

LOADING = 60_000  # Python loads once per browser
CHECKING = 20_000  # a Check sends a challenge's requests, each through Flask's test client in Pyodide


@pytest.fixture
def context(lab_context: BrowserContext) -> BrowserContext:
    """Every test's page opens in the lab's profile: its lab starts from the kept snapshot."""
    return lab_context


@pytest.fixture
def lab(page: Page, watch: BrowserWatch) -> Page:
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    return page


def challenges(page: Page) -> Locator:
    return page.get_by_role("region", name="Challenges")


def choose(page: Page, challenge_id: str) -> None:
    challenges(page).get_by_role("button", name=BY_ID[challenge_id].title, exact=True).click()
    expect(challenges(page).get_by_role("heading", name=BY_ID[challenge_id].title)).to_be_visible()


def check(page: Page, code: str) -> Locator:
    page.get_by_role("textbox", name="Code").fill(code)
    challenges(page).get_by_role("button", name="Check", exact=True).click()
    results = challenges(page).get_by_role("list", name="Checks")
    unchecked = results.get_by_role("listitem").filter(has_text="Not checked yet")
    expect(unchecked).to_have_count(0, timeout=CHECKING)
    return results


def entry(page: Page, challenge_id: str) -> Locator:
    button = page.get_by_role("button", name=BY_ID[challenge_id].title, exact=True)
    return challenges(page).get_by_role("listitem").filter(has=button)


def test_a_learner_solves_two_challenges_keeps_them_and_downloads_the_proof(lab: Page) -> None:
    choose(lab, "accepted-202")
    expect(lab.get_by_role("textbox", name="Code")).to_have_value(BY_ID["accepted-202"].starting_code)
    results = check(lab, BY_ID["accepted-202"].solution)
    expect(results.get_by_role("listitem")).to_have_count(len(BY_ID["accepted-202"].checks))
    expect(results.get_by_role("listitem").filter(has_text="Passed")).to_have_count(2)
    expect(entry(lab, "accepted-202")).to_contain_text("Solved")
    expect(challenges(lab)).to_contain_text("A solution")  # shown once solved, to compare

    # Another challenge replaces edited code only when the learner says so.
    lab.once("dialog", lambda dialog: dialog.accept())
    choose(lab, "method-not-allowed-405")
    starting = BY_ID["method-not-allowed-405"].starting_code
    expect(lab.get_by_role("textbox", name="Code")).to_have_value(starting)
    check(lab, BY_ID["method-not-allowed-405"].solution)
    expect(entry(lab, "method-not-allowed-405")).to_contain_text("Solved")
    expect(challenges(lab)).to_contain_text(f"Solved 2 of {len(CHALLENGES)}")

    lab.reload()
    for solved in ("accepted-202", "method-not-allowed-405"):
        expect(entry(lab, solved)).to_contain_text("Solved")
    expect(entry(lab, "json-body")).not_to_contain_text("Solved")

    with lab.expect_download() as download:
        challenges(lab).get_by_role("button", name="Download my progress").click()
    assert re.fullmatch(r"lab-progress-\d{4}-\d{2}-\d{2}\.json", download.value.suggested_filename)
    text = Path(download.value.path()).read_text(encoding="utf-8")
    report = json.loads(text)
    assert report["solved_count"] == 2 and report["challenge_count"] == len(CHALLENGES)
    solved = {c["id"]: c for c in report["challenges"] if c["solved"]}
    assert set(solved) == {"accepted-202", "method-not-allowed-405"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+Z", c["solved_at"]) for c in solved.values())
    # What was solved and when, the hints asked for: no code, no request sent, so no password.
    keys = {"id", "title", "solved", "solved_at", "hints_shown"}
    assert all(set(c) == keys for c in report["challenges"])
    assert "def " not in text and "username=" not in text


def test_a_wrong_answer_shows_its_failed_check_and_marks_the_line(lab: Page) -> None:
    choose(lab, "missing-field-422")
    wrong = edit(BY_ID["missing-field-422"].solution, ("field=field), 422", "field=field), 400"))
    results = check(lab, wrong)
    failed = results.get_by_role("listitem").filter(has_text="Failed")
    expect(failed.first).to_contain_text("Sent: POST /userDetails")
    expect(failed.first).to_contain_text("Expected: 422")
    expect(failed.first).to_contain_text("Got: 400")
    expect(failed.first).to_contain_text("answered 400 instead of 422")
    line = next(n for n, text in enumerate(wrong.splitlines(), 1) if "field=field), 400" in text)
    expect(failed.first).to_contain_text(f"line {line} of app.py")
    expect(lab.locator("[data-mark]")).to_have_attribute("data-line", str(line))
    expect(lab.locator("[data-mark]")).to_be_visible()
    expect(entry(lab, "missing-field-422")).not_to_contain_text("Solved")


def test_hints_come_one_at_a_time_and_the_solution_after_asking_twice(lab: Page) -> None:
    challenge = BY_ID["see-other-303"]
    choose(lab, challenge.id)
    hints = challenges(lab).get_by_role("list", name="Hints")
    challenges(lab).get_by_role("button", name="Show a hint").click()
    expect(hints.get_by_role("listitem")).to_have_count(1)
    challenges(lab).get_by_role("button", name="Show a hint").click()
    expect(hints.get_by_role("listitem")).to_have_count(2)
    solution = challenges(lab).get_by_role("heading", name="A solution")
    challenges(lab).get_by_role("button", name="Show the solution").click()
    expect(challenges(lab)).to_contain_text("Press Show the solution again")
    expect(solution).to_be_hidden()
    challenges(lab).get_by_role("button", name="Show the solution").click()
    expect(solution).to_be_visible()
    expect(challenges(lab).locator("pre")).to_contain_text(challenge.solution.splitlines()[-1].strip())


def test_choosing_a_challenge_keeps_edits_the_learner_wants_kept(lab: Page) -> None:
    mine = "# my own work\n" + BY_ID["accepted-202"].starting_code
    lab.get_by_role("textbox", name="Code").fill(mine)
    lab.once("dialog", lambda dialog: dialog.dismiss())
    challenges(lab).get_by_role("button", name=BY_ID["json-body"].title, exact=True).click()
    expect(lab.get_by_role("textbox", name="Code")).to_have_value(mine)
