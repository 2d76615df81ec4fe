"""Copy as curl, fetch, Python requests and HTTPie: each generated command or program is run for real
(curl and HTTPie as processes, requests in Python, fetch in Chromium), with values no quoting must
break, and sends exactly what the page sent: the same method, path, query, Content-Type and body
on the server's record, and the same answer."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from .conftest import BrowserWatch
from .pages import HomePage

# Quotes of both kinds, $ and backticks a shell would expand, a backslash and non-ASCII; the multipart
# body brings its line breaks (an input field drops the newline typed here).
TRICKY = 'it\'s "quoted" $HOME `whoami` \\n back\\slash\nline two: naïve ✓ 日本'
BIN = Path(sys.executable).parent


def newest_exchange(page: Page) -> dict:
    return page.request.get("/api/exchanges?limit=1").json()[-1]


def sent(exchange: dict) -> tuple:
    """What reached the server. curl -F writes its own multipart boundary: compare all but that."""
    request = exchange["request"]
    content_type = next((v for n, v in request["headers"] if n.lower() == "content-type"), None)
    body = request["body"]
    if content_type and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1]
        content_type, body = content_type.replace(boundary, "B"), body.replace(boundary, "B")
    return request["method"], request["path"], request["query"], content_type, body


def answered(exchange: dict) -> tuple:
    return exchange["response"]["status"], exchange["response"]["body"]


def snippet(page: Page, form: str) -> str:
    request = page.get_by_role("region", name="Request")
    request.get_by_label("The same request as").select_option(form)
    return request.locator("pre.curl").text_content() or ""


def run_in_shell(command: str) -> None:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/tmp")}
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, timeout=30, env=env)


@pytest.mark.parametrize(
    ("method", "encoding"),
    [
        ("POST", "application/x-www-form-urlencoded"),
        ("POST", "multipart/form-data"),
        ("PUT", "application/json"),
        ("GET", "application/x-www-form-urlencoded"),
    ],
)
def test_every_copy_sends_what_the_page_sent(
    home: Page, watch: BrowserWatch, method: str, encoding: str
) -> None:
    playground = HomePage(home)
    playground.user_details.fill(username=TRICKY, firstname="john", lastname="o'king").choose(
        method, encoding=encoding
    ).send()
    expect(playground.explanation.get_by_role("mark")).to_be_visible()
    from_page = newest_exchange(home)
    run_in_shell(snippet(home, "curl"))
    by_curl = newest_exchange(home)
    run_in_shell(snippet(home, "httpie"))
    by_httpie = newest_exchange(home)
    subprocess.run(
        [sys.executable, "-c", snippet(home, "requests")], check=True, capture_output=True, timeout=30
    )
    by_requests = newest_exchange(home)
    logged: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        logged.append(message.text)

    home.on("console", on_console)
    home.evaluate(f"async () => {{ {snippet(home, 'fetch')} }}")
    by_fetch = newest_exchange(home)

    ids = {e["id"] for e in (from_page, by_curl, by_httpie, by_requests, by_fetch)}
    assert len(ids) == 5, "each copy made a request of its own"
    for name, copy in [
        ("curl", by_curl),
        ("HTTPie", by_httpie),
        ("requests", by_requests),
        ("fetch", by_fetch),
    ]:
        assert sent(copy) == sent(from_page), name
        assert answered(copy) == answered(from_page), name
    expect_status = str(from_page["response"]["status"])
    assert any(line.startswith(expect_status) for line in logged), logged


@pytest.mark.parametrize("value", ["cost: $HOME", "cost: ${HOME}s", "it costs: $(whoami)"])
def test_a_dollar_alone_still_keeps_the_shell_from_expanding_it(
    home: Page, watch: BrowserWatch, value: str
) -> None:
    # No double quote, backslash, backtick or ! beside the $: only the $ itself calls for single quotes.
    playground = HomePage(home)
    playground.sign_up.fill(username=value).choose("POST", encoding="multipart/form-data").send()
    expect(playground.explanation.get_by_role("mark")).to_be_visible()
    from_page = newest_exchange(home)
    command = snippet(home, "curl")
    assert f"'username={value}'" in command
    run_in_shell(command)
    assert sent(newest_exchange(home)) == sent(from_page)


def test_the_request_region_offers_each_form_with_its_own_copy_button(
    home: Page, watch: BrowserWatch
) -> None:
    playground = HomePage(home)
    playground.sign_up.fill(username="sam").send()
    request = playground.request
    for form, button, start in [
        ("fetch", "Copy fetch code", "const response = await fetch("),
        ("requests", "Copy Python requests code", "import requests"),
        ("httpie", "Copy HTTPie command", "http --ignore-stdin POST"),
        ("curl", "Copy curl command", "curl -i -X POST"),
    ]:
        request.get_by_label("The same request as").select_option(form)
        expect(request.get_by_role("button", name=button)).to_be_visible()
        expect(request.locator("pre.curl")).to_contain_text(start)
