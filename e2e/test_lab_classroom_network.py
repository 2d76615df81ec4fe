"""The code lab on a classroom's network: plain http:// to the teacher's laptop by its address, which
no browser counts as a secure context, so the lab's sandbox is not cross-origin isolated (no
SharedArrayBuffer, so its worker cannot block between requests). There each Python serves one run
and is retired the moment its answer arrives; the next Send goes to a fresh one. These tests open the
lab as a student would (Chromium resolves a made-up name, classroom.test, to the live server, as in
e2e/test_classroom_network.py) and check that the lab works and that a run still ends with its
answer. docs/SECURITY.md, "The code lab", lists them beside the guarantees."""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserType, Page, expect

from playground.lab.listings import listing_code

HOST = "classroom.test"
LOADING = 60_000  # a first visit on plain http: Python starts fresh and makes its snapshot
TUTORIAL = listing_code("tuple")


def returning(value: str, *, imports: str = "", before: str = "") -> str:
    """The tutorial's first listing, user_details() replaced by one that runs `before` and returns
    `value` (Python source) with 201."""
    code = TUTORIAL.replace("from flask import", f"{imports}\nfrom flask import", 1)
    start = code.index("def user_details():")
    end = code.index("\n\n", start)
    body = "\n".join(f"    {line}" for line in [*before.strip().splitlines(), f"return {value}, 201"])
    return f"{code[:start]}def user_details():\n{body}{code[end:]}"


@pytest.fixture(scope="module")
def lan_lab(browser_type_launch_args: dict, browser_type: BrowserType, live_server: str) -> Iterator[Page]:
    """One student's lab over plain http, Python ready, shared by this module's tests (each start of
    the lab costs seconds)."""
    options = browser_type_launch_args  # the suite's, found before Playwright started
    args = [*options.get("args", []), f"--host-resolver-rules=MAP {HOST} 127.0.0.1"]
    browser = browser_type.launch(**{**options, "args": args})
    context = browser.new_context(base_url=f"http://{HOST}:{urlsplit(live_server).port}")
    page = context.new_page()
    page.goto("/lab")
    # What makes these tests mean something: the page is not a secure context, and is not isolated.
    assert page.evaluate("() => [window.isSecureContext, window.crossOriginIsolated]") == [False, False]
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    yield page
    browser.close()


def send(page: Page, code: str) -> None:
    """Put the code in the editor and send the User details form."""
    page.get_by_role("textbox", name="Code").fill(code)
    form = page.get_by_role("form", name="User details")
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        form.get_by_label(key, exact=True).fill(value)
    form.get_by_role("button", name="Send").click()


def response(page: Page):
    return page.get_by_role("region", name="Response")


def ran_code(page: Page):
    """The sandbox frames whose Python has run the learner's code."""
    return page.locator("iframe[data-lab-sandbox='ran code']")


def own_message(page: Page):
    return page.get_by_role("alert").filter(has_text="message of its own")


def test_the_lab_starts_on_plain_http_and_answers_the_learners_code(lan_lab: Page) -> None:
    layout = lan_lab.locator("[data-lab-config]")
    expect(layout).to_have_attribute("data-sandbox-mode", "one request")
    # No Cache API here: the snapshot is kept in IndexedDB, for the next visit.
    expect(layout).to_have_attribute("data-snapshot", "stored", timeout=LOADING)
    send(lan_lab, TUTORIAL.replace('return "Success", 201', 'return "Success", 202'))
    expect(response(lan_lab)).to_contain_text("202 ACCEPTED", ignore_case=True)
    expect(lan_lab.get_by_role("region", name="Why this status")).to_contain_text('return "Success", 202')


def test_each_send_runs_in_a_python_of_its_own_which_goes_with_its_answer(lan_lab: Page) -> None:
    counting = returning(
        'f"send number {builtins.sends}"',
        imports="import builtins",
        before="builtins.sends = getattr(builtins, 'sends', 0) + 1",
    )
    send(lan_lab, counting)
    expect(response(lan_lab)).to_contain_text("send number 1")
    # The Python that ran it is gone, frame and worker, as soon as it answered.
    expect(ran_code(lan_lab)).to_have_count(0)
    send(lan_lab, counting.replace("send number", "then send number"))
    expect(response(lan_lab)).to_contain_text("then send number 1")
    expect(ran_code(lan_lab)).to_have_count(0)
    # The same code again: still a fresh Python, never the one it ran in.
    answers = lan_lab.evaluate("performance.getEntriesByName('lab:send-to-answer').length")
    lan_lab.get_by_role("form", name="User details").get_by_role("button", name="Send").click()
    lan_lab.wait_for_function(
        "n => performance.getEntriesByName('lab:send-to-answer').length > n", arg=answers
    )
    expect(ran_code(lan_lab)).to_have_count(0)
    expect(response(lan_lab)).to_contain_text("then send number 1")
    # A later Python started from the snapshot the first one made, kept in this page.
    expect(lan_lab.locator("[data-lab-config]")).to_have_attribute("data-python-start", "snapshot")


LEFTOVER = """
def tick():
    js.postMessage("the leftover ran")
js.setInterval(create_proxy(tick), 1)
js.setTimeout(create_proxy(tick), 0)
"""


