"""What the class view must be on a projector, shared by the laptop's test (test_projector.py) and
the school's (test_school.py): the newest exchanges on the first screen, in type readable from the
back of a room."""

from playwright.sync_api import Locator, Page

PROJECTOR_SIZES = {"projector": (1280, 720), "projector-wide": (1920, 1080)}
READABLE_PX = 24
NEWEST_ON_FIRST_SCREEN = 3


def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the page"
    return found


def font_px(locator: Locator) -> float:
    return float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def assert_newest_first_in_large_type(page: Page, entries: Locator) -> None:
    """The newest exchanges (the log's first entries) are whole on the first screen, at 24 px or more."""
    viewport = page.viewport_size
    assert viewport is not None
    for index in range(NEWEST_ON_FIRST_SCREEN):
        entry = box(entries.nth(index))
        assert entry["y"] >= 0 and entry["y"] + entry["height"] <= viewport["height"], (
            f"exchange {index + 1} (newest first) is below the first screen"
        )
    assert font_px(entries.first.get_by_role("button")) >= READABLE_PX
    assert font_px(page.get_by_role("note").filter(has_text="visible to the whole class")) >= READABLE_PX
