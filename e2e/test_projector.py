"""The class view on a projector: the teacher's /log in the projector view at 1280x720 and
1920x1080, with the class joined. The newest exchanges are on the first screen in type readable
from the back of a room, the Join panel folds to one line once the first exchange arrives (and by
the teacher's hand), and the full-screen join dialog shows its heading whole.

Each test has a server of its own, so the log starts empty: the class has not joined yet.

With PLAYGROUND_SCREENSHOTS set (`make screenshots`), the projected class view is saved there.
"""

import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from playground import create_app

from .checks import LAYOUT_PROBLEMS
from .projector import PROJECTOR_SIZES, assert_newest_first_in_large_type, box


@pytest.fixture
def class_server() -> Iterator[str]:
    """A server of this test's own, as `make serve` starts it: empty log, a known teacher key."""
    app = create_app({"TEACHER_KEY": "projector-teacher", "CLASSROOM_URL": "http://192.168.1.20:5000/"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def send(base_url: str, path: str, body: str) -> None:
    request = urllib.request.Request(f"{base_url}{path}", data=body.encode(), method="POST")
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as answer:  # the tutorial's 400 is an answer too
        answer.close()


@pytest.fixture
def projected(browser: Browser, class_server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    width, height = PROJECTOR_SIZES[request.param]
    context = browser.new_context(base_url=class_server, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto("/?projector=1")  # remembered by the browser
    page.goto("/teacher/projector-teacher")  # the teacher projects their own live log
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    yield page
    context.close()


@pytest.mark.parametrize("projected", PROJECTOR_SIZES, indirect=True)
def test_the_join_dialog_shows_its_heading_whole(projected: Page) -> None:
    page = projected
    page.get_by_role("button", name="Show full screen").click()
    dialog = page.get_by_role("dialog", name="Join the class")
    expect(dialog).to_be_visible()
    viewport = page.viewport_size
    assert viewport is not None
    frame = box(dialog)
    for part in (
        dialog.get_by_role("heading", name="Join the class"),
        dialog.get_by_role("button", name="Close"),
    ):
        shown = box(part)
        assert frame["y"] <= shown["y"] and shown["y"] + shown["height"] <= frame["y"] + frame["height"], (
            f"{part} is cut by the dialog"
        )
        assert shown["y"] >= 0 and shown["y"] + shown["height"] <= viewport["height"], (
            f"{part} is off the screen"
        )
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("projected", PROJECTOR_SIZES, indirect=True)
def test_the_class_view_puts_the_newest_exchanges_first_in_large_type(
    projected: Page, class_server: str, request: pytest.FixtureRequest
) -> None:
    page = projected
    join = page.get_by_role("region", name="Join the class")
    qr = join.get_by_role("img", name="QR code for http://192.168.1.20:5000/")
    # Before the class has joined, the QR code is there to scan.
    expect(qr).to_be_visible()

    for n in range(4):
        send(class_server, "/userSignUp", f"username=s{n}&password=pw")
        send(class_server, "/userDetails", f"username=s{n}")
    send(class_server, "/make_response/userSignUp", "username=newest&password=pw")
    entries = page.get_by_role("log").get_by_role("listitem")
    expect(entries).to_have_count(9)
    expect(entries.first).to_contain_text("/make_response/userSignUp")

    # The class has joined: the Join panel is one line, the address and a button for the QR code.
    expect(qr).to_be_hidden()
    show_qr = join.get_by_role("button", name="Show the QR code")
    address = join.get_by_text("http://192.168.1.20:5000/", exact=True).filter(visible=True)
    expect(show_qr).to_be_visible()
    expect(address).to_be_visible()
    line, button = box(address), box(show_qr)
    assert (
        abs((line["y"] + line["height"] / 2) - (button["y"] + button["height"] / 2)) < line["height"] / 2
    ), "the folded Join panel is more than one line"

    assert_newest_first_in_large_type(page, entries)

    target = os.environ.get("PLAYGROUND_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(target) / f"log-class-{request.node.callspec.params['projected']}.png")
    assert page.evaluate(LAYOUT_PROBLEMS) == []

    # The teacher opens it again (it stays open as exchanges come), and folds it by hand.
    show_qr.click()
    expect(qr).to_be_visible()
    send(class_server, "/userSignUp", "username=later&password=pw")
    expect(entries).to_have_count(10)
    expect(qr).to_be_visible()
    join.get_by_role("button", name="Fold to one line").click()
    expect(qr).to_be_hidden()
    expect(show_qr).to_be_focused()
