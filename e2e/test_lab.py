"""The code lab in Chromium: the learner's own edits of the tutorial's app run in Pyodide, in the page's
Web Worker, and answer the forms; nothing is fetched from another host (the watch fixture checks)."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from playground.lab.listings import listing_code

from .conftest import BrowserWatch

LOADING = 60_000  # Python loads once per browser: a cold start, measured in make bench


@pytest.fixture
def context(lab_context: BrowserContext) -> BrowserContext:
    """Every test's page opens in the lab's profile: its lab starts from the kept snapshot."""
    return lab_context


@pytest.fixture
def lab(page: Page, watch: BrowserWatch) -> Page:
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    return page


def details(page: Page):
    return page.get_by_role("form", name="User details")


def send_details(page: Page, *, leave_out: str | None = None) -> None:
    form = details(page)
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        form.get_by_label(key, exact=True).fill(value)
    if leave_out:
        form.get_by_role("checkbox", name=f"Send {leave_out}").uncheck()
    form.get_by_role("button", name="Send").click()


def code_box(page: Page):
    return page.get_by_role("textbox", name="Code")


def line_of(code: str, text: str) -> int:
    return next(number for number, line in enumerate(code.splitlines(), 1) if text in line)


def test_the_lab_opens_with_the_tutorials_first_listing(lab: Page) -> None:
    expect(code_box(lab)).to_have_value(listing_code("tuple"))
    lab.get_by_label("Listing").select_option("make_response")
    expect(code_box(lab)).to_have_value(listing_code("make_response"))


def test_an_edit_from_201_to_202_answers_202_and_marks_its_line(lab: Page) -> None:
    code = listing_code("tuple").replace('return "Success", 201', 'return "Success", 202')
    code_box(lab).fill(code)
    send_details(lab)
    expect(lab.get_by_role("region", name="Response")).to_contain_text("202 ACCEPTED", ignore_case=True)
    explanation = lab.get_by_role("region", name="Why this status")
    expect(explanation).to_contain_text('return "Success", 202')
    expect(lab.locator("[data-mark]")).to_have_attribute(
        "data-line", str(line_of(code, 'return "Success", 202'))
    )


def test_get_instead_of_the_lookup_answers_201_without_lastname(lab: Page) -> None:
    send_details(lab, leave_out="lastname")
    expect(lab.get_by_role("region", name="Response")).to_contain_text("400")
    code_box(lab).fill(
        listing_code("tuple").replace('request.form["lastname"]', 'request.form.get("lastname")')
    )
    details(lab).get_by_role("button", name="Send").click()
    expect(lab.get_by_role("region", name="Response")).to_contain_text("201")


def test_a_syntax_error_is_shown_with_its_line_and_no_answer(lab: Page) -> None:
    code = listing_code("tuple").replace("def user_details():", "def user_details(:")
    code_box(lab).fill(code)
    send_details(lab)
    expect(lab.get_by_role("alert").filter(has_text="SyntaxError")).to_contain_text(
        f"SyntaxError on line {line_of(code, 'def user_details(:')}"
    )
    expect(lab.get_by_role("region", name="Response")).to_contain_text("No answer")
    expect(lab.locator("[data-mark]")).to_have_class(re.compile("mistake"))


def test_an_exception_is_a_500_with_the_servers_traceback(lab: Page) -> None:
    code_box(lab).fill(listing_code("tuple").replace('return "Success", 201', "return 1 / 0"))
    send_details(lab)
    expect(lab.get_by_role("region", name="Response")).to_contain_text("500")
    log = lab.get_by_role("region", name="Server log")
    expect(log).to_contain_text("ZeroDivisionError")
    expect(log).to_contain_text("writes the traceback to the server's log")


def test_an_endless_loop_is_stopped_and_the_lab_answers_again_after_reset(lab: Page) -> None:
    code_box(lab).fill(
        listing_code("tuple").replace('return "Success", 201', "while True:\n            pass")
    )
    send_details(lab)
    expect(lab.get_by_role("alert").filter(has_text="Stopped after 5 s")).to_be_visible(timeout=20_000)
    # The limit is 5 s, by the page's own clock: from the Send to the stop. Not less (a slow answer is
    # not a loop), and well under the 15 s a wrong limit would take, however busy the machine.
    waited = lab.evaluate(
        "performance.getEntriesByName('lab:stopped').at(-1).startTime"
        " - performance.getEntriesByName('lab:send').at(-1).startTime"
    )
    assert 5_000 <= waited < 10_000, waited
    lab.get_by_role("button", name="Reset code").click()
    expect(code_box(lab)).to_have_value(listing_code("tuple"))
    details(lab).get_by_role("button", name="Send").click()
    expect(lab.get_by_role("region", name="Response")).to_contain_text("201", timeout=LOADING)


def test_a_shared_link_restores_the_code(lab: Page, page: Page) -> None:
    code = listing_code("tuple").replace('return "Success", 201', 'return {"error": "lastname missing"}, 422')
    code_box(lab).fill(code)
    send_details(lab)
    expect(lab.get_by_role("region", name="Response")).to_contain_text("422")
    expect(lab).to_have_url(re.compile(r"#code="))
    shared = lab.url
    other = page.context.new_page()
    other.goto(shared)
    expect(code_box(other)).to_have_value(code)
    other.close()


def compare_a_202(page: Page):
    """Answer 202 in the editor's code, press Compare with the server: the comparison says so."""
    code_box(page).fill(listing_code("tuple").replace('return "Success", 201', 'return "Success", 202'))
    form = details(page)
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        form.get_by_label(key, exact=True).fill(value)
    form.get_by_role("button", name="Compare with the server").click()
    compare = page.get_by_role("region", name="Compare with the server")
    expect(compare).to_contain_text("Status: 202 from your code, 201 from the server.")
    return compare


