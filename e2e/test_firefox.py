"""The core loop in Firefox ESR: fill Sign up, Send, read the status in Response; /codes; and the code lab.

Playwright's own Firefox can't be installed where its download site is out of reach, so these drive
Debian's firefox-esr through Selenium, with geckodriver pinned from PyPI (e2e/firefox.py). Elements
are found as a user finds them: a form by its heading, a field by its label, a button by its text.
Every wait is on what the page shows (WebDriverWait polls it); errors the page's scripts raise or
log fail the test, as the Chromium tests' `watch` does.

The lab's tests share one Firefox and one lab page, opened as the teacher (the strongest cookie
there is): Python starts once, and each stop or retirement is followed by the warm spare.
"""

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.firefox.options import Options
from selenium.webdriver.firefox.service import Service
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from playground.lab.listings import listing_code

from .conftest import ServerRequests
from .firefox import geckodriver, system_firefox

WAIT_SECONDS = 15
LOADING_SECONDS = 90  # Python's first start in the lab: 13 s in a headless Firefox on a busy 2-core machine
STOP_SECONDS = 20  # the lab stops a run after 5 s; a fresh Python is then already warm
# Pyodide asks whether it runs in a classic worker by calling importScripts("data:text/javascript,");
# the sandbox's script-src refuses it, as it refuses any script the learner's code would load.
# Firefox reports that refusal from the worker (Chromium keeps a worker's console to itself).
PYODIDE_PROBE = "blocked a script (script-src-elem) at data:text/javascript,"


class Firefox:
    """A headless Firefox ESR on the live server, with what its pages' scripts said that they should not."""

    def __init__(self, base_url: str) -> None:
        path, driver = system_firefox(), geckodriver()
        if path is None or driver is None:
            pytest.fail("No Firefox or geckodriver: `make test` installs both (python -m e2e.firefox).")
        options = Options()
        options.add_argument("-headless")
        options.binary_location = path
        options.enable_bidi = True  # WebDriver BiDi: the page's errors and console, as they happen
        self.driver = webdriver.Firefox(options=options, service=Service(executable_path=str(driver)))
        self.driver.set_window_size(1280, 800)
        self.base_url = base_url
        self.errors: list[str] = []
        self.expected: list[str] = []
        self.reported: list[str] = []  # every error, expected or not
        self.driver.script.add_javascript_error_handler(self.on_error)
        self.driver.script.add_console_message_handler(self.on_console)

    def expect_error(self, text: str) -> None:
        """A test that provokes an error on purpose (or knows one the lab's defences cause) says which."""
        self.expected.append(text)

    def on_error(self, entry) -> None:
        self.reported.append(entry.text)
        if not any(text in entry.text for text in self.expected):
            self.errors.append(entry.text)

    def on_console(self, entry) -> None:
        if entry.level == "error":
            self.on_error(entry)

    def open(self, path: str) -> None:
        self.driver.get(f"{self.base_url}{path}")

    def until(self, what: str, condition: Callable[[], object], seconds: float = WAIT_SECONDS) -> None:
        WebDriverWait(self.driver, seconds).until(lambda _: condition(), message=f"never: {what}")

    def region(self, name: str) -> WebElement:
        """A region by its heading's text (its accessible name)."""
        heading = self.driver.find_element(By.XPATH, f"//h2[normalize-space()='{name}']")
        return self.driver.find_element(By.CSS_SELECTOR, f"[aria-labelledby='{heading.get_attribute('id')}']")

    def field(self, within: WebElement, label: str) -> WebElement:
        found = within.find_element(By.XPATH, f".//label[normalize-space()='{label}']")
        return self.driver.find_element(By.ID, found.get_attribute("for"))

    def button(self, within: WebElement, text: str) -> WebElement:
        return within.find_element(By.XPATH, f".//button[normalize-space()='{text}']")

    def on_screen(self, element: WebElement) -> bool:
        return self.driver.execute_script(
            "const box = arguments[0].getBoundingClientRect();"
            "return box.top >= 0 && box.bottom <= innerHeight;",
            element,
        )


@pytest.fixture(scope="module")
def firefox(live_server: str) -> Iterator[Firefox]:
    browser = Firefox(live_server)
    yield browser
    browser.driver.quit()


@pytest.fixture
def ff(firefox: Firefox) -> Iterator[Firefox]:
    """The module's Firefox, watched for this test alone."""
    firefox.errors.clear()
    firefox.expected.clear()
    firefox.reported.clear()
    yield firefox
    assert firefox.errors == [], "errors from the page's scripts"


def status_of(ff: Firefox) -> WebElement:
    return ff.region("Response").find_element(By.CSS_SELECTOR, ".status-line")


