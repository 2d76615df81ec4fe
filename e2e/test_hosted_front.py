"""`make host`'s front, for real: Debian's nginx with deploy/nginx.conf, in front of `gunicorn -w 4`
(FLASK_PROXY_HOPS=1) on a real redis-server started with deploy/redis.conf.

Each laptop is an address of its own on loopback (all of 127/8 is this machine). The tests start
nginx themselves (make test installs it, as it installs redis-server) and stop it at the end.
"""

import contextlib
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.nginx_front import MISSING, Front, nginx_binary
from tests.support.redis_server import RedisServer, free_port

from .conftest import wait_until
from .deployment import ROOT, Deployment

REQUEST = (
    "POST /userDetails HTTP/1.1\r\nHost: school\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "Content-Length: 27\r\n{extra}Connection: close\r\n\r\nfirstname=ada&lastname=king"
)


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    directory = Path(tmp_path_factory.mktemp("front-redis"))
    server = RedisServer(directory, config=ROOT / "deploy" / "redis.conf").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def front(redis: RedisServer) -> Iterator[Front]:
    if nginx_binary() is None:
        pytest.fail(MISSING, pytrace=False)
    deployment = Deployment(redis, settings={"FLASK_PROXY_HOPS": "1"}).start()
    nginx = Front(f"127.0.0.1:{free_port()}", f"127.0.0.1:{deployment.port}").start()
    yield nginx
    nginx.stop()
    deployment.stop()


def send(port: int, source: str, extra: str = "", timeout: float = 30) -> bytes:
    """One POST /userDetails from `source`, on a connection of its own; the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as sock:
        sock.sendall(REQUEST.format(extra=extra).encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def get(port: int, source: str, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0)) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: school\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_the_app_sees_each_learners_own_address_and_no_forged_one(front: Front) -> None:
    tag = uuid.uuid4().hex[:10]
    forged = (
        f"X-Forwarded-For: 10.9.9.9\r\nX-Forwarded-Host: elsewhere.example\r\nX-Playground-Tag: {tag}\r\n"
    )
    assert send(front.port, "127.0.0.5", forged).startswith(b"HTTP/1.1 201")
    # The learner sees their own exchange whole (client included): as the app counts them.
    [exchange] = json.loads(
        get(front.port, "127.0.0.5", f"/api/exchanges?tag={tag}").split(b"\r\n\r\n", 1)[1]
    )
    assert exchange["client"] == "127.0.0.5"
    # The Host the app used is the one the learner sent, not the forged X-Forwarded-Host.
    assert dict(exchange["request"]["headers"])["Host"] == "school"


def test_the_live_log_streams_through_nginx_as_each_exchange_happens(front: Front) -> None:
    tag = uuid.uuid4().hex[:10]
    with socket.create_connection(
        ("127.0.0.1", front.port), timeout=10, source_address=("127.0.0.6", 0)
    ) as s:
        s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: school\r\nAccept: text/event-stream\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
        send(front.port, "127.0.0.6", f"X-Playground-Tag: {tag}\r\n")
        # The event arrives while the stream stays open: nginx passes it on at once, unbuffered
        # (buffered, it would wait for kilobytes more or the stream's end, and the read time out).
        seen = b""
        while tag.encode() not in seen:
            chunk = s.recv(65536)
            assert chunk, "the stream ended before the exchange arrived"
            seen += chunk


def test_one_address_over_its_request_rate_gets_429_and_others_do_not(front: Front) -> None:
    answers = [get(front.port, "127.0.0.7", "/api/health") for _ in range(160)]
    refused = [a for a in answers if a.startswith(b"HTTP/1.1 429")]
    assert refused, "160 requests at once from one address, and none refused"
    assert b"Retry-After: 1" in refused[0] and b"Too many requests from this address" in refused[0]
    assert send(front.port, "127.0.0.8").startswith(b"HTTP/1.1 201")


def trickle(sockets: list[socket.socket], stop: threading.Event, closed: list[int]) -> None:
    """One more byte of headers to each open socket every half second; never the end of them."""
    head = b"GET / HTTP/1.1\r\nHost: school\r\nX-Slow: " + b"a" * 100_000
    position = 0
    open_sockets = list(sockets)
    while not stop.is_set() and open_sockets:
        still_open = []
        for sock in open_sockets:
            try:
                sock.send(head[position : position + 1])
                still_open.append(sock)
            except OSError:
                closed[0] += 1
        open_sockets = still_open
        position += 1
        stop.wait(0.5)


STORM = 1600
"""Slow connections from one address: as many as took a hosted class down before nginx was in front."""


def test_one_addresss_slow_connections_leave_every_other_address_answered(front: Front) -> None:
    slow: list[socket.socket] = []
    stop = threading.Event()
    closed = [0]
    trickler = threading.Thread(target=trickle, args=(slow, stop, closed))
    try:
        for _ in range(STORM):
            sock = socket.socket()
            sock.bind(("127.0.0.2", 0))
            sock.settimeout(5)
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", front.port))
            slow.append(sock)
        trickler.start()
        # For about ten seconds (as long as nginx gives headers), another laptop sends: each of its
        # requests is answered within a second (the socket's timeout).
        for n in range(40):
            answer = send(front.port, "127.0.0.3", f"X-Playground-Tag: storm-{n}\r\n", timeout=1)
            assert answer.startswith(b"HTTP/1.1 201"), answer[:100]
            stop.wait(0.25)
        # The storm's address kept no more than its share (32): the rest were closed at once.
        assert closed[0] >= STORM - 32, f"one address held {STORM - closed[0]} connections"
        # And nginx closes those too, 10 s after their first byte, however slowly they trickle.
        wait_until(lambda: closed[0] == STORM, "every slow connection closed by nginx")
    finally:
        stop.set()
        if trickler.is_alive():
            trickler.join()
        for sock in slow:
            sock.close()
