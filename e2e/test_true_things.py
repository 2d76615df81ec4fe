"""Every page says only true things: labels, explanations, placeholders and the join view (issue 11)."""

import re
import subprocess

import pytest
from flask import Flask
from playwright.sync_api import Page, Route, expect

from .conftest import BrowserWatch
from .pages import BuilderForm, HomePage


@pytest.fixture
def playground(home: Page) -> HomePage:
    return HomePage(home)


def test_each_form_labels_its_return_styles_with_its_own_views(playground: HomePage) -> None:
    sign_up = playground.sign_up.root.get_by_label("Return style")
    expect(sign_up.locator("option")).to_have_text(
        [
            'tuple: return "Success", 200, {"Access-Control-Allow-Origin": "*"}',
            "make_response: response.status_code = 200",
        ]
    )
    details = playground.user_details.root.get_by_label("Return style")
    expect(details.locator("option")).to_have_text(
        ['tuple: return "Success", 201', 'make_response: make_response("<h1>Success</h1>", 201)']
    )


def test_why_this_status_never_explains_the_previous_answer(playground: HomePage, page: Page) -> None:
    playground.user_details.fill(username="a", firstname="b", lastname="c").send()
    expect(playground.explanation).to_contain_text("HTTPStatus.CREATED")
    held: list[Route] = []
    page.route("**/api/exchanges?tag=*", lambda route: held.append(route))  # the record is slow to come
    playground.user_details.choose("GET").send()
    expect(playground.response).to_contain_text("500")
    expect(playground.explanation).to_contain_text("Reading the server's record of this exchange")
    expect(playground.explanation).not_to_contain_text("HTTPStatus.CREATED")
    assert held  # the page did ask for the record, and is waiting for it
    for route in held:
        route.continue_()
    page.unroute("**/api/exchanges?tag=*")
    expect(playground.explanation).to_contain_text("HTTPStatus.INTERNAL_SERVER_ERROR")


def test_flasks_own_options_answer_is_explained_as_such(playground: HomePage) -> None:
    playground.sign_up.choose("OPTIONS").send()
    expect(playground.explanation).to_contain_text("Flask answered OPTIONS itself")
    expect(playground.explanation).to_contain_text("the view never ran")


def test_what_the_browser_hides_names_the_apps_headers_in_the_apps_case(playground: HomePage) -> None:
    playground.sign_up.fill(username="sam").send()
    expect(playground.hidden).to_contain_text(
        "the app sent them as Access-Control-Allow-Origin, Content-Type, Content-Length"
    )


def test_a_huge_field_is_sent_but_never_copied_into_the_link(playground: HomePage, page: Page) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="k" * 1_100_000).send()
    expect(playground.response).to_contain_text("413")
    assert "kkkk" not in page.url and "username=sam" in page.url


def test_the_builder_sends_a_location_only_with_redirect(page: Page, watch: BrowserWatch) -> None:
    page.goto("/builder")
    form = BuilderForm(page)
    form.fill(style="redirect", status="302", location="/status/201").send()
    expect(page.get_by_role("region", name="Response")).to_contain_text("201")
    form.fill(style="tuple3", status="200").send()
    request = page.get_by_role("region", name="Request")
    expect(request).to_contain_text("/respond/tuple3")
    expect(request).not_to_contain_text("location=")


def test_a_followed_redirect_is_explained_by_the_answer_in_response_after_each_hop(
    page: Page, watch: BrowserWatch
) -> None:
    page.goto("/builder")
    BuilderForm(page).fill(style="redirect", status="303", location="/status/200").send()
    expect(page.get_by_role("region", name="Response")).to_contain_text("200 OK", ignore_case=True)
    explanation = page.get_by_role("region", name="Why this status")
    # The 200 in Response is what is explained, never the 303 that led to it...
    expect(explanation).to_contain_text("HTTPStatus.OK")
    expect(explanation).not_to_contain_text("HTTPStatus.SEE_OTHER")
    expect(explanation.get_by_role("mark")).to_contain_text("return body_for(code), code, headers_for(code)")
    # ...and each hop before it is named, with the line of the builder's code that sent the redirect.
    hops = explanation.get_by_role("listitem")
    expect(hops).to_have_count(2)
    expect(hops.first).to_contain_text("GET /respond/redirect answered 303 SEE OTHER", ignore_case=True)
    expect(hops.first).to_contain_text('return redirect("/status/200", 303)')
    expect(hops.last).to_contain_text("GET /status/200 answered 200 OK: the answer shown in Response")


def test_an_unfollowed_redirect_is_explained_by_the_redirect(page: Page, watch: BrowserWatch) -> None:
    page.goto("/builder")
    page.get_by_label("Follow redirects").uncheck()
    BuilderForm(page).fill(style="redirect", status="303", location="/status/200").send()
    explanation = page.get_by_role("region", name="Why this status")
    expect(explanation.get_by_role("mark")).to_contain_text('return redirect("/status/200", 303)')
    expect(explanation).to_contain_text("HTTPStatus.SEE_OTHER")
    expect(explanation.get_by_role("listitem")).to_have_count(0)


