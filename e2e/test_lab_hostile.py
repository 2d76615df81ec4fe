"""The code lab runs a stranger's code safely, in Chromium: each attack a hostile student tried with a
shared lab link, replayed through the real page, as the teacher (the strongest cookie there is).

The code runs in a worker of an opaque-origin sandbox frame (static/js/workers/lab-sandbox.js): it cannot
send a request carrying the teacher's session, cannot read a page or the API, cannot put anything
but text into the page, leaves nothing running after its answer, and a link cannot inflate past
the lab's limit. docs/SECURITY.md, "The code lab", lists these tests beside the guarantees."""

import re
import urllib.request
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from playground.lab import MAX_LINK_CODE_BYTES

from .conftest import become_teacher
from .lab_code import TUTORIAL, link_for, run, with_view

LOADING = 60_000
STUDENT_AGENT = "Period3-Laptop-17 (student's browser)"


LEFTOVERS = """keep = []


def tick():
    js.postMessage("the leftover ran")


def forever():
    tick()
    asyncio.get_event_loop().call_soon(forever)


"""


@pytest.fixture(scope="module")
def teacher_lab(browser: Browser, live_server: str, live_app: Flask) -> Iterator[Page]:
    """One teacher's browser with the lab open and Python ready, shared by this module's tests."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    become_teacher(page, live_app)
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    yield page
    context.close()


def ready_again(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)


def test_a_students_code_run_by_the_teacher_reads_nothing_and_changes_nothing(
    teacher_lab: Page, live_server: str, live_app: Flask, server_requests: list
) -> None:
    student = urllib.request.Request(
        f"{live_server}/userDetails",
        data=b"username=kim&firstname=Kim&lastname=Lee",
        headers={"User-Agent": STUDENT_AGENT},
    )
    urllib.request.urlopen(student).read()
    recorded = live_app.extensions["store"].log.newest(1)[-1]
    server_requests.clear()  # from here on, only what the teacher's browser sends
    # What the hostile student tried: synchronous XHR from the worker, with credentials, to read the
    # teacher's /log (for its CSRF token) and the API (every student's address and browser), to clear
    # the log and reset the predictions, and to post what it read where every student can see it.
    attack = with_view(
        f'''
results = []
for method, path in [("GET", "/log"), ("GET", "/api/exchanges"), ("POST", "/log/clear"),
                     ("POST", "/api/predictions/reset"), ("POST", "/userDetails"), ("GET", "/teacher/x")]:
    try:
        xhr = js.XMLHttpRequest.new()
        xhr.open(method, "{live_server}" + path, False)
        xhr.withCredentials = True
        xhr.send()
        results.append(f"READ {{path}} {{xhr.status}} {{xhr.responseText[:3000]}}")
    except Exception as error:
        results.append(f"blocked {{path}}")
try:
    js.fetch("{live_server}/log/clear", js.JSON.parse('{{"method": "POST", "credentials": "include"}}'))
except Exception:
    results.append("blocked fetch")
return "\\n".join(results), 201
''',
        imports="import js",
    )
    teacher_lab.goto(link_for(attack))
    expect(teacher_lab.get_by_role("note").filter(has_text="This code came from a link")).to_be_visible()
    ready_again(teacher_lab)
    run(teacher_lab, attack, expected="blocked /teacher/x")
    body = teacher_lab.get_by_role("region", name="Response").inner_text()
    assert "READ" not in body
    assert body.count("blocked") >= 6
    assert STUDENT_AGENT not in body
    # Nothing reached a page, the API or an endpoint: only the lab's own files, and none with a cookie
    # from the sandbox (the fetch() above, if it had gone out, would have been a POST to /log/clear).
    # (The page itself may ask the server meanwhile: whether the teacher set a challenge.)
    attacked = {
        "/log",
        "/api/exchanges",
        "/log/clear",
        "/api/predictions/reset",
        "/userDetails",
        "/teacher/x",
    }
    assert [(method, path) for method, path, _, _ in server_requests if path in attacked] == []
    assert [
        (method, path)
        for method, path, _, origin in server_requests
        # the sandbox frame asks for nothing: its script is inlined, every file came from the page
        if origin == "null"
    ] == []
    assert not any(method == "POST" for method, _, _, _ in server_requests)
    # The class's log still holds the student's exchange.
    assert live_app.extensions["store"].log.get(recorded.id) is not None


def test_messages_the_code_posts_itself_never_reach_the_page(teacher_lab: Page) -> None:
    ready_again(teacher_lab)
    cookies_before = sorted(cookie["name"] for cookie in teacher_lab.context.cookies())
    payload = (
        '<img src=x id=pwned><meta http-equiv=refresh content="0;url=https://example.com">'
        "<link rel=stylesheet href=/respond/tuple3?header=Content-Type:text/css>"
        "<iframe srcdoc=\"<script>document.cookie='planted=1; max-age=31536000'</script>\"></iframe>"
    )
    forged = with_view(
        f"""
