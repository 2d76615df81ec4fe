"""The pages on a classroom's network: plain http:// to the teacher's laptop by its address (what
`make serve` prints, http://192.168.x.y:5000/), which no browser counts as a secure context. Only
localhost is one, so a test on 127.0.0.1 can't tell; here the browser resolves a made-up name,
classroom.test, to the live server, and the page is as insecure as a student's would be.
"""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserType, Page, expect

from .pages import HomePage

HOST = "classroom.test"


@pytest.fixture(scope="module")
def lan_page(
    browser_type_launch_args: dict, browser_type: BrowserType, live_server: str
) -> Iterator[tuple[Page, list[str]]]:
    options = browser_type_launch_args  # the suite's, found before Playwright started
    args = [*options.get("args", []), f"--host-resolver-rules=MAP {HOST} 127.0.0.1"]
    browser = browser_type.launch(**{**options, "args": args})
    port = urlsplit(live_server).port
    context = browser.new_context(base_url=f"http://{HOST}:{port}")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    # What makes this test mean something: the page is not a secure context.
    assert page.evaluate("() => window.isSecureContext") is False
    yield page, errors
    browser.close()


def test_send_answers_on_plain_http_from_another_address(lan_page: tuple[Page, list[str]]) -> None:
    page, errors = lan_page
    home = HomePage(page)
    home.user_details.fill(username="sam", firstname="john", lastname="king").send()
    # The page's own script sent it and shows it (not the form's fallback without JavaScript).
    expect(home.explanation).to_contain_text('return "Success", 201')
    expect(home.response).to_contain_text("201")
    assert urlsplit(page.url).path == "/" and errors == []
