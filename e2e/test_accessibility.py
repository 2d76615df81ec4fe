"""axe-core finds no serious or critical violation on any page, in both themes and the projector view."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .checks import serious_violations
from .conftest import BrowserWatch
from .pages import HomePage

PAGES = ["/", "/codes", "/builder", "/lab", "/log"]
VIEWS = [("light", False), ("dark", False), ("light", True), ("dark", True)]


@pytest.fixture
def context(lab_context: BrowserContext) -> BrowserContext:
    """Every test's page opens in the lab's profile, where the code lab starts from the kept snapshot."""
    return lab_context


@pytest.mark.parametrize(
    ("theme", "projector"), VIEWS, ids=[f"{t}{'-projector' if p else ''}" for t, p in VIEWS]
)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violation(
    page: Page, watch: BrowserWatch, path: str, theme: str, projector: bool
) -> None:
    page.emulate_media(color_scheme=theme)
    page.goto(f"{path}?projector={int(projector)}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_violation_after_an_exchange(home: Page, watch: BrowserWatch, theme: str) -> None:
    home.emulate_media(color_scheme=theme)
    playground = HomePage(home)
    playground.user_details.fill(username="sam").leave_out("lastname").send()
    expect(playground.explanation.get_by_role("mark")).to_be_visible()
    assert serious_violations(home) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_violation_in_the_http_rules(page: Page, watch: BrowserWatch, theme: str) -> None:
    page.emulate_media(color_scheme=theme)
    page.goto("/codes")
    page.get_by_role("button", name="Try 206").click()
    rules = page.get_by_role("list", name="HTTP rules")
    rules.get_by_text("What the RFC says").click()
    expect(rules.locator("blockquote")).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_violation_in_a_failed_check(page: Page, watch: BrowserWatch, theme: str) -> None:
    page.emulate_media(color_scheme=theme)
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=60_000)
    challenges = page.get_by_role("region", name="Challenges")
    challenges.get_by_role("button", name="Answer 202 Accepted", exact=True).click()
    challenges.get_by_role("button", name="Check", exact=True).click()
    expect(challenges.get_by_role("list", name="Checks")).to_contain_text("Failed", timeout=20_000)
    challenges.get_by_role("button", name="Show a hint").click()
    assert serious_violations(page) == []