@pytest.mark.parametrize(("path", "code"), [("/codes", "302"), ("/builder", "303")])
def test_an_unfollowed_redirect_claims_nothing_the_pages_javascript_saw(
    page: Page, watch: BrowserWatch, path: str, code: str
) -> None:
    page.goto(path)
    page.get_by_label("Follow redirects").uncheck()
    if path == "/codes":
        page.get_by_role("button", name=f"Try {code}").click()
    else:
        BuilderForm(page).fill(style="redirect", status=code, location="/status/200").send()
    hidden = page.get_by_role("region", name="What the browser hides")
    expect(hidden).to_contain_text("The page's JavaScript got nothing of this answer")
    expect(hidden).to_contain_text('"opaqueredirect": status 0')
    # The fetch answer had no headers, so nothing about them can be told: not their case, not their
    # order, and not that the server added the Location the view wrote.
    expect(hidden).not_to_contain_text("lower case")
    expect(hidden).not_to_contain_text("re-orders")
    expect(hidden).not_to_contain_text("added by the server")
    expect(hidden).to_contain_text("Location: /status/200")  # in the server's column, where it belongs


def test_a_201_without_a_location_says_none_follows(playground: HomePage) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="king").send()
    expect(playground.explanation).to_contain_text("no Location, so what it created is the address")
    expect(playground.explanation).not_to_contain_text("URL follows")


def test_with_follow_redirects_off_the_builder_shows_the_3xx(page: Page, watch: BrowserWatch) -> None:
    page.goto("/builder")
    page.get_by_label("Follow redirects").uncheck()
    BuilderForm(page).fill(style="redirect", status="307", location="/status/200").send()
    response = page.get_by_role("region", name="Response")
    expect(response).to_contain_text("307 TEMPORARY REDIRECT", ignore_case=True)
    expect(response).to_contain_text("Location: /status/200")


def test_pages_without_forms_say_what_to_press(page: Page, watch: BrowserWatch) -> None:
    page.goto("/codes")
    expect(page.get_by_role("region", name="Response")).to_contain_text("Press Try on any code")
    page.goto("/log")
    expect(page.get_by_role("region", name="Response")).to_contain_text("Click an exchange in the log")
    expect(page.locator("main")).not_to_contain_text("Fill in a form")


def test_another_clients_request_on_the_log_offers_no_curl_of_the_page(
    page: Page, watch: BrowserWatch, live_server: str
) -> None:
    page.goto("/log")
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-X", "POST", f"{live_server}/userSignUp"], check=True)
    page.get_by_role("log").get_by_role("button").first.click()
    request = page.get_by_role("region", name="Request")
    expect(request).to_contain_text("Sent by")
    expect(request.get_by_role("button", name="Copy curl command")).to_be_hidden()


def test_the_join_view_warns_when_only_this_computer_can_open_the_address(
    page: Page, watch: BrowserWatch
) -> None:
    page.goto("/log")
    join = page.get_by_role("region", name="Join the class")
    expect(join).to_contain_text("Only this computer can open")
    expect(join).to_contain_text("make serve")
    join.get_by_role("button", name="Show full screen").click()
    dialog = page.get_by_role("dialog", name="Join the class")
    expect(dialog).to_be_visible()
    # The code as drawn (its path), not only the box around it.
    box = dialog.get_by_role("img", name=re.compile("QR code")).locator("path").first.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    # Readable from the back of a room: the code fills most of the screen's height.
    assert box["height"] >= 0.6 * viewport["height"]
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_the_join_view_shows_a_network_address_without_a_warning(
    page: Page, watch: BrowserWatch, live_app: Flask, configured
) -> None:
    configured(CLASSROOM_URL="http://192.168.1.20:5000/")
    page.goto("/log")
    join = page.get_by_role("region", name="Join the class")
    expect(join).to_contain_text("http://192.168.1.20:5000/")
    expect(join).not_to_contain_text("Only this computer")


def test_how_the_class_predicted_follows_without_a_reload(page: Page, watch: BrowserWatch) -> None:
    log = page.context.new_page()
    log.goto("/log")
    table = log.get_by_role("region", name="How the class predicted")
    page.goto("/")
    playground = HomePage(page)
    page.get_by_role("switch", name="Predict first").click()
    playground.sign_up.fill(username="tally").choose("PATCH").send()
    page.get_by_role("region", name="Your prediction").get_by_role("button", name="200 OK").click()
    expect(page.get_by_role("status").filter(has_text="the answer was 405")).to_be_visible()
    expect(table).to_contain_text("PATCH /userSignUp")
    log.close()


def test_highlighted_source_keeps_each_line_whole_in_the_projector_view(
    page: Page, watch: BrowserWatch
) -> None:
    page.set_viewport_size({"width": 900, "height": 720})
    page.goto("/?projector=1")
    playground = HomePage(page)
    playground.sign_up.fill(username="sam").send()
    mark = playground.explanation.get_by_role("mark")
    expect(mark).to_contain_text('return "Success", 200, {"Access-Control-Allow-Origin": "*"}')
    # One line on screen, its indentation kept: a long line scrolls inside its box instead of wrapping.
    lines_on_screen = mark.evaluate(
        """(m) => {
          const range = document.createRange();
          range.selectNodeContents(m);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width);
          return new Set(rects.map((r) => Math.round(r.top))).size;
        }"""
    )
    assert lines_on_screen == 1
    assert mark.evaluate("(m) => m.textContent.includes('        return')")