js.postMessage(js.JSON.parse('{{"type": "ready"}}'))
forged = '{{"type": "answer", "id": 1, "result": {{"kind": "answer", "body": "forged"}}}}'
js.postMessage(js.JSON.parse(forged))
return {payload!r}, 201
""",
        imports="import js",
    )
    run(teacher_lab, forged, expected="sent this page a message of its own")
    expect(teacher_lab.locator("#pwned")).to_have_count(0)
    expect(teacher_lab.get_by_role("region", name="Response")).not_to_contain_text("forged")
    # A fresh Python answers at once; an answer's HTML is text on the page.
    ready_again(teacher_lab)
    run(teacher_lab, with_view(f"return {payload!r}, 201"), expected="<img src=x id=pwned>")
    expect(teacher_lab.locator("#pwned")).to_have_count(0)
    expect(teacher_lab.locator("meta[http-equiv], link[href^='/respond'], iframe[srcdoc]")).to_have_count(0)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/lab.*", teacher_lab.url)
    assert sorted(cookie["name"] for cookie in teacher_lab.context.cookies()) == cookies_before


def test_code_that_rewrites_the_highlighter_and_the_runtime_puts_only_text_in_the_page(
    teacher_lab: Page,
) -> None:
    ready_again(teacher_lab)
    # One run rewrites what answers it (the explainer, the status line) and what would colour the
    # next edit (the highlighter).
    rewrite = with_view(
        """
runtime = sys.modules["playground.lab.runtime"]
runtime.highlight_tokens = lambda code: [["k", "<b id=pwned-token>x</b>"]]
rule = {"id": "x", "rule": "<img id=pwned-rule src=x>", "strength": "MUST", "rfc": "9110",
        "section": "1#x", "url": "javascript:alert(1)", "quote": "<b id=pwned-quote>q</b>", "detail": ""}
runtime.explain = lambda app, exchange: {"summary": "<img id=pwned-summary src=x>", "status_class": "<b>",
                                         "rules": {"broken": [rule], "advice": [], "notes": []}}
