"""HTTP rules on every page: each answer's "Why this status" lists the rules of RFC 9110 it breaks.

One answer that fits each page: the tutorial's 201 on home (it breaks none, and says why), a 206
without Content-Range from /codes, a 302 without Location from the builder, a 401 without a
challenge in the live log, and the learner's 405 without Allow in the code lab.
"""

import subprocess

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from playground.lab.listings import listing_code

from .conftest import BrowserWatch
from .pages import BuilderForm, HomePage

LOADING = 60_000
NONE_BROKEN = "This answer breaks none of the HTTP rules checked here."


@pytest.fixture
def context(lab_context: BrowserContext) -> BrowserContext:
    """Every test's page opens in the lab's profile, where the code lab starts from the kept snapshot."""
    return lab_context


def rules_of(page: Page) -> Locator:
    return page.get_by_role("region", name="Why this status").get_by_role("list", name="HTTP rules")


def expect_broken(page: Page, strength: str, rule: str, section: str) -> None:
    rules = rules_of(page)
    item = rules.get_by_role("listitem").filter(has_text=f"Broken ({strength})")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(rule)
    link = item.get_by_role("link", name=f"RFC 9110, section {section}")
    expect(link).to_have_attribute("href", f"https://www.rfc-editor.org/rfc/rfc9110#section-{section}")
    # The RFC's own words are in the page, behind a disclosure: readable without the network.
    item.get_by_text("What the RFC says").click()
    expect(item.locator("blockquote")).to_contain_text(strength.split()[0])


def test_the_tutorials_201_breaks_none_and_says_why(page: Page, watch: BrowserWatch) -> None:
    page.goto("/")
    home = HomePage(page)
    home.user_details.fill(username="sam", firstname="john", lastname="king").send()
    expect(home.response).to_contain_text("201")
    expect(home.explanation).to_contain_text(NONE_BROKEN)
    note = rules_of(page).get_by_role("listitem")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Note, no rule broken")
    expect(note).to_contain_text("the target URI")
    expect(note.get_by_role("link", name="RFC 9110, section 15.3.2")).to_be_visible()
    expect(rules_of(page)).not_to_contain_text("Broken")


def test_the_catalogues_206_breaks_the_content_range_must(page: Page, watch: BrowserWatch) -> None:
    page.goto("/codes")
    page.get_by_role("button", name="Try 206").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("206")
    expect(page.get_by_role("region", name="Why this status")).to_contain_text("breaks 1 HTTP rule")
    expect_broken(page, "MUST", "Content-Range", "15.3.7.1")


def test_the_catalogues_204_breaks_none(page: Page, watch: BrowserWatch) -> None:
    page.goto("/codes")
    page.get_by_role("button", name="Try 204").click()
    expect(page.get_by_role("region", name="Why this status")).to_contain_text(NONE_BROKEN)
    expect(rules_of(page)).to_be_hidden()  # nothing to list: the sentence says it


def test_the_builders_302_without_location_breaks_the_should(page: Page, watch: BrowserWatch) -> None:
    page.goto("/builder")
    BuilderForm(page).fill(style="tuple3", status="302", body="moved").send()
    expect(page.get_by_role("region", name="Response")).to_contain_text("302")
    expect_broken(page, "SHOULD", "Location", "15.4.3")
    # The line of the builder's code that decided the status is named beside the rule.
    expect(rules_of(page)).to_contain_text("The line that decided the status")
    expect(rules_of(page)).to_contain_text('return "moved", 302')


def test_the_logs_401_without_a_challenge_breaks_the_must(
    page: Page, watch: BrowserWatch, live_server: str
) -> None:
    page.goto("/log")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    subprocess.run(
        ["curl", "-s", "-o", "/dev/null", f"{live_server}/respond/abort?status=401"], check=True, timeout=10
    )
    entry = page.get_by_role("log").get_by_role("button").filter(has_text="/respond/abort").first
    expect(entry).to_contain_text("401")
    entry.click()
    expect_broken(page, "MUST", "WWW-Authenticate", "15.5.2")


def test_the_labs_405_without_allow_breaks_the_must(page: Page, watch: BrowserWatch) -> None:
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    code = listing_code("tuple").replace('return "Success", 201', 'return "Use PUT", 405')
    page.get_by_role("textbox", name="Code").fill(code)
    form = page.get_by_role("form", name="User details")
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        form.get_by_label(key, exact=True).fill(value)
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("405")
    expect_broken(page, "MUST", "Allow", "15.5.6")
    expect(rules_of(page)).to_contain_text('return "Use PUT", 405')
