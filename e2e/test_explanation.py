"""Why this status: the page explains each answer from the server's record, and shows what it hides."""

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from .pages import HomePage


@pytest.fixture
def playground(home: Page) -> HomePage:
    return HomePage(home)


def marked_line(playground: HomePage):
    return playground.explanation.get_by_role("mark")


@pytest.mark.parametrize(
    ("style", "line"),
    [
        ("tuple", 'return "Success", 201'),
        ("make_response", 'response = make_response("<h1>Success</h1>", 201)'),
    ],
)
def test_a_201_marks_the_line_that_set_it(playground: HomePage, style: str, line: str) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="king").choose(style=style).send()
    expect(marked_line(playground)).to_contain_text(line)
    expect(playground.explanation).to_contain_text("2xx Success")
    expect(playground.explanation).to_contain_text("HTTPStatus.CREATED")


@pytest.mark.parametrize("style", ["tuple", "make_response"])
def test_a_missing_key_is_explained(playground: HomePage, style: str) -> None:
    playground.user_details.fill(username="sam").choose(style=style).leave_out("lastname").send()
    expect(playground.explanation).to_contain_text(
        'lastname was not in the form, so request.form["lastname"] raised BadRequestKeyError'
        " (Werkzeug's KeyError for a missing key, which is also a BadRequest), and Flask turned it into 400"
    )
    expect(playground.explanation).not_to_contain_text("Bad request syntax")
    expect(marked_line(playground)).to_contain_text('lastname = request.form["lastname"]')


def test_a_500_from_none_is_explained(playground: HomePage) -> None:
    playground.user_details.choose("GET").send()
    expect(playground.explanation).to_contain_text(
        "the view returned None because the method was GET", ignore_case=True
    )
    expect(marked_line(playground)).to_contain_text('if request.method == "POST":')


def test_a_405_marks_the_routes_methods(playground: HomePage) -> None:
    playground.sign_up.choose("DELETE", style="make_response").send()
    expect(playground.explanation).to_contain_text("MethodNotAllowed")
    expect(marked_line(playground)).to_contain_text('methods=["POST"]')


def test_switching_the_return_style_switches_the_source(playground: HomePage) -> None:
    playground.sign_up.choose(style="make_response")
    expect(playground.explanation).to_contain_text("response.status_code = 200")
    playground.sign_up.choose(style="tuple")
    expect(playground.explanation).not_to_contain_text("response.status_code = 200")
    expect(playground.explanation).to_contain_text('"Access-Control-Allow-Origin": "*"')


def test_what_the_browser_hides(playground: HomePage) -> None:
    playground.sign_up.fill(username="sam", password="pw").send()
    expect(playground.hidden).to_contain_text("The browser lower-cases header names")
    expect(playground.hidden).to_contain_text("Access-Control-Allow-Origin: *")  # the app's own case
    expect(playground.hidden).to_contain_text(
        re.compile(r"connection, date, server were added by the server")
    )
    expect(playground.request).to_contain_text("X-Playground-Tag")
    expect(playground.request).not_to_contain_text(re.compile(r"curl[^\n]*X-Playground-Tag"))


def test_the_page_shows_its_own_password_but_the_log_masks_it(playground: HomePage, page: Page) -> None:
    playground.sign_up.fill(username="sam", password="hunter22").send()
    expect(playground.request).to_contain_text("password=hunter22")
    expect(playground.explanation).to_contain_text("returned")
    log = page.request.get("/api/exchanges").text()
    assert "hunter22" not in log


def test_the_url_holds_the_request_and_opens_ready_to_send(playground: HomePage, page: Page) -> None:
    form = playground.user_details.fill(username="sam", firstname="john").leave_out("lastname")
    form.choose("PUT", encoding="application/json", style="make_response").send()
    expect(playground.response).to_contain_text("405")
    expect(page).to_have_url(re.compile(r"send_lastname=0.*style=make_response"))
    shared = page.url

    page.goto("/")
    page.goto(shared)
    fresh = HomePage(page).user_details
    expect(fresh.root.get_by_label("username", exact=True)).to_have_value("sam")
    expect(fresh.root.get_by_label("firstname", exact=True)).to_have_value("john")
    expect(fresh.send_toggle("lastname")).not_to_be_checked()
    expect(fresh.root.get_by_label("Method")).to_have_value("PUT")
    expect(fresh.root.get_by_label("Encoding")).to_have_value("application/json")
    expect(fresh.root.get_by_label("Return style")).to_have_value("make_response")


def test_a_shared_url_never_carries_the_password(playground: HomePage, page: Page) -> None:
    playground.sign_up.fill(username="sam", password="hunter22").send()
    expect(playground.response).to_contain_text("200")
    assert "hunter22" not in page.url


def test_back_and_forward_move_through_what_was_sent(playground: HomePage, page: Page) -> None:
    playground.user_details.fill(username="a", firstname="b", lastname="c").send()
    expect(playground.explanation).to_contain_text("HTTPStatus.CREATED")
    playground.user_details.choose("GET").send()
    expect(playground.explanation).to_contain_text("HTTPStatus.INTERNAL_SERVER_ERROR")
    expect(page).to_have_url(re.compile("method=GET"))
    page.go_back()
    expect(page).to_have_url(re.compile("method=POST"))
    expect(playground.response).to_contain_text("201")
    expect(playground.user_details.root.get_by_label("Method")).to_have_value("POST")
    page.go_forward()
    expect(playground.response).to_contain_text("500")
    expect(playground.user_details.root.get_by_label("Method")).to_have_value("GET")


def test_a_curl_request_is_in_the_log_and_shown_like_any_other(
    playground: HomePage, live_server: str
) -> None:
    curl = [
        "curl", "-s", "-X", "POST", f"{live_server}/userSignUp",
        "-H", "Content-Type: application/x-www-form-urlencoded", "-d", "username=sam&password=secret1",
    ]  # fmt: skip
    try:
        subprocess.run(curl, check=True, capture_output=True, timeout=10)
    except FileNotFoundError:
        pytest.fail("curl is not installed")
    log = playground.page.request.get("/api/exchanges").json()
    mine = [e for e in log if e["request"]["body"].startswith("username=sam&password=")]
    assert mine and mine[-1]["request"]["body"] == "username=sam&password=•••••• (7 chars)"
    version = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split()[1]
    assert ["User-Agent", f"curl/{version}"] in mine[-1]["request"]["headers"]


def test_a_body_over_the_limit_is_a_413_explained_by_the_limit(playground: HomePage) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="k" * (1024 * 1024 + 1)).send()
    expect(playground.response).to_contain_text("413")
    expect(playground.explanation).to_contain_text("over the playground's MAX_CONTENT_LENGTH")
    expect(playground.explanation).to_contain_text("refuse_oversized_body")
    expect(marked_line(playground)).to_contain_text("raise RequestEntityTooLarge()")