def test_sign_up_send_and_read_the_status_in_firefox(ff: Firefox) -> None:
    ff.open("/")
    form = ff.region("Sign up")
    ff.field(form, "username").send_keys("sam")
    ff.button(form, "Send").click()
    status = status_of(ff)
    ff.until("the 200 in Response", lambda: "200" in status.text)
    assert status.text.startswith("HTTP/1.1 200 OK")
    ff.until("the answer on screen", lambda: ff.on_screen(status))
    ff.until("the explanation", lambda: "Access-Control-Allow-Origin" in ff.region("Why this status").text)
    # User details, by keyboard: leave lastname out, send with Ctrl+Enter from its toggle: the
    # view's request.form["lastname"] fails, 400, and the toggle stays as the learner set it.
    details = ff.region("User details")
    ff.field(details, "username").send_keys("sam")
    toggle = details.find_element(By.XPATH, ".//*[@role='checkbox'][normalize-space()='Send lastname']")
    toggle.send_keys(Keys.SPACE)
    assert toggle.get_attribute("aria-checked") == "false"
    toggle.send_keys(Keys.CONTROL, Keys.ENTER)
    ff.until("the 400 in Response", lambda: "400" in status_of(ff).text)
    assert toggle.get_attribute("aria-checked") == "false"
    ff.until("why the 400", lambda: "BadRequestKeyError" in ff.region("Why this status").text)


def test_the_catalogue_finds_and_tries_codes_in_firefox(ff: Firefox) -> None:
    ff.open("/codes")
    ff.field(ff.driver, "Find a code or name").send_keys("redirect")
    catalogue = ff.driver.find_element(By.CSS_SELECTOR, ".catalogue")
    ff.until("only the 3xx codes shown", lambda: not ff.button(catalogue, "Try 200").is_displayed())
    for code in (301, 302, 303, 307, 308):
        assert ff.button(catalogue, f"Try {code}").is_displayed(), code
    ff.button(catalogue, "Try 308").click()
    ff.until("the followed redirect's 200", lambda: "200 OK" in status_of(ff).text)
    ff.until("the hops", lambda: "fetch followed 1 redirect" in ff.region("What the browser hides").text)
    ff.driver.find_element(By.XPATH, "//label[normalize-space()='Follow redirects']/input").click()
    ff.button(catalogue, "Try 302").click()
    ff.until("the 302 itself", lambda: "302 FOUND" in status_of(ff).text.upper())
    hides = ff.region("What the browser hides")
    ff.until("nothing claimed of an opaque answer", lambda: "got nothing of this answer" in hides.text)


# -- The code lab: Pyodide in a worker of an opaque-origin sandbox frame --------------------------


def lab_status(ff: Firefox) -> str:
    return ff.driver.find_element(By.CSS_SELECTOR, "[data-lab-status][role='status']").text


def python_ready(ff: Firefox) -> None:
    """Wait until the lab says Python is ready; an error the browser reports first (a blocked frame,
    a refused worker) fails at once, saying what it was."""
    ff.until("Python is ready", lambda: ff.errors or "Python is ready" in lab_status(ff), LOADING_SECONDS)
    assert ff.errors == [], f"the lab did not start: {lab_status(ff)}"


@pytest.fixture
def lab(ff: Firefox, live_app: Flask) -> Firefox:
    """The lab, open as the teacher in the module's Firefox (opened once), with Python ready."""
    ff.expect_error(PYODIDE_PROBE)
    if urlsplit(ff.driver.current_url).path != "/lab":
        ff.open(f"/teacher/{live_app.config['TEACHER_KEY']}")
        ff.open("/lab")
    python_ready(ff)
    return ff


def run(ff: Firefox, code: str) -> None:
    """Put the code in the editor (as a paste does: one input event) and send the User details form."""
    box = ff.driver.find_element(By.XPATH, "//textarea[@aria-label='Code']")
    ff.driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        box,
        code,
    )
    form = ff.region("User details")
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        field = ff.field(form, key)
        field.clear()
        field.send_keys(value)
    ff.button(form, "Send").click()


def answer(ff: Firefox) -> str:
    return ff.region("Response").text


def alert_says(ff: Firefox, text: str) -> bool:
    return any(text in alert.text for alert in ff.driver.find_elements(By.CSS_SELECTOR, "[role='alert']"))


def with_view(body: str) -> str:
    """The tutorial's first listing, importing js, with user_details()'s body replaced by ``body``."""
    code = "import js\n" + listing_code("tuple")
    start = code.index("def user_details():")
    end = code.index("\n\n", start)
    indented = "\n".join(f"    {line}" for line in body.strip().splitlines())
    return f"{code[:start]}def user_details():\n{indented}{code[end:]}"