return "rewritten", "200 <i id=pwned-status>OK</i>"
""",
        imports="import sys",
    )
    run(teacher_lab, rewrite, expected="<i id=pwned-status>OK</i>")
    expect(teacher_lab.get_by_role("region", name="Why this status")).to_contain_text("<img id=pwned-summary")
    # An edit asks for colours again: only a Python that ran no code of the learner's is asked.
    expect(teacher_lab.locator("[data-lab-config]")).to_have_attribute("data-spare", "ready", timeout=LOADING)
    teacher_lab.get_by_role("textbox", name="Code").press("End")
    teacher_lab.keyboard.type(" ")
    expect(teacher_lab.locator("[data-highlight]")).to_have_attribute("data-highlighted", "coloured")
    # A rule's fields are text, and its link is built from checked parts, never from the data's URL.
    expect(teacher_lab.get_by_role("list", name="HTTP rules")).to_contain_text("<img id=pwned-rule src=x>")
    expect(teacher_lab.locator("a[href^='javascript'], a[href*='1#x']")).to_have_count(0)
    for marker in ("pwned-token", "pwned-status", "pwned-summary", "pwned-rule", "pwned-quote"):
        expect(teacher_lab.locator(f"#{marker}")).to_have_count(0)
    # Another file runs in a fresh Python: nothing the rewrite changed stays.
    run(teacher_lab, TUTORIAL, expected="201")
    expect(teacher_lab.get_by_role("region", name="Why this status")).not_to_contain_text("pwned")


@pytest.mark.parametrize(
    "leftover",
    [
        "js.setInterval(create_proxy(tick), 1)",  # a timer
        "js.setInterval(create_proxy(lambda: (keep.append(bytearray(10_000_000)), tick())), 1)",  # a grower
        "js.setInterval(create_proxy(lambda: [tick() for _ in range(100)]), 0)",  # a flood of messages
        "asyncio.get_event_loop().call_soon(forever)",  # Python's own event loop
        "js.Promise.resolve(0).then(create_proxy(lambda _: tick()))",  # a promise
    ],
    ids=["interval", "memory-grower", "message-flood", "asyncio", "promise"],
)
def test_what_a_run_leaves_behind_never_runs(teacher_lab: Page, leftover: str) -> None:
    ready_again(teacher_lab)
    code = with_view(
        f"{leftover}\nreturn 'left something behind', 201",
        imports="import asyncio\nimport js\nfrom pyodide.ffi import create_proxy",
        setup=LEFTOVERS,
    )
    run(teacher_lab, code, expected="left something behind")
    # Each leftover posts a message whenever it runs; the page would stop its Python at the first and
    # say so. Half a second is the leftover's chance: a 1 ms interval would run hundreds of times.
    teacher_lab.wait_for_timeout(500)
    expect(teacher_lab.get_by_role("alert").filter(has_text="message of its own")).to_be_hidden()
    expect(teacher_lab.get_by_role("status").filter(has_text="Python is ready")).to_be_visible()


UNSET_CEILING = """
# What a script run in the worker's global scope could reach: every name there, were the lab's own
# names globals (the ceiling, the nonce, the functions that answer the page).
script = "self.ceiling = Infinity; ceiling = Infinity; self.handle = () => ({});"
js.importScripts(js.URL.createObjectURL(js.Blob.new(to_js([script]), to_js({"type": "text/javascript"}))))
"""


@pytest.mark.parametrize("unset", ["", UNSET_CEILING], ids=["plain", "after-resetting-its-globals"])
def test_a_run_past_the_memory_ceiling_is_stopped_with_one_sentence(teacher_lab: Page, unset: str) -> None:
    ready_again(teacher_lab)
    grow = f"{unset}\nkept = [bytearray(100 * 2 ** 20) for _ in range(15)]\nreturn 'kept', 201"
    code = with_view(grow, imports="import js\nfrom pyodide.ffi import to_js")
    run(teacher_lab, code, expected="memory ceiling")
    expect(teacher_lab.get_by_role("alert").filter(has_text="memory ceiling")).to_contain_text("512 MiB")
    ready_again(teacher_lab)
    run(teacher_lab, TUTORIAL, expected="201")


def test_a_link_over_the_limit_is_refused_without_inflating_it(page: Page) -> None:
    bomb = "# " + "x" * 78 + "\n"
    code = bomb * (2 * 1024 * 1024 // len(bomb))  # 2 MB of code, a few KB of link
    link = link_for(code)
    assert len(link) < 16 * 1024
    page.goto(link)
    alert = page.get_by_role("alert").filter(has_text="over")
    expect(alert).to_contain_text(f"over {MAX_LINK_CODE_BYTES // 1024} KB")
    expect(page.get_by_role("textbox", name="Code")).to_have_value(TUTORIAL)
    expect(page.get_by_role("note").filter(has_text="came from a link")).to_be_hidden()


def test_a_link_just_under_the_limit_opens_and_says_where_it_came_from(page: Page) -> None:
    code = TUTORIAL + "#" * (MAX_LINK_CODE_BYTES - len(TUTORIAL) - 2) + "\n"
    page.goto(link_for(code))
    note = page.get_by_role("note").filter(
        has_text="This code came from a link: read it before you press Send"
    )
    expect(note).to_be_visible()
    expect(page.get_by_role("textbox", name="Code")).to_have_value(code)
    page.get_by_role("textbox", name="Code").press("End")
    page.keyboard.type("# read it")
    expect(note).to_be_hidden()


def test_javascript_memory_the_code_keeps_goes_with_its_python(teacher_lab: Page) -> None:
    # Beyond the WebAssembly ceiling's reach: JavaScript buffers the code makes through Pyodide's js
    # module and keeps between sends. A Send runs in a fresh Python once the spare is ready, so what
    # one run kept is gone with the Python it ran in.
    grow = """
keep = sys.modules.setdefault("kept_buffers", [])
for _ in range(2):
    keep.append(js.ArrayBuffer.new(256 * 2 ** 20))
    js.Uint8Array.new(keep[-1]).fill(1)
return f"holding {len(keep) * 256} MiB", 201
"""
    code = with_view(grow, imports="import sys\nimport js")
    for _ in range(3):
        ready_again(teacher_lab)
        expect(teacher_lab.locator("[data-lab-config]")).to_have_attribute(
            "data-spare", "ready", timeout=LOADING
        )
        run(teacher_lab, code, expected="holding")
        expect(teacher_lab.get_by_role("region", name="Response")).to_contain_text("holding 512 MiB")


def test_a_huge_answer_is_cut_before_it_reaches_the_page(teacher_lab: Page) -> None:
    ready_again(teacher_lab)
    run(teacher_lab, with_view('return "T0 " + "x" * 50_000_000, 200'), expected="first 1 MiB of the body")
    expect(teacher_lab.get_by_role("region", name="Response")).to_contain_text("50,000,003 bytes of body")


def test_code_that_rewrote_its_python_does_not_answer_for_the_next_file(teacher_lab: Page) -> None:
    ready_again(teacher_lab)
    rewrite = with_view(
        """
