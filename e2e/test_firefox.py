"""The core loop in Firefox ESR: fill Sign up, Send, read the status in Response; and /codes.

Playwright's own Firefox can't be installed where its download site is out of reach, so these drive
Debian's firefox-esr through Selenium, with geckodriver pinned from PyPI (e2e/firefox.py). Elements
are found as a user finds them: a form by its heading, a field by its label, a button by its text.
Every wait is on what the page shows (WebDriverWait polls it); errors the page's scripts raise or
log fail the test, as the Chromium tests' `watch` does.
"""

from collections.abc import Callable, Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.firefox.options import Options
from selenium.webdriver.firefox.service import Service
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from .firefox import geckodriver, system_firefox

WAIT_SECONDS = 15


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
        self.driver.script.add_javascript_error_handler(lambda entry: self.errors.append(entry.text))
        self.driver.script.add_console_message_handler(self.on_console)

    def on_console(self, entry) -> None:
        if entry.level == "error":
            self.errors.append(entry.text)

    def open(self, path: str) -> None:
        self.driver.get(f"{self.base_url}{path}")

    def until(self, what: str, condition: Callable[[], object]) -> None:
        WebDriverWait(self.driver, WAIT_SECONDS).until(lambda _: condition(), message=f"never: {what}")

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