def test_compare_with_the_server_shows_the_difference(lab: Page) -> None:
    compare = compare_a_202(lab)
    expect(compare).to_contain_text("201 CREATED", ignore_case=True)


def test_back_and_forward_move_through_what_was_sent(lab: Page) -> None:
    code_box(lab).fill(listing_code("tuple").replace('return "Success", 201', 'return "Success", 202'))
    send_details(lab)
    expect(lab.get_by_role("region", name="Response")).to_contain_text("202")
    code_box(lab).fill(listing_code("tuple").replace('return "Success", 201', 'return "Success", 203'))
    details(lab).get_by_role("button", name="Send").click()
    expect(lab.get_by_role("region", name="Response")).to_contain_text("203")
    lab.go_back()
    expect(code_box(lab)).to_have_value(re.compile(r'return "Success", 202'))
    expect(lab.get_by_role("region", name="Response")).to_contain_text("202")
    lab.go_forward()
    expect(code_box(lab)).to_have_value(re.compile(r'return "Success", 203'))
    expect(lab.get_by_role("region", name="Response")).to_contain_text("203")


def test_an_import_the_lab_lacks_is_named(lab: Page) -> None:
    code_box(lab).fill("import flask_sqlalchemy\n" + listing_code("tuple"))
    send_details(lab)
    expect(lab.get_by_role("alert").filter(has_text="No module named")).to_contain_text("flask_sqlalchemy")


def test_the_editor_indents_with_tab_and_never_traps_the_keyboard(lab: Page) -> None:
    code = code_box(lab)
    code.click()
    code.press("Control+Home")
    code.press("Tab")
    expect(code).to_have_value("    " + listing_code("tuple"))
    code.press("Shift+Tab")
    expect(code).to_have_value(listing_code("tuple"))
    # A selection of several lines: Tab indents each, Shift+Tab takes it back; nothing is lost.
    code.press("Control+Home")
    code.press("Shift+ArrowDown")
    code.press("Shift+ArrowDown")
    code.press("Tab")
    first, second, *rest = listing_code("tuple").split("\n")
    expect(code).to_have_value("\n".join(["    " + first, second if not second else "    " + second, *rest]))
    code.press("Shift+Tab")
    expect(code).to_have_value(listing_code("tuple"))
    # Esc, then Tab, moves on; Esc, then Shift+Tab, moves back.
    code.press("Escape")
    code.press("Tab")
    expect(code).not_to_be_focused()
    code.focus()
    code.press("Escape")
    code.press("Shift+Tab")
    expect(code).not_to_be_focused()
    expect(code).to_have_value(listing_code("tuple"))
    expect(lab.get_by_text("press Esc, then Tab, to leave the editor")).to_be_visible()


def sign_up(page: Page):
    return page.get_by_role("form", name="Sign up")


def send_sign_up(page: Page) -> None:
    form = sign_up(page)
    form.get_by_label("username", exact=True).fill("ann")
    form.get_by_label("password", exact=True).fill("pw")
    form.get_by_role("button", name="Send").click()


def test_back_shows_each_answer_beside_its_own_request(lab: Page) -> None:
    send_details(lab)
    response, request = lab.get_by_role("region", name="Response"), lab.get_by_role("region", name="Request")
    expect(response).to_contain_text("201")
    send_sign_up(lab)
    expect(response).to_contain_text("200")
    expect(request).to_contain_text("/userSignUp")
    lab.go_back()
    expect(response).to_contain_text("201")
    expect(request).to_contain_text("/userDetails")
    expect(request).not_to_contain_text("/userSignUp")


def test_a_send_while_an_earlier_one_runs_shows_only_its_own_answer(lab: Page) -> None:
    """An endless loop in user_details, then Sign up pressed while it runs: the Response is Sign up's
    200 beside Sign up's request, and the loop's stop never replaces it."""
    looping = listing_code("tuple").replace(
        '        return "Success", 201',
        '        while True:\n            pass\n        return "Success", 201',
    )
    code_box(lab).fill(looping)
    send_details(lab)
    response = lab.get_by_role("region", name="Response")
    expect(response).to_contain_text("Running your code")
    send_sign_up(lab)
    expect(response).to_contain_text("200")
    expect(lab.get_by_role("region", name="Request")).to_contain_text("/userSignUp")
    # Past the 5 s the loop had (the page's own clock, from its Send's mark): Sign up's answer stays.
    lab.wait_for_function(
        "() => performance.now() - performance.getEntriesByName('lab:send').at(-2).startTime > 5500",
        timeout=20_000,
    )
    expect(response).to_contain_text("200")
    expect(response).not_to_contain_text("Stopped after 5 s")


def test_a_comparison_goes_when_another_form_is_sent(lab: Page) -> None:
    compare = compare_a_202(lab)
    send_sign_up(lab)
    expect(lab.get_by_role("region", name="Response")).to_contain_text("200")
    expect(compare).to_be_hidden()
