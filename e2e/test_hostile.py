"""Script payloads through every way into the page: none of them runs, all of them show as text."""

import subprocess
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from .conftest import BrowserWatch, become_teacher
from .pages import BuilderForm, HomePage

PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
ASCII_PAYLOAD = "<img src=x onerror=window.__pwned=3>"


def assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__pwned") is None
    # No element came from a payload: the page's own markup has no <img> and no inline <script>.
    assert page.evaluate("document.querySelectorAll('img, script:not([src])').length") == 0


def test_the_builders_header_body_and_reason_stay_text(page: Page, watch: BrowserWatch) -> None:
    page.goto("/builder")
    form = BuilderForm(page)
    form.fill(style="status_string", status=f"299 {ASCII_PAYLOAD}", body=PAYLOAD).send()
    response = page.get_by_role("region", name="Response")
    expect(response).to_contain_text(f"299 {ASCII_PAYLOAD}")
    expect(response).to_contain_text(PAYLOAD)
    expect(page.get_by_role("region", name="Flask code")).to_contain_text("onerror")
    expect(page.get_by_role("region", name="What the browser hides")).to_contain_text(ASCII_PAYLOAD)

    form.fill(style="tuple3", status="200", headers=f"X-Evil: {ASCII_PAYLOAD}").send()
    expect(response).to_contain_text(f"x-evil: {ASCII_PAYLOAD}")
    assert_nothing_ran(page)


@pytest.mark.parametrize("style", ["tuple", "make_response"])
def test_form_values_in_every_encoding_stay_text(home: Page, style: str) -> None:
    playground = HomePage(home)
    for encoding in ("application/x-www-form-urlencoded", "multipart/form-data", "application/json"):
        playground.sign_up.fill(username=PAYLOAD, password=PAYLOAD).choose(
            encoding=encoding, style=style
        ).send()
        expect(playground.request).to_contain_text(encoding)
        expect(playground.explanation.get_by_role("mark")).to_be_visible()
    assert_nothing_ran(home)


def test_what_curl_sends_stays_text_in_the_live_log(
    page: Page, watch: BrowserWatch, live_server: str
) -> None:
    page.goto("/log")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    url = f"{live_server}/userDetails?q=%3Cscript%3Ewindow.__pwned=4%3C/script%3E"
    headers = ["-H", f"X-Evil: {ASCII_PAYLOAD}", "-H", f"User-Agent: {ASCII_PAYLOAD}"]
    command = [
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-X",
        "POST",
        url,
        *headers,
        "--data-urlencode",
        f"lastname={PAYLOAD}",
    ]
    subprocess.run(command, check=True, timeout=10)
    entry = page.get_by_role("log").get_by_role("button").filter(has_text="/userDetails").first
    expect(entry).to_contain_text("201")
    entry.click()
    request = page.get_by_role("region", name="Request")
    expect(request).to_contain_text(f"X-Evil: {ASCII_PAYLOAD}")
    expect(request).to_contain_text(
        "q=<script>window.__pwned=4</script>".replace("<", "%3C").replace(">", "%3E")
    )
    assert_nothing_ran(page)


# A link a student could share in the class chat: in the teacher's browser, without the sandbox, it
# read /log, took the CSRF token and cleared the class's log.
CLEAR_THE_LOG = (
    "<script>fetch('/log').then(r => r.text()).then(t => fetch('/log/clear', {method: 'POST', "
    'headers: {\'X-CSRFToken\': t.match(/csrf-token" content="([^"]+)/)[1]}}))'
    ".then(r => { document.title = 'cleared ' + r.status; })</script><script>alert(document.domain)</script>"
)


def test_a_shared_link_runs_no_script_on_the_pages_origin(
    page: Page, live_server: str, live_app: Flask
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    become_teacher(page, live_app)  # the victim who could clear the log
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-X", "POST", f"{live_server}/userSignUp"], check=True)
    kept = len(page.request.get("/api/exchanges").json())
    page.goto(f"/respond/tuple2?status=200&body={quote(CLEAR_THE_LOG)}")
    expect(page.locator("body")).to_be_visible()
    page.goto("/codes")  # a page of this site loads fully afterwards: any script had its chance
    assert dialogs == []
    assert page.evaluate("document.title") != "cleared 204"
    assert len(page.request.get("/api/exchanges").json()) >= kept


@pytest.mark.parametrize(
    "header",
    [
        "Set-Cookie: planted=1; Max-Age=31536000; Path=/",
        "Location: https://evil.example/",
        "Refresh: 0;url=https://evil.example/",
    ],
)
def test_a_shared_link_plants_no_cookie_and_leads_nowhere_else(
    page: Page, live_server: str, header: str
) -> None:
    leaving: list[str] = []
    page.on(
        "request",
        lambda request: leaving.append(request.url) if "evil" in urlsplit(request.url).netloc else None,
    )
    page.goto(f"/respond/tuple3?status=302&header={quote(header)}")
    expect(page.locator("body")).to_contain_text("refused")
    assert page.url.startswith(live_server)
    assert "planted" not in [cookie["name"] for cookie in page.context.cookies()]
    assert leaving == []


def test_the_builders_answer_says_what_the_playground_added(page: Page, watch: BrowserWatch) -> None:
    page.goto("/builder")
    BuilderForm(page).fill(style="tuple2", status="200", body="<b>hi</b>").send()
    hides = page.get_by_role("region", name="What the browser hides")
    expect(hides).to_contain_text(
        "Content-Security-Policy was not written by the view: it was added by the playground"
    )