runtime = sys.modules["playground.lab.runtime"]
original = runtime.run
def lie(code, request):
    answer = original(code, request)
    answer["status"], answer["body"] = 418, "LIE"
    answer["explanation"] = {}
    return answer
runtime.run = lie
return "planted", 201
""",
        imports="import sys",
    )
    run(teacher_lab, rewrite, expected="planted")
    # The same file again before a spare is ready runs where it ran: as it left it. An explanation
    # with nothing in it is then shown as no explanation, never an error on the page.
    teacher_lab.get_by_role("form", name="User details").get_by_role("button", name="Send").click()
    expect(teacher_lab.get_by_role("region", name="Response")).not_to_have_attribute("aria-busy", "true")
    # The learner types the tutorial's code back: another file, another (fresh) Python.
    run(teacher_lab, TUTORIAL, expected="201")
    expect(teacher_lab.get_by_role("region", name="Response")).not_to_contain_text("LIE")


def test_code_sent_while_python_starts_never_runs_where_another_files_code_ran(
    browser: Browser, live_server: str
) -> None:
    """A link's code is sent while Python still starts, then the teacher's own: the second file must
    run in a Python of its own, not in the one the link's code has marked."""
    context = browser.new_context(base_url=live_server)  # a first visit: Python takes seconds to start
    try:
        page = context.new_page()
        marking = with_view(
            'return "link ran", 201', imports="import builtins", setup='builtins.MARK = "marked"\n\n\n'
        )
        page.goto(link_for(marking))
        details = page.get_by_role("form", name="User details")
        for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
            details.get_by_label(key, exact=True).fill(value)
        details.get_by_role("button", name="Send").click()
        checking = with_view('return getattr(builtins, "MARK", "clean"), 202', imports="import builtins")
        page.get_by_role("textbox", name="Code").fill(checking)
        status = page.get_by_role("status").filter(has_text="Python").first
        assert "Python is ready" not in (status.text_content() or ""), "Python was ready: nothing raced"
        details.get_by_role("button", name="Send").click()
        response = page.get_by_role("region", name="Response")
        expect(response).to_contain_text("202", timeout=LOADING)
        expect(response).to_contain_text("clean")
        expect(response).not_to_contain_text("marked")
    finally:
        context.close()


def test_the_code_cannot_make_the_server_serve_it_a_script(
    teacher_lab: Page, live_server: str, server_requests: list
) -> None:
    """importScripts of a URL the sandbox's policy once allowed (its own script, any query after it):
    the policy now allows the frame's script by its hash alone, so no request leaves."""
    ready_again(teacher_lab)
    leak = f"{live_server}/lab/sandbox.js?leak=1"
    code = with_view(
        f"""
try:
    js.importScripts("{leak}")
    outcome = "imported"
except Exception:
    outcome = "blocked"
return outcome, 201
""",
        imports="import js",
    )
    run(teacher_lab, code, expected="blocked")
    assert [path for _, path, _, _ in server_requests if path == "/lab/sandbox.js"] == []


def test_an_answer_swollen_with_values_of_its_own_is_refused_in_the_worker(teacher_lab: Page) -> None:
    """The code adds a field of a million values to its own answer (nothing the page reads): it is
    refused whole in the worker, in one sentence, before the page would copy it onto its thread."""
    ready_again(teacher_lab)
    swollen = with_view(
        'return "swollen", 201',
        imports="import playground.lab.runtime as runtime",
        setup=(
            "_real = runtime._answer\n\n\n"
            "def _answer(*args, **kwargs):\n"
            "    answer = _real(*args, **kwargs)\n"
            '    answer["extra"] = [{} for _ in range(1_000_000)]\n'
            "    return answer\n\n\n"
            "runtime._answer = _answer\n\n\n"
        ),
    )
    run(teacher_lab, swollen, expected="too large for the lab to show")
    # The lab goes on: the tutorial's file answers in the next Python.
    run(teacher_lab, TUTORIAL.replace('return "Success", 201', 'return "Success", 202'), expected="202")
