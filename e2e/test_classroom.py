"""Classroom mode: the live log, predict-then-reveal, the projector view, the keyboard."""

import re
import subprocess

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from .conftest import BrowserWatch, become_teacher, wait_until
from .pages import HomePage
from .teacher_actions import clear_and_reset_reach_a_student


@pytest.fixture
def log_page(page: Page, watch: BrowserWatch) -> Page:
    page.goto("/log")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    return page


def curl(*args: str) -> None:
    subprocess.run(["curl", "-s", "-o", "/dev/null", *args], check=True, timeout=10)


def test_a_curl_request_shows_up_within_a_second_with_its_password_masked(
    log_page: Page, live_server: str
) -> None:
    curl("-X", "POST", f"{live_server}/userSignUp", "-d", "username=teacher&password=classified")
    entry = log_page.get_by_role("log").get_by_role("button").filter(has_text="/userSignUp").first
    expect(entry).to_contain_text("200 OK")
    expect(entry).to_contain_text("POST")
    entry.click()
    request = log_page.get_by_role("region", name="Request")
    expect(request).to_contain_text("username=teacher&password=•••••• (10 chars)")
    expect(log_page.locator("body")).not_to_contain_text("classified")


def test_entries_are_newest_first_and_filter_by_path_and_class(log_page: Page, live_server: str) -> None:
    curl("-X", "POST", f"{live_server}/userSignUp")
    curl(f"{live_server}/userDetails")
    log = log_page.get_by_role("log")
    expect(log.get_by_role("button").first).to_contain_text("/userDetails")
    log_page.get_by_label("Status class").select_option("2")
    expect(log.get_by_role("button").filter(has_text="500")).to_have_count(0)
    expect(log.get_by_role("button").filter(has_text="/userSignUp").first).to_be_visible()
    log_page.get_by_label("Status class").select_option("")
    log_page.get_by_label("Path").select_option("/userDetails")
    expect(log.get_by_role("button").filter(has_text="/userSignUp")).to_have_count(0)


def entries(page: Page):
    return page.get_by_role("log").get_by_role("button")


def test_the_stream_resumes_after_a_reconnect_without_duplicates(
    page: Page, watch: BrowserWatch, live_server: str, live_app: Flask, configured
) -> None:
    # The server ends each stream after 1.5 s, so the browser's connection drops again and again;
    # each time it reconnects with Last-Event-ID and must carry on where it was.
    configured(STREAM_SECONDS=1.5)
    streams = live_app.extensions["open_streams"]
    page.goto("/log")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    curl("-X", "POST", f"{live_server}/userSignUp", "-d", "username=before")
    expect(entries(page).first).to_contain_text("/userSignUp")
    resumed = streams.resumed
    wait_until(lambda: streams.resumed > resumed, "the browser reconnected with Last-Event-ID")
    curl("-X", "POST", f"{live_server}/userDetails", "-d", "lastname=during")
    expect(entries(page).first).to_contain_text("/userDetails")
    resumed = streams.resumed
    wait_until(lambda: streams.resumed > resumed, "a second reconnect")
    curl("-X", "POST", f"{live_server}/make_response/userSignUp", "-d", "username=after")
    expect(entries(page).first).to_contain_text("/make_response/userSignUp")
    # Every exchange the log holds is shown exactly once: nothing missed, nothing doubled.
    recorded = page.request.get("/api/exchanges?limit=100").json()
    expect(entries(page)).to_have_count(min(len(recorded), 100))


def test_a_browser_opens_one_stream_however_many_tabs(
    page: Page, watch: BrowserWatch, live_server: str, live_app: Flask
) -> None:
    streams = live_app.extensions["open_streams"]
    # Streams of earlier tests' browsers close within a few seconds of their pages.
    wait_until(lambda: streams.open == 0, "no stream open before the test")
    page.goto("/log")
    second = page.context.new_page()
    second.goto("/log")
    for tab in (page, second):
        expect(tab.get_by_role("status").filter(has_text="Live")).to_be_visible()
    curl("-X", "POST", f"{live_server}/userSignUp", "-d", "username=tabs")
    for tab in (page, second):
        expect(entries(tab).first).to_contain_text("/userSignUp")
    assert streams.open == 1


def test_beyond_the_stream_limit_the_page_polls_instead(
    page: Page, watch: BrowserWatch, live_server: str, configured
) -> None:
    configured(STREAM_LIMIT=0)
    page.goto("/log")
    expect(page.get_by_role("status").filter(has_text="Polling")).to_be_visible()
    curl("-X", "POST", f"{live_server}/userDetails", "-d", "lastname=polled")
    expect(entries(page).first).to_contain_text("/userDetails")


def test_the_teacher_clears_the_log(
    page: Page, watch: BrowserWatch, live_server: str, live_app: Flask
) -> None:
    become_teacher(page, live_app)
    expect(page).to_have_url(re.compile(r"/log$"))
    curl("-X", "POST", f"{live_server}/userSignUp")
    expect(entries(page)).not_to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear the log").click()
    expect(entries(page)).to_have_count(0)
    assert page.request.get("/api/exchanges").json() == []