def test_the_lab_answers_an_edit_from_201_to_202_and_names_its_line_in_firefox(lab: Firefox) -> None:
    code = listing_code("tuple").replace('return "Success", 201', 'return "Success", 202')
    line = next(n for n, text in enumerate(code.splitlines(), 1) if 'return "Success", 202' in text)
    run(lab, code)
    lab.until("the 202 in Response", lambda: "202 ACCEPTED" in status_of(lab).text.upper())
    why = lab.region("Why this status")
    lab.until("the deciding line named", lambda: f"app.py, line {line}" in why.text)
    assert 'return "Success", 202' in why.text
    assert lab.driver.find_element(By.CSS_SELECTOR, "[data-mark]").get_attribute("data-line") == str(line)


def test_an_endless_loop_is_stopped_and_the_lab_answers_again_in_firefox(lab: Firefox) -> None:
    run(lab, with_view("while True:\n    pass"))
    lab.until("the stop", lambda: alert_says(lab, "Stopped after 5 s"), STOP_SECONDS)
    assert "Stopped after 5 s" in answer(lab)
    python_ready(lab)
    run(lab, listing_code("tuple"))
    lab.until("the 201 of a fresh Python", lambda: "201 CREATED" in status_of(lab).text.upper())


def test_messages_the_code_posts_itself_are_stopped_and_never_reach_the_page_in_firefox(lab: Firefox) -> None:
    forged = '{"type": "answer", "id": 1, "result": {"kind": "answer", "body": "forged"}}'
    run(
        lab,
        with_view(
            f"""
js.postMessage(js.JSON.parse('{{"type": "ready"}}'))
js.postMessage(js.JSON.parse({forged!r}))
return '<img src=x id=pwned>', 201
"""
        ),
    )
    own = "sent this page a message of its own"
    lab.until("the page's sentence", lambda: alert_says(lab, own), STOP_SECONDS)
    assert "forged" not in answer(lab) and "pwned" not in answer(lab)
    assert lab.driver.find_elements(By.ID, "pwned") == []
    python_ready(lab)
    run(lab, listing_code("tuple"))
    lab.until("the 201 of a fresh Python", lambda: "201 CREATED" in status_of(lab).text.upper())


def test_a_synchronous_xhr_from_the_code_reaches_nothing_in_firefox(
    lab: Firefox, live_server: str, server_requests: ServerRequests
) -> None:
    lab.expect_error(f"(connect-src) at {live_server}/log")
    run(
        lab,
        with_view(
            f"""
try:
    xhr = js.XMLHttpRequest.new()
    xhr.open("GET", "{live_server}/log", False)
    xhr.withCredentials = True
    xhr.send()
    return f"READ /log {{xhr.status}} {{xhr.responseText[:200]}}", 201
except Exception:
    return "blocked /log", 201
"""
        ),
    )
    lab.until("the code's own answer", lambda: "blocked /log" in answer(lab) or "READ" in answer(lab))
    assert "READ" not in answer(lab)
    # The sandbox's own policy refused it, before it left the browser.
    refused = "connect-src 'none'"
    lab.until("Firefox's report of the refusal", lambda: any(refused in text for text in lab.reported))
    # The server heard nothing of it: no request to /log, and none from the sandbox's opaque origin
    # (the page itself may ask meanwhile whether the teacher set a challenge).
    assert [path for _, path, _, _ in server_requests if path == "/log"] == []
    assert [
        (method, path)
        for method, path, _, origin in server_requests
        # the sandbox frame asks for nothing: its script is inlined, every file came from the page
        if origin == "null"
    ] == []


def test_a_later_visit_starts_from_the_snapshot_the_first_kept_in_firefox(lab: Firefox) -> None:
    def layout() -> WebElement:
        return lab.driver.find_element(By.CSS_SELECTOR, "[data-lab-config]")

    # This page's Python started fresh and kept its snapshot, or started from one kept before.
    lab.until(
        "a snapshot kept",
        lambda: (
            layout().get_attribute("data-snapshot") == "stored"
            or layout().get_attribute("data-python-start") == "snapshot"
        ),
        LOADING_SECONDS,
    )
    lab.open("/lab")
    python_ready(lab)
    assert layout().get_attribute("data-python-start") == "snapshot"
    run(lab, listing_code("tuple").replace('return "Success", 201', 'return "Success", 202'))
    lab.until("the 202 in Response", lambda: "202 ACCEPTED" in status_of(lab).text.upper())
