"""Hosted for a school: `gunicorn -w 4` from the repository root, one shared log on Redis.

Each worker is its own process; nothing but Redis joins them. Every request here goes on a fresh
connection (a browser context of its own, or a socket of its own), so it lands on whichever worker
takes it, as a class's requests do.
"""

import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.redis_server import RedisServer

from .conftest import BrowserWatch, wait_until
from .deployment import Deployment
from .pages import HomePage
from .teacher_actions import clear_and_reset_reach_a_student

TUTORIAL_ANSWER = (201, b"Success")


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(Path(tmp_path_factory.mktemp("deployment-redis")), persistent=True).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployment(redis: RedisServer) -> Iterator[Deployment]:
    running = Deployment(redis).start()
    yield running
    running.stop()


def send_details(deployment: Deployment, tag: str, timeout: float = 30) -> tuple[int, bytes]:
    status, _, body = deployment.request(
        "POST", "/userDetails", "firstname=ada&lastname=king", {"X-Playground-Tag": tag}, timeout
    )
    return status, body


def tags_in(exchanges: list[dict]) -> set[str]:
    return {
        value
        for e in exchanges
        for name, value in e["request"]["headers"]
        if name.lower() == "x-playground-tag"
    }


def everything_logged(deployment: Deployment) -> list[dict]:
    """The whole log, page by page, as /api/exchanges?after= gives it."""
    found: list[dict] = []
    while page := deployment.json(f"/api/exchanges?after={found[-1]['id'] if found else 0}"):
        found += page  # type: ignore[arg-type]
    return found