def test_clear_and_reset_reach_a_students_open_log(
    browser: Browser, live_server: str, live_app: Flask
) -> None:
    clear_and_reset_reach_a_student(browser, live_server, live_app.config["TEACHER_KEY"])


def test_a_student_cannot_clear_the_log_nor_see_who_sent_what(
    log_page: Page, browser: Browser, live_server: str, live_app: Flask
) -> None:
    expect(log_page.get_by_role("button", name="Clear the log")).to_have_count(0)
    expect(log_page.get_by_role("note").filter(has_text="visible to the whole class")).to_be_visible()
    curl("-X", "POST", f"{live_server}/userSignUp", "-A", "SecretBrowser/1.0", "-d", "username=sam")
    entries(log_page).first.click()
    request = log_page.get_by_role("region", name="Request")
    expect(request).to_contain_text("User-Agent: (hidden: only the teacher sees it)")
    expect(request).not_to_contain_text("SecretBrowser")
    teacher = browser.new_page(base_url=live_server)
    become_teacher(teacher, live_app)
    teacher.get_by_label("Show who sent each request").check()
    expect(entries(teacher).first.locator(".client")).to_have_text("127.0.0.1")
    entries(teacher).first.click()
    expect(teacher.get_by_role("region", name="Request")).to_contain_text("SecretBrowser/1.0")
    teacher.close()
    token = log_page.evaluate("document.querySelector('meta[name=csrf-token]').content")
    assert log_page.request.post("/log/clear", headers={"X-CSRFToken": token}).status == 403


def test_the_log_page_shows_the_address_and_a_qr_code(log_page: Page, live_server: str) -> None:
    join = log_page.get_by_role("region", name="Join the class")
    expect(join).to_contain_text(f"{live_server}/")
    expect(join.get_by_role("img", name=re.compile("QR code"))).to_be_visible()


def test_predict_first_then_reveal(home: Page, watch: BrowserWatch) -> None:
    playground = HomePage(home)
    home.get_by_role("switch", name="Predict first").click()
    playground.user_details.fill(username="sam").leave_out("lastname").send()
    prediction = home.get_by_role("region", name="Your prediction")
    expect(prediction).to_be_visible()
    expect(playground.response).to_contain_text("Nothing sent yet")
    prediction.get_by_role("button", name="201 Created").click()
    expect(
        home.get_by_role("status").filter(has_text="you predicted 201, the answer was 400")
    ).to_be_visible()
    expect(home.get_by_role("status").filter(has_text="Score: 0 of 1 right")).to_be_visible()
    playground.user_details.send()
    home.get_by_role("region", name="Your prediction").get_by_role("button", name="400 Bad Request").click()
    expect(home.get_by_role("status").filter(has_text="Right: 400")).to_be_visible()
    expect(home.get_by_role("status").filter(has_text="Score: 1 of 2 right")).to_be_visible()
    home.goto("/log")
    # The class's tally counts this address once for the shape: its first prediction, made before
    # it knew the answer.
    expect(home.get_by_role("region", name="How the class predicted")).to_contain_text("0 of 1")


def test_the_projector_view_is_switched_and_remembered(home: Page, watch: BrowserWatch) -> None:
    toggle = home.get_by_role("button", name="Projector view")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    size = home.evaluate("getComputedStyle(document.body).fontSize")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert home.evaluate("getComputedStyle(document.body).fontSize") != size
    home.goto("/codes")
    expect(home.get_by_role("button", name="Projector view")).to_have_attribute("aria-pressed", "true")
    home.goto("/?projector=0")
    expect(home.get_by_role("button", name="Projector view")).to_have_attribute("aria-pressed", "false")
    home.goto("/log?projector=1")
    expect(home.get_by_role("button", name="Projector view")).to_have_attribute("aria-pressed", "true")


def test_the_theme_switch_overrides_the_system(home: Page, watch: BrowserWatch) -> None:
    home.emulate_media(color_scheme="light")
    light = home.evaluate("getComputedStyle(document.body).backgroundColor")
    home.get_by_label("Theme").select_option("dark")
    assert home.evaluate("getComputedStyle(document.body).backgroundColor") != light
    home.reload()
    expect(home.get_by_label("Theme")).to_have_value("dark")


def test_send_and_read_by_keyboard_alone(home: Page, watch: BrowserWatch) -> None:
    playground = HomePage(home)
    username = playground.user_details.root.get_by_label("username", exact=True)
    username.focus()
    home.keyboard.type("sam")
    home.keyboard.press("Tab")  # to the "Send username" toggle
    home.keyboard.press("Tab")
    home.keyboard.type("john")
    home.keyboard.press("Tab")
    home.keyboard.press("Tab")
    home.keyboard.type("king")
    home.keyboard.press("Control+Enter")
    expect(playground.response).to_contain_text("201")
    home.keyboard.press("Tab")
    home.keyboard.press("Space")  # the "Send lastname" toggle
    expect(playground.user_details.send_toggle("lastname")).not_to_be_checked()
    for _ in range(4):
        home.keyboard.press("Tab")  # Method, Encoding, Return style, Send
    expect(playground.user_details.root.get_by_role("button", name="Send")).to_be_focused()
    home.keyboard.press("Enter")
    expect(playground.response).to_contain_text("400")
