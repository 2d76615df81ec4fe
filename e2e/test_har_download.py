"""Download HAR on the live log: the whole log, the filtered view and one opened exchange, each a
valid HAR 1.2 file that a Chromium HAR consumer (Playwright's routeFromHAR) replays."""

import json
import subprocess
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.support.har import assert_valid_har

from .conftest import BrowserWatch


def curl(*args: str) -> None:
    subprocess.run(["curl", "-s", "-o", "/dev/null", *args], check=True, timeout=10)


def download(page: Page, name: str, target: Path) -> dict:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = target / info.value.suggested_filename
    info.value.save_as(path)
    har = json.loads(path.read_text())
    assert_valid_har(har)
    return har


def test_download_har_of_the_log_the_filtered_view_and_one_exchange(
    page: Page, watch: BrowserWatch, live_server: str, tmp_path: Path
) -> None:
    curl("-X", "POST", f"{live_server}/userSignUp", "-d", "username=har&password=hunter22")
    curl(f"{live_server}/status/418")
    page.goto("/log")
    expect(page.get_by_role("log").get_by_role("button").first).to_contain_text("418")
    whole = download(page, "Download HAR", tmp_path)
    assert len(whole["log"]["entries"]) == len(
        page.request.get("/api/exchanges.har").json()["log"]["entries"]
    )
    assert "hunter22" not in json.dumps(whole)

    page.get_by_label("Path").select_option("/status/")
    filtered = download(page, "Download HAR", tmp_path)
    assert filtered["log"]["entries"]
    assert all("/status/" in e["request"]["url"] for e in filtered["log"]["entries"])

    page.get_by_role("log").get_by_role("button").first.click()
    one = download(page, "Download this exchange as HAR", tmp_path)
    (entry,) = one["log"]["entries"]
    assert entry["response"]["status"] == 418


def test_a_downloaded_har_replays_in_chromium(
    browser: Browser, live_server: str, live_app: Flask, tmp_path: Path
) -> None:
    curl(f"{live_server}/status/418")
    har = tmp_path / "log.har"
    har.write_bytes(
        browser.new_context().request.get(f"{live_server}/api/exchanges.har?path=/status/").body()
    )
    context = browser.new_context()
    context.route_from_har(har, url="**/status/**", not_found="abort")
    page = context.new_page()
    recorded = live_app.extensions["recorder"].log.recorded
    response = page.goto(f"{live_server}/status/418")
    assert response is not None and response.status == 418
    expect(page.locator("body")).to_contain_text("418 I'm a Teapot")
    # Answered from the HAR file: the server never saw the request.
    assert live_app.extensions["recorder"].log.recorded == recorded
    context.close()
