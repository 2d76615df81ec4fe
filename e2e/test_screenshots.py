"""The README's pictures, taken after real exchanges. `make screenshots` saves them to docs/."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .pages import HomePage


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_home_after_an_exchange(home: Page, shots: Path) -> None:
    playground = HomePage(home)
    playground.user_details.fill(username="sam", firstname="john", lastname="king").send()
    expect(playground.response).to_contain_text("201")
    path = shots / "home.png"
    home.screenshot(path=path, full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG")
