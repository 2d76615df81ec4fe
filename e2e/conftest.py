"""The e2e suite's fixtures: a live playground server, and a browser that may not leave it."""

import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request
from werkzeug.serving import make_server

from playground import create_app

from .chromium import launch_args


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The real app on a real socket: Werkzeug's server on a free port, in a thread."""
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, **launch_args()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


ANSWER_NOTE = "Failed to load resource: the server responded with a status of"


class BrowserWatch:
    """What the page did that it should not: console errors, uncaught errors, foreign requests."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        # Chromium notes every 4xx and 5xx answer in the console; those answers are the lesson.
        if message.type == "error" and not message.text.startswith(ANSWER_NOTE):
            self.console_errors.append(message.text)

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)


@pytest.fixture
def watch(page: Page, live_server: str) -> Iterator[BrowserWatch]:
    """Every test's page is watched; a test that expects an error says so by clearing it."""
    seen = BrowserWatch(live_server)
    page.on("console", seen.on_console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("request", seen.on_request)
    yield seen
    assert seen.console_errors == [], "errors in the console"
    assert seen.page_errors == [], "uncaught errors in the page"
    assert seen.foreign_requests == [], "the page made requests off this server"


@pytest.fixture
def home(page: Page, watch: BrowserWatch) -> Page:
    page.goto("/")
    return page
