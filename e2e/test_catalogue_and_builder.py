"""The status catalogue and the response builder, driven through roles and labels."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import BrowserWatch
from .pages import BuilderForm


@pytest.fixture
def catalogue(page: Page, watch: BrowserWatch) -> Page:
    page.goto("/codes")
    return page


@pytest.fixture
def builder(page: Page, watch: BrowserWatch) -> Page:
    page.goto("/builder")
    return page


def test_every_page_is_reachable_from_the_navigation(page: Page, watch: BrowserWatch) -> None:
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    for name, heading in [("Status codes", "Every status code"), ("Response builder", "Build a response"),
                          ("Playground", "How does a Flask view choose its status code?")]:  # fmt: skip
        nav.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(nav.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")


def test_the_catalogue_groups_every_code_by_class(catalogue: Page) -> None:
    for group in [
        "1xx Informational",
        "2xx Success",
        "3xx Redirection",
        "4xx Client error",
        "5xx Server error",
    ]:
        expect(catalogue.get_by_role("region", name=group)).to_be_visible()
    card = catalogue.get_by_role("listitem").filter(has=catalogue.get_by_text("401 Unauthorized", exact=True))
    card.get_by_text("401 Unauthorized", exact=True).click()  # opens its details
    expect(card).to_contain_text("WWW-Authenticate")
    expect(card.get_by_role("link", name="403")).to_be_visible()


def test_the_catalogue_finds_codes_by_number_and_name(catalogue: Page) -> None:
    search = catalogue.get_by_label("Find a code or name")
    search.fill("teapot")
    expect(catalogue.get_by_role("button", name=re.compile(r"^Try \d+$"))).to_have_count(1)
    expect(catalogue.get_by_role("button", name="Try 418")).to_be_visible()
    search.fill("50")
    expect(catalogue.get_by_role("button", name="Try 503")).to_be_visible()
    expect(catalogue.get_by_role("button", name="Try 404")).to_be_hidden()
    search.fill("")
    catalogue.get_by_label("Class").select_option("3xx")
    expect(catalogue.get_by_role("button", name="Try 301")).to_be_visible()
    expect(catalogue.get_by_role("button", name="Try 200")).to_be_hidden()
    expect(catalogue.get_by_role("status").filter(has_text="codes")).to_contain_text(
        re.compile(r"^\d+ codes$")
    )


def test_searching_redirect_finds_every_redirect(catalogue: Page) -> None:
    catalogue.get_by_label("Find a code or name").fill("redirect")
    for code in (301, 302, 303, 307, 308):
        expect(catalogue.get_by_role("button", name=f"Try {code}")).to_be_visible()
    expect(catalogue.get_by_role("button", name="Try 200")).to_be_hidden()


def test_try_401_shows_its_answer_not_a_sign_in_prompt(catalogue: Page) -> None:
    catalogue.get_by_role("button", name="Try 401").click()
    expect(catalogue.get_by_role("region", name="Response")).to_contain_text(
        "401 UNAUTHORIZED", ignore_case=True
    )
    hidden = catalogue.get_by_role("region", name="What the browser hides")
    expect(hidden).to_contain_text("WWW-Authenticate: Basic")
    expect(hidden).to_contain_text("shows its sign-in prompt")


def test_try_407_shows_the_answer_the_browser_refused(catalogue: Page, watch: BrowserWatch) -> None:
    # Chromium notes the refused answer in the console: expected here.
    watch.expect_console_error("net::ERR_UNEXPECTED_PROXY_AUTH")
    catalogue.get_by_role("button", name="Try 407").click()
    response = catalogue.get_by_role("region", name="Response")
    expect(response).to_contain_text("407 PROXY AUTHENTICATION REQUIRED", ignore_case=True)
    expect(response).to_contain_text("the browser refused the answer")
    expect(response).to_contain_text("Proxy-Authenticate: Basic")


def test_with_follow_redirects_off_a_try_shows_the_3xx_itself(catalogue: Page) -> None:
    catalogue.get_by_label("Follow redirects").uncheck()
    catalogue.get_by_role("button", name="Try 302").click()
    response = catalogue.get_by_role("region", name="Response")
    expect(response).to_contain_text("302 FOUND", ignore_case=True)
    expect(response).to_contain_text("Location: /status/200")
    expect(response).to_contain_text("curl without -L")


def test_try_sends_a_real_request_and_shows_it_in_the_response_component(catalogue: Page) -> None:
    catalogue.get_by_role("button", name="Try 418").click()
    response = catalogue.get_by_role("region", name="Response")
    expect(response).to_contain_text(re.compile(r"418 I'M A TEAPOT", re.IGNORECASE))
    expect(response).to_contain_text("418 I'm a Teapot")


def test_try_a_1xx_shows_why_it_is_refused(catalogue: Page) -> None:
    catalogue.get_by_role("button", name="Try 103").click()
    expect(catalogue.get_by_role("region", name="Response")).to_contain_text("informational (1xx)")


def test_try_a_redirect_shows_every_hop(catalogue: Page) -> None:
    catalogue.get_by_role("button", name="Try 308").click()
    hidden = catalogue.get_by_role("region", name="What the browser hides")
    expect(hidden).to_contain_text("fetch followed 1 redirect silently")
    hops = hidden.get_by_role("listitem").filter(has_text="→")
    expect(hops).to_have_count(2)
    expect(hops.first).to_contain_text("GET /status/308 → 308 PERMANENT REDIRECT, Location: /status/200")
    expect(hops.last).to_contain_text("GET (kept) /status/200 → 200 OK")


def test_the_builder_shows_the_code_and_the_real_answer(builder: Page) -> None:
    BuilderForm(builder).fill(style="tuple3", status="202", headers="X-Lesson: tuples", body="queued").send()
    code = builder.get_by_role("region", name="Flask code")
    expect(code).to_contain_text('return "queued", 202, {"X-Lesson": "tuples"}')
    response = builder.get_by_role("region", name="Response")
    expect(response).to_contain_text(re.compile(r"202 ACCEPTED", re.IGNORECASE))
    expect(response).to_contain_text("x-lesson: tuples")
    # Explained by the code the builder shows, never by the playground's own view.
    explanation = builder.get_by_role("region", name="Why this status")
    expect(explanation.get_by_role("mark")).to_contain_text('return "queued", 202, {"X-Lesson": "tuples"}')
    expect(explanation).to_contain_text("app.py (the builder's code), line 8")
    expect(explanation).not_to_contain_text("spec()")


def test_the_builder_names_bad_fields_and_sends_nothing(builder: Page) -> None:
    form = BuilderForm(builder).fill(headers="Bad Name: x", status="1000")
    form.send()
    expect(form.root.get_by_role("alert").filter(has_text="is not a header name")).to_be_visible()
    expect(form.root.get_by_role("alert").filter(has_text="Give a code of three digits")).to_be_visible()
    expect(builder.get_by_role("region", name="Response")).to_contain_text("Nothing sent: the values")


def test_a_303_redirect_turns_post_into_get(builder: Page) -> None:
    BuilderForm(builder).fill(style="redirect", status="303", location="/status/201", method="POST").send()
    hops = (
        builder.get_by_role("region", name="What the browser hides")
        .get_by_role("listitem")
        .filter(has_text="→")
    )
    expect(hops.first).to_contain_text("POST /respond/redirect → 303 SEE OTHER, Location: /status/201")
    expect(hops.last).to_contain_text("GET (changed from POST) /status/201 → 201 CREATED")


def test_a_redirect_elsewhere_is_refused(builder: Page) -> None:
    form = BuilderForm(builder).fill(style="redirect", status="302", location="https://example.org/")
    form.send()
    expect(form.root.get_by_role("alert")).to_contain_text("A redirect stays on this server")
