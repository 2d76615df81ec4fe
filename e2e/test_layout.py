"""Every page reads well on a phone, a laptop and a projector: no sideways scroll, no word split
across lines, no button taller than two lines. Each page is checked with an answer on screen.

With PLAYGROUND_SCREENSHOTS set (`make screenshots`), each page at each size is saved there too.
"""

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.sizes import SIZES

from .checks import LAYOUT_PROBLEMS
from .pages import BuilderForm, HomePage


def with_an_answer_home(page: Page) -> None:
    page.goto("/")
    playground = HomePage(page)
    playground.user_details.fill(username="sam", firstname="john").leave_out("lastname").send()
    expect(playground.explanation.get_by_role("mark")).to_be_visible()


def with_an_answer_codes(page: Page) -> None:
    page.goto("/codes")
    page.get_by_role("button", name="Try 418").click()
    page.locator("#code-401 summary").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("418")


def with_an_answer_builder(page: Page) -> None:
    page.goto("/builder")
    BuilderForm(page).fill(style="status_code", status="202", headers="X-Lesson: builder").send()
    expect(page.get_by_role("region", name="Why this status").get_by_role("mark")).to_be_visible()


def with_an_answer_lab(page: Page) -> None:
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=60_000)
    form = page.get_by_role("form", name="User details")
    form.get_by_label("username", exact=True).fill("sam")
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("201")
    # A challenge too, with a failed check (what it sent, expected and got) and a hint on screen.
    challenges = page.get_by_role("region", name="Challenges")
    challenges.get_by_role("button", name="422 naming the missing field", exact=True).click()
    challenges.get_by_role("button", name="Check", exact=True).click()
    expect(challenges.get_by_role("list", name="Checks")).to_contain_text("Failed", timeout=20_000)
    challenges.get_by_role("button", name="Show a hint").click()


def with_an_answer_log(page: Page, live_server: str) -> None:
    subprocess.run(["curl", "-s", "-o", "/dev/null", f"{live_server}/userDetails"], check=True, timeout=10)
    page.goto("/log")
    entry = page.get_by_role("log").get_by_role("button").first
    expect(entry).to_contain_text("500")
    entry.click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("500")


PAGES: dict[str, Callable] = {
    "home": with_an_answer_home,
    "codes": with_an_answer_codes,
    "builder": with_an_answer_builder,
    "lab": with_an_answer_lab,
    "log": with_an_answer_log,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_the_screen(sized_page, live_server: str, name: str, size: str) -> None:
    page = sized_page(size)
    if name == "log":
        PAGES[name](page, live_server)
    else:
        PAGES[name](page)
    problems = page.evaluate(LAYOUT_PROBLEMS)
    target = os.environ.get("PLAYGROUND_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(target) / f"{name}-{size}.png")
    assert problems == [], f"{name} at {size}: {problems}"
