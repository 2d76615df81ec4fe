"""The class, live: the teacher sets a challenge on /log, two students' labs open it, and /log's
solved count rises as each solves it, with their common mistake grouped meanwhile.

The teacher and the two students are three browser contexts (three browsers, as in a class).
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from playground.lab.challenges import BY_ID

LOADING = 60_000  # Python loads once per browser
CHECKING = 20_000  # a Check sends the challenge's requests through Flask's test client in Pyodide
CHALLENGE = BY_ID["delete-204"]


@pytest.fixture
def contexts(browser: Browser, base_url: str, live_app: Flask) -> Iterator[list[BrowserContext]]:
    opened = [browser.new_context(base_url=base_url) for _ in range(3)]
    yield opened
    for context in opened:
        context.close()
    live_app.extensions["store"].challenge.set(None)  # the live app serves the rest of the suite


def open_lab(context: BrowserContext) -> Page:
    page = context.new_page()
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    return page


def check(lab: Page, code: str) -> None:
    challenges = lab.get_by_role("region", name="Challenges")
    lab.get_by_role("textbox", name="Code").fill(code)
    with lab.expect_request(lambda r: r.url.endswith("/api/class/challenge/report")) as sent:
        challenges.get_by_role("button", name="Check", exact=True).click()
    results = challenges.get_by_role("list", name="Checks").get_by_role("listitem")
    unchecked = results.filter(has_text="Not checked yet")
    expect(unchecked).to_have_count(0, timeout=CHECKING)
    assert_only_the_outcome(sent.value)


def assert_only_the_outcome(request: Request) -> None:
    """What a lab tells the class: the challenge, solved or not, the checks' mistakes; no code."""
    body = json.loads(request.post_data or "{}")
    assert set(body) == {"challenge", "solved", "mistakes"} and body["challenge"] == CHALLENGE.id
    assert "def " not in (request.post_data or "")


def test_the_teacher_sets_a_challenge_and_the_solved_count_rises(
    contexts: list[BrowserContext], live_app: Flask, tmp_path: Path
) -> None:
    teacher_context, *student_contexts = contexts
    labs = [open_lab(context) for context in student_contexts]

    teacher = teacher_context.new_page()
    teacher.goto(f"/teacher/{live_app.config['TEACHER_KEY']}")  # lands on /log
    region = teacher.get_by_role("region", name="The class's challenge")
    region.get_by_label("Challenge").select_option(label=CHALLENGE.title)
    region.get_by_role("button", name="Set a challenge").click()
    solved = region.get_by_role("status")
    expect(solved).to_have_text("Solved by 0 of 0")

    for lab in labs:  # opened at once, the editor holding the challenge's start
        challenges = lab.get_by_role("region", name="Challenges")
        expect(challenges.get_by_role("heading", name=CHALLENGE.title)).to_be_visible()
        expect(challenges.get_by_role("listitem").filter(has_text="Set by your teacher")).to_contain_text(
            CHALLENGE.title
        )
        expect(lab.get_by_role("textbox", name="Code")).to_have_value(CHALLENGE.starting_code)

    mistakes = region.get_by_role("list", name="Most common wrong answers")
    check(labs[0], CHALLENGE.starting_code)  # the tutorial's 200 for DELETE
    expect(solved).to_have_text("Solved by 0 of 1")
    expect(mistakes).to_contain_text("answered 200 instead of 204: 1")

    check(labs[1], CHALLENGE.starting_code)
    expect(mistakes).to_contain_text("answered 200 instead of 204: 2")
    check(labs[0], CHALLENGE.solution)
    expect(labs[0].get_by_role("region", name="Challenges")).to_contain_text("Solved")
    expect(solved).to_have_text("Solved by 1 of 2")
    expect(mistakes).to_contain_text("answered 200 instead of 204: 1")
    # The README's picture of a class's progress (make screenshots writes it to docs/screenshots).
    where = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    where.mkdir(parents=True, exist_ok=True)
    region.screenshot(path=where / "class-progress.png")
    assert (where / "class-progress.png").read_bytes().startswith(b"\x89PNG")

    check(labs[1], CHALLENGE.solution)
    expect(solved).to_have_text("Solved by 2 of 2")
    expect(mistakes).to_contain_text("None yet.")
