"""The e2e suite's fixtures: a live playground server, and a browser that may not leave it."""

import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request
from werkzeug.serving import make_server

from playground import create_app
from tests.support.sizes import SIZES

from .chromium import launch_args


@pytest.fixture(scope="session")
def live_app() -> Flask:
    return create_app()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The real app on a real socket: Werkzeug's server on a free port, in a thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def configured(live_app: Flask) -> Iterator[Callable[..., None]]:
    """Change the live app's settings for one test; they are put back after it."""
    missing = object()
    saved: dict = {}

    def configure(**settings: object) -> None:
        for key, value in settings.items():
            saved.setdefault(key, live_app.config.get(key, missing))
            live_app.config[key] = value

    yield configure
    for key, value in saved.items():
        if value is missing:
            del live_app.config[key]
        else:
            live_app.config[key] = value


# Every request the server received: (method, path, whether it carried a cookie).
ServerRequests = list[tuple[str, str, bool, str | None]]


@pytest.fixture
def server_requests(live_app: Flask) -> Iterator[ServerRequests]:
    """Every request the server receives meanwhile: (method, path, whether it carried a cookie, its
    Origin header: "null" from an opaque origin such as the code lab's sandbox)."""
    seen: ServerRequests = []
    inner = live_app.wsgi_app

    def recording(environ, start_response):
        seen.append(
            (
                environ["REQUEST_METHOD"],
                environ["PATH_INFO"],
                "HTTP_COOKIE" in environ,
                environ.get("HTTP_ORIGIN"),
            )
        )
        return inner(environ, start_response)

    live_app.wsgi_app = recording  # type: ignore[method-assign]
    yield seen
    live_app.wsgi_app = inner  # type: ignore[method-assign]


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 15) -> None:
    """Wait for something the server reports (not the page: the page has expect()), or fail saying what."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def become_teacher(page: Page, app: Flask) -> None:
    """Open the teacher link in this page's browser, as the teacher does with the one make serve prints."""
    page.goto(f"/teacher/{app.config['TEACHER_KEY']}")


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
        self.expected: list[str] = []

    def expect_console_error(self, text: str) -> None:
        """A test that provokes a console error on purpose says which, before it does."""
        self.expected.append(text)

    def on_console(self, message: ConsoleMessage) -> None:
        # Chromium notes every 4xx and 5xx answer in the console; those answers are the lesson.
        expected = message.text.startswith(ANSWER_NOTE) or any(text in message.text for text in self.expected)
        if message.type == "error" and not expected:
            self.console_errors.append(message.text)

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)


@pytest.fixture(scope="session")
def lab_profile(browser: Browser, browser_context_args: dict) -> Iterator[BrowserContext]:
    """One browser profile for the code lab's tests: the first lab opened in it keeps Python's memory
    snapshot (in the page's Cache API), and every later test's lab starts from it, as a learner's
    later visit does, in about a second and a half instead of a cold start each."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def lab_context(lab_profile: BrowserContext, live_server: str) -> Iterator[BrowserContext]:
    """The lab's profile as a new learner's browser would be, but for what the browser caches: no
    cookie, nothing in local or session storage (progress, a challenge's hints). A module takes it as
    its `context` (pytest-playwright's `page` then opens in it)."""
    lab_profile.clear_cookies()
    blank = lab_profile.new_page()
    blank.goto(f"{live_server}/static/css/playground.css")  # any document of the origin
    blank.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    blank.close()
    yield lab_profile
    for page in lab_profile.pages:
        page.close()


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


@pytest.fixture
def sized_page(lab_context: BrowserContext) -> Iterator[Callable[[str], Page]]:
    """Open pages at one of the sizes every page is looked at (tests/support/sizes.py), the projector
    view switched as that size asks; in the lab's profile (no cookie, no storage: a new learner's
    browser, whose code lab starts from the kept snapshot)."""

    def open_page(size: str) -> Page:
        width, height, projector = SIZES[size]
        page = lab_context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/?projector={int(projector)}")  # remembered by the browser for the pages after
        return page

    yield open_page