def test_what_a_run_leaves_behind_never_runs_after_its_answer(lan_lab: Page) -> None:
    send(
        lan_lab,
        returning(
            '"left an interval behind"',
            imports="import js\nfrom pyodide.ffi import create_proxy",
            before=LEFTOVER,
        ),
    )
    expect(response(lan_lab)).to_contain_text("left an interval behind")
    # Its Python went with its answer: the interval (every millisecond, each tick a message the page
    # never asked for, which would retire that Python with a sentence) never ran.
    expect(ran_code(lan_lab)).to_have_count(0)
    expect(own_message(lan_lab)).to_be_hidden()
    send(lan_lab, returning('"the next answer"'))
    expect(response(lan_lab)).to_contain_text("the next answer")
    expect(own_message(lan_lab)).to_be_hidden()
    expect(lan_lab.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)


def test_a_message_the_code_posts_itself_retires_its_python(lan_lab: Page) -> None:
    forged = 'js.postMessage(to_js({"type": "answer", "id": 1, "result": {"kind": "answer"}}))'
    send(lan_lab, returning('"forged"', imports="import js\nfrom pyodide.ffi import to_js", before=forged))
    expect(own_message(lan_lab)).to_be_visible()
    expect(response(lan_lab)).not_to_contain_text("forged")
    expect(ran_code(lan_lab)).to_have_count(0)
    send(lan_lab, returning('"answered again"'))
    expect(response(lan_lab)).to_contain_text("answered again", timeout=LOADING)


def test_an_endless_loop_is_stopped_at_5_s_and_the_lab_is_ready_again(lan_lab: Page) -> None:
    send(lan_lab, returning('"never"', before="while True:\n    pass"))
    expect(lan_lab.get_by_role("alert").filter(has_text="Stopped after 5 s")).to_be_visible(timeout=20_000)
    waited = lan_lab.evaluate(
        "performance.getEntriesByName('lab:stopped').at(-1).startTime"
        " - performance.getEntriesByName('lab:send').at(-1).startTime"
    )
    assert 5_000 <= waited < 10_000, waited
    expect(ran_code(lan_lab)).to_have_count(0)
    expect(lan_lab.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    send(lan_lab, returning('"after the loop"'))
    expect(response(lan_lab)).to_contain_text("after the loop")


def test_sends_faster_than_a_python_starts_each_wait_for_one_and_answer(lan_lab: Page) -> None:
    expect(lan_lab.locator("[data-lab-config]")).to_have_attribute("data-spare", "ready", timeout=LOADING)
    lan_lab.evaluate(
        """() => {
          window.statuses = [];
          const status = document.querySelector("[data-lab-status]");
          const watch = { childList: true, subtree: true, characterData: true };
          new MutationObserver(() => statuses.push(status.textContent)).observe(status, watch);
        }"""
    )
    busy = "started = time.time()\nwhile time.time() - started < 1:\n    pass"
    lan_lab.get_by_role("textbox", name="Code").fill(
        returning('"each answered"', imports="import time", before=busy)
    )
    send_button = lan_lab.get_by_role("form", name="User details").get_by_role("button", name="Send")
    for _ in range(4):  # the ready Python, the ready spare, then two Sends while the next one starts
        send_button.click()
    # The newest Send's answer is the one shown (the earlier ones' would stand beside its request).
    expect(response(lan_lab)).to_contain_text("each answered", timeout=LOADING)
    expect(lan_lab.get_by_role("alert")).to_have_count(0)
    assert "Starting a fresh Python for your code…" in lan_lab.evaluate("statuses")


def ready(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)


def test_a_later_visit_on_plain_http_starts_from_the_kept_snapshot(lan_lab: Page) -> None:
    expect(lan_lab.locator("[data-lab-config]")).to_have_attribute("data-snapshot", "stored", timeout=LOADING)
    later = lan_lab.context.new_page()
    try:
        later.goto("/lab")
        ready(later)
        expect(later.locator("[data-lab-config]")).to_have_attribute("data-python-start", "snapshot")
        send(later, TUTORIAL.replace('return "Success", 201', 'return "Success", 202'))
        expect(response(later)).to_contain_text("202 ACCEPTED", ignore_case=True)
    finally:
        later.close()


DAMAGE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const opened = indexedDB.open("lab-python-snapshots", 1);
    opened.onsuccess = () => resolve(opened.result);
    opened.onerror = () => reject(opened.error);
  });
  const store = () => db.transaction("snapshots", "readwrite").objectStore("snapshots");
  const ask = (request) => new Promise((resolve) => { request.onsuccess = () => resolve(request.result); });
  const [key] = await ask(store().getAllKeys());
  const kept = await ask(store().get(key));
  const bytes = new Uint8Array(kept.bytes);
  const middle = bytes.length >> 1;
  for (let i = middle; i < middle + 4096; i++) bytes[i] ^= 0xff;  // 4 KB flipped, the checksum kept
  await ask(store().put({ ...kept, bytes: bytes.buffer }, key));
  db.close();
}"""


def test_a_damaged_snapshot_on_plain_http_is_set_aside_for_a_fresh_start(lan_lab: Page) -> None:
    expect(lan_lab.locator("[data-lab-config]")).to_have_attribute("data-snapshot", "stored", timeout=LOADING)
    lan_lab.evaluate(DAMAGE)
    later = lan_lab.context.new_page()
    try:
        later.goto("/lab")
        ready(later)
        layout = later.locator("[data-lab-config]")
        expect(layout).to_have_attribute("data-python-start", re.compile(r"^fresh: .*checksum"))
        send(later, TUTORIAL.replace('return "Success", 201', 'return "Success", 202'))
        expect(response(later)).to_contain_text("202 ACCEPTED", ignore_case=True)
        # The fresh start keeps a sound snapshot in its place.
        expect(layout).to_have_attribute("data-snapshot", "stored", timeout=LOADING)
    finally:
        later.close()
