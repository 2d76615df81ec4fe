"""The learner keeps their place (issue 21): after Send or Try the answer's status line is on screen,
at every size; nothing of an earlier answer stays under a refusal; the keyboard sends what it shows.
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.support.sizes import SIZES

from .pages import BuilderForm, HomePage


def send_home(page: Page) -> None:
    page.goto("/")
    HomePage(page).sign_up.fill(username="sam").send()


def try_codes(page: Page) -> None:
    page.goto("/codes")
    # A code far down the list: the answer column may be anywhere by then.
    page.get_by_role("button", name="Try 504").click()


def send_builder(page: Page) -> None:
    page.goto("/builder")
    BuilderForm(page).fill(style="status_code", status="202").send()


SENDS: dict[str, Callable[[Page], None]] = {"home": send_home, "codes": try_codes, "builder": send_builder}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", SENDS)
def test_after_a_send_the_answers_status_line_is_on_screen(
    sized_page: Callable[[str], Page], name: str, size: str
) -> None:
    page = sized_page(size)
    SENDS[name](page)
    response = page.get_by_role("region", name="Response")
    status = response.locator(".status-line")
    expect(status).to_contain_text("HTTP/1.1")
    # Wholly on screen: inside the window and inside the scrolling answer column of /codes.
    expect(status).to_be_in_viewport(ratio=1)


def test_a_refused_build_leaves_no_earlier_code_or_answer(page: Page, watch) -> None:
    page.goto("/builder")
    form = BuilderForm(page)
    form.fill(style="tuple3", status="202", body="queued").send()
    code = page.get_by_role("region", name="Flask code")
    response = page.get_by_role("region", name="Response")
    expect(response).to_contain_text("202")
    form.fill(status="1000").send()
    expect(form.root.get_by_role("alert")).to_contain_text("Give a code of three digits")
    expect(code).not_to_contain_text('return "queued", 202')
    expect(code).to_contain_text("No code: the values marked in the form were refused")
    for region in ("Request", "Response", "Why this status", "What the browser hides"):
        view = page.get_by_role("region", name=region)
        expect(view).to_contain_text("Nothing sent: the values marked above were refused")
        expect(view).not_to_contain_text("202")
        expect(view).not_to_contain_text("queued")


def test_ctrl_enter_on_a_send_toggle_sends_without_flipping_it(home: Page, watch) -> None:
    playground = HomePage(home)
    form = playground.user_details.fill(username="sam", firstname="john", lastname="king")
    toggle = form.send_toggle("lastname")
    toggle.focus()
    home.keyboard.press("Control+Enter")
    expect(playground.response).to_contain_text("201")  # lastname was sent
    expect(toggle).to_be_checked()
    expect(toggle).to_be_focused()
    home.keyboard.press("Space")  # a plain Space still flips it
    expect(toggle).not_to_be_checked()
