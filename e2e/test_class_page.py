"""Making a class from a page, in Chromium: a teacher fills /classes/new with a name and the school's
class-making key, gets the class link and the teacher link, and both lead where the page says. The
page fits a phone, a laptop and a projector (the layout test's own check); with PLAYGROUND_SCREENSHOTS
set, the form and the made class are saved there at each size.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.sizes import SIZES

from .checks import LAYOUT_PROBLEMS, serious_violations
from .conftest import BrowserWatch

KEY = "e2e-school-key-0123456789abcdef"


def make_a_class(page: Page, name: str) -> str:
    """Fill the page as a teacher does; the class link it shows."""
    page.goto("/classes/new")
    form = page.get_by_role("form", name="New class")
    form.get_by_label("Class name").fill(name)
    form.get_by_label("Class-making key").fill(KEY)
    form.get_by_role("button", name="Make the class").click()
    expect(page.get_by_role("heading", name=f"{name} is ready")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the teacher link")).to_be_visible()  # the script ran
    return page.locator("#class-link").inner_text()


def test_a_teacher_makes_a_class_and_follows_its_links(
    page: Page, watch: BrowserWatch, configured: Callable[..., None], live_server: str
) -> None:
    configured(CLASS_KEY=KEY)
    class_link = make_a_class(page, "Period 3")
    assert re.fullmatch(rf"{re.escape(live_server)}/c/[a-z2-7]{{16}}/", class_link)
    assert KEY not in page.content()
    page.get_by_role("button", name="Copy the class link").click()
    expect(page.get_by_role("status").first).to_have_text(re.compile(r"Copied\.|Selected: press Ctrl\+C"))
    # The teacher link opens the class's live log as its teacher (a teacher alone can set a challenge).
    page.get_by_role("link", name="Open the teacher link").click()
    expect(page).to_have_url(f"{class_link}log")
    expect(page.get_by_role("button", name="Set a challenge")).to_be_visible()
    # The class link, as a student opens it: the class's own playground, its forms posting inside it.
    student = page.context.browser.new_page(base_url=live_server)
    student.goto(class_link)
    form = student.get_by_role("form", name="User details")
    form.get_by_label("username", exact=True).fill("sam")
    form.get_by_role("button", name="Send").click()
    expect(student.get_by_role("region", name="Response")).to_contain_text("201")
    expect(student.get_by_role("button", name="Set a challenge")).to_have_count(0)
    student.goto(f"{class_link}log")
    expect(student.get_by_role("log")).to_contain_text("userDetails")
    student.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_page_fits_the_screen(sized_page, configured: Callable[..., None], size: str) -> None:
    """No sideways scroll, no word split, no tall button; and axe-core finds nothing serious."""
    configured(CLASS_KEY=KEY)
    page = sized_page(size)
    page.goto("/classes/new")
    target = os.environ.get("PLAYGROUND_SCREENSHOTS")
    problems = {"form": page.evaluate(LAYOUT_PROBLEMS) + serious_violations(page)}
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(target) / f"class-new-{size}.png", full_page=True)
    make_a_class(page, "Period 3 (Room 14, Tuesdays)")
    problems["made"] = page.evaluate(LAYOUT_PROBLEMS) + serious_violations(page)
    if target:
        page.screenshot(path=Path(target) / f"class-made-{size}.png", full_page=True)
    assert problems == {"form": [], "made": []}, f"/classes/new at {size}: {problems}"