@pytest.fixture
def new_page(browser: Browser, deployment: Deployment) -> Iterator[tuple[Page, BrowserWatch]]:
    """A browser of its own (its own connections, so its own workers), watched as every e2e page is."""
    context = browser.new_context(base_url=deployment.url, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = BrowserWatch(deployment.url)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.on("request", watch.on_request)
    yield page, watch
    context.close()
    assert watch.console_errors == [] and watch.page_errors == [] and watch.foreign_requests == []


def test_every_send_from_the_home_page_is_explained_and_compared(
    new_page: tuple[Page, BrowserWatch], deployment: Deployment
) -> None:
    page, _ = new_page
    page.goto("/")
    home = HomePage(page)
    server_record = home.hidden.locator("[data-part=server]")
    for turn in range(8):
        if turn % 2:
            home.sign_up.fill(username=f"sam{turn}", password="pw").send()
            expect(home.explanation.get_by_role("mark")).to_contain_text('"Access-Control-Allow-Origin": "*"')
            expect(server_record).to_contain_text("Access-Control-Allow-Origin: *")
        else:
            home.user_details.fill(username="sam", firstname="john", lastname=f"king{turn}").send()
            expect(home.explanation.get_by_role("mark")).to_contain_text('return "Success", 201')
            expect(server_record).to_contain_text("201 CREATED")
        expect(server_record).to_be_visible()
        expect(home.explanation).not_to_contain_text("could not be read")
    # Eight sends, on keep-alive connections a browser spreads as it likes, and each one found.
    assert len(everything_logged(deployment)) >= 8


def test_every_worker_lists_every_exchange(deployment: Deployment, browser: Browser) -> None:
    run = uuid.uuid4().hex[:8]
    sent = {f"{run}-{n}" for n in range(30)}
    for tag in sorted(sent):
        assert send_details(deployment, tag) == TUTORIAL_ANSWER
    answered_by: set[int] = set()
    for _ in range(24):
        assert sent <= tags_in(everything_logged(deployment))
        answered_by.add(deployment.json("/api/health")["pid"])  # type: ignore[index]
    assert len(answered_by) > 1, "every read landed on one worker: the test proves nothing"
    # The live log page, opened by fresh browsers (fresh connections, other workers), shows every
    # exchange the API lists (fewer than the hundred a fresh live log starts with).
    logged = everything_logged(deployment)
    assert len(sent) < len(logged) < 100
    for _ in range(3):
        context = browser.new_context(base_url=deployment.url)
        page = context.new_page()
        page.goto("/log")
        expect(page.get_by_role("log").get_by_role("listitem")).to_have_count(len(logged))
        context.close()


def test_the_teachers_token_works_on_every_worker(deployment: Deployment, browser: Browser) -> None:
    key = _teacher_key(deployment)
    context = browser.new_context(base_url=deployment.url)
    page = context.new_page()
    page.goto(f"/teacher/{key}")
    expect(page.get_by_role("button", name="Reset the predictions")).to_be_visible()
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    answers = [
        deployment.request("POST", "/log/clear", headers={"X-CSRFToken": token or "", "Cookie": cookies})[0]
        for _ in range(8)
    ]
    assert answers == [204] * 8
    context.close()


def test_clear_and_reset_reach_a_student_on_another_worker(deployment: Deployment, browser: Browser) -> None:
    # The teacher's POSTs and the student's stream land on whichever workers take them: the Clear
    # and the reset reach the student through the marker each worker's tail reads from Redis.
    clear_and_reset_reach_a_student(browser, deployment.url, _teacher_key(deployment))


def _teacher_key(deployment: Deployment) -> str:
    import redis as redis_client

    from playground.stores.redis_store import key_prefix

    client = redis_client.Redis.from_url(deployment.redis.url)
    try:
        return client.get(f"{key_prefix('playground:')}teacher").decode()
    finally:
        client.close()


def test_a_hundred_open_live_logs_leave_the_endpoints_answering(deployment: Deployment) -> None:
    streams = []
    try:
        for n in range(100):
            # A hundred browsers: each from an address of its own (all of 127/8 is this machine).
            stream = socket.socket()
            stream.bind((f"127.0.1.{n + 1}", 0))
            stream.settimeout(30)
            stream.connect(("127.0.0.1", deployment.port))
            stream.sendall(b"GET /api/stream HTTP/1.1\r\nHost: class\r\nAccept: text/event-stream\r\n\r\n")
            streams.append(stream)
        heads = [stream.recv(4096) for stream in streams]
        refused = [head[:40] for head in heads if not head.startswith(b"HTTP/1.1 200")]
        assert refused == [], "every live log is open"
        for n in range(20):
            # Within a second, as the tutorial's curl gets it from its bare app.
            assert send_details(deployment, f"streams-{n}", timeout=1) == TUTORIAL_ANSWER
        # And the open streams carry those exchanges.
        assert b"streams-19" in _read_until(streams[0], b"streams-19")
    finally:
        for stream in streams:
            stream.close()


def _read_until(stream: socket.socket, needle: bytes) -> bytes:
    seen = b""
    while needle not in seen:
        chunk = stream.recv(65536)
        if not chunk:
            break
        seen += chunk
    return seen


def test_the_log_survives_a_restart_of_every_worker(deployment: Deployment) -> None:
    run = uuid.uuid4().hex[:8]
    sent = {f"{run}-{n}" for n in range(12)}
    for tag in sorted(sent):
        assert send_details(deployment, tag) == TUTORIAL_ANSWER
    before = deployment.worker_pids()
    after = deployment.restart_every_worker()
    assert not before & after
    for _ in range(8):
        assert sent <= tags_in(everything_logged(deployment))
    assert send_details(deployment, f"{run}-after") == TUTORIAL_ANSWER
    assert f"{run}-after" in tags_in(everything_logged(deployment))


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_redis_going_away_mid_class_loses_no_endpoint_answer(outage: str, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path, persistent=True).start()
    deployment = Deployment(redis).start()
    try:
        answers: list[tuple[int, bytes]] = []
        run = uuid.uuid4().hex[:8]

        def send(count: int) -> None:
            for n in range(count):
                answers.append(send_details(deployment, f"{run}-{len(answers)}-{n}"))

        send(40)
        if outage == "stopped":
            redis.stop()
        else:
            assert redis.process is not None
            redis.process.send_signal(19)  # SIGSTOP: Redis hangs, as a slow or overloaded one does
        class_goes_on = threading.Thread(target=send, args=(80,))
        class_goes_on.start()
        # Meanwhile the pages say the log is unavailable, in one sentence, and go on.
        wait_until(lambda: deployment.request("GET", "/api/exchanges")[0] == 503, "the API says unavailable")
        status, _, body = deployment.request("GET", "/api/exchanges")
        assert status == 503 and b"The shared log is unavailable" in body
        status, _, html = deployment.request("GET", "/log")
        assert status == 200 and b"The shared log is unavailable" in html
        class_goes_on.join()
        if outage == "stopped":
            redis.start()
        else:
            redis.process.send_signal(18)  # SIGCONT
        send(40)
        # Not one answer lost or changed while Redis was away.
        assert answers == [TUTORIAL_ANSWER] * 160
        # Recording resumed, and what was sent while Redis was away was kept and written after.
        wait_until(lambda: len(_tags_or_none(deployment)) == 160, "all 160 exchanges in the shared log")
    finally:
        deployment.stop()
        redis.stop()


def _tags_or_none(deployment: Deployment) -> set[str]:
    try:
        return tags_in(everything_logged(deployment))
    except AssertionError:
        return set()
