"""The docs' pictures, taken after real exchanges. `make screenshots` saves them to docs/."""

import os
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from playground.lab.challenges import BY_ID

from .conftest import BrowserWatch, become_teacher
from .pages import HomePage


@pytest.fixture
def context(lab_context: BrowserContext) -> BrowserContext:
    """Every test's page opens in the lab's profile, where the code lab starts from the kept snapshot."""
    return lab_context


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    target.mkdir(parents=True, exist_ok=True)
    return target


def saved(path: Path) -> bool:
    return path.read_bytes().startswith(b"\x89PNG")


def test_home_after_an_exchange(home: Page, shots: Path) -> None:
    playground = HomePage(home)
    playground.user_details.fill(username="sam", firstname="john", lastname="king").send()
    expect(playground.explanation.get_by_role("mark")).to_be_visible()
    home.screenshot(path=shots / "home.png", full_page=True)
    assert saved(shots / "home.png")


def test_the_explanation_of_a_400(home: Page, shots: Path) -> None:
    playground = HomePage(home)
    playground.user_details.fill(username="sam", firstname="john").leave_out("lastname").send()
    expect(playground.explanation.get_by_role("mark")).to_contain_text("lastname")
    playground.explanation.screenshot(path=shots / "explanation.png")
    assert saved(shots / "explanation.png")


def test_the_log_page_with_entries(
    page: Page, watch: BrowserWatch, live_server: str, live_app: Flask, shots: Path
) -> None:
    become_teacher(page, live_app)
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # Clear asks first
    page.get_by_role("button", name="Clear the log").click()
    expect(page.get_by_role("log").get_by_role("button")).to_have_count(0)
    details = "username=sam&firstname=j&lastname=k"
    for args in (
        ["-X", "POST", f"{live_server}/userSignUp", "-d", "username=ada&password=pw"],
        [f"{live_server}/userDetails"],
        ["-X", "POST", f"{live_server}/make_response/userDetails", "-d", details],
    ):
        subprocess.run(["curl", "-s", "-o", "/dev/null", *args], check=True, timeout=10)
    log = page.get_by_role("log")
    expect(log.get_by_role("button")).to_have_count(3)
    log.get_by_role("button").last.click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("200")
    page.screenshot(path=shots / "log.png", full_page=True)
    assert saved(shots / "log.png")


def test_the_projector_view(page: Page, watch: BrowserWatch, shots: Path) -> None:
    page.goto("/?projector=1")
    playground = HomePage(page)
    playground.sign_up.fill(username="sam", password="pw").choose("GET").send()
    expect(playground.response).to_contain_text("405")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=shots / "projector.png")
    assert saved(shots / "projector.png")


def test_the_code_lab_after_an_edit(page: Page, watch: BrowserWatch, shots: Path) -> None:
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=60_000)
    code = page.get_by_role("textbox", name="Code")
    code.fill(code.input_value().replace('return "Success", 201', 'return "Success", 202'))
    form = page.get_by_role("form", name="User details")
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        form.get_by_label(key, exact=True).fill(value)
    # Compare shows your code's answer (Response, Why this status) beside the server's.
    form.get_by_role("button", name="Compare with the server").click()
    expect(page.get_by_role("region", name="Why this status")).to_contain_text('return "Success", 202')
    expect(page.get_by_role("region", name="Compare with the server")).to_contain_text("Status: 202")
    page.screenshot(path=shots / "lab.png", full_page=True)
    assert saved(shots / "lab.png")


def test_a_challenge_solved_in_the_code_lab(page: Page, watch: BrowserWatch, shots: Path) -> None:
    challenge = BY_ID["missing-field-422"]
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=60_000)
    region = page.get_by_role("region", name="Challenges")
    region.get_by_role("button", name=challenge.title, exact=True).click()
    page.get_by_role("textbox", name="Code").fill(challenge.solution)
    region.get_by_role("button", name="Check", exact=True).click()
    expect(region.get_by_role("listitem").filter(has_text=challenge.title)).to_contain_text(
        "Solved", timeout=20_000
    )
    region.screenshot(path=shots / "challenge.png")
    assert saved(shots / "challenge.png")
