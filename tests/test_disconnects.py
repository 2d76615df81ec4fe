"""Clients that disconnect mid-request or mid-stream leave nothing behind, under `make serve`'s server.

What is left behind is counted where it lives: waitress's busy worker threads and open connections,
and the app's log and stream count, not only the app's own bookkeeping.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from waitress.server import create_server

from playground import create_app

THREADS = 8
DROPPED = THREADS + 4
"""More dropped clients than the server has threads: a thread that is not given back shows."""


@pytest.fixture
def served() -> Iterator[tuple[object, object, int]]:
    # Only threads limit the streams here: the cap per client address is for another test.
    app = create_app({"SECRET_KEY": "t", "STREAM_KEEPALIVE_SECONDS": 0.1, "STREAM_LIMIT_PER_CLIENT": 100})
    server = create_server(app, host="127.0.0.1", port=0, threads=THREADS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, server, server.effective_port
    server.close()
    thread.join(10)


def busy_threads(server) -> int:
    """Waitress's worker threads running a request now (an idle one waits for the next)."""
    return server.task_dispatcher.active_count


def open_connections(server) -> int:
    return len(server.active_channels)


def streams_open(app) -> int:
    return app.extensions["open_streams"].open


def settles(condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Whether the condition holds within the time given (a server notices a dropped client late)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def mid_request(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"POST /userDetails HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nusername=sam&")


def mid_stream(port: int) -> None:
    """Open the live log's stream, read its first bytes, and leave."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        # A stream that never starts means every thread is held by an earlier one: fail, don't hang.
        assert s.recv(100).startswith(b"HTTP/1.1 200"), "the stream did not start"


def answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return s.recv(100).startswith(b"HTTP/1.1 200")


def test_a_dropped_stream_frees_its_thread(served) -> None:
    app, server, port = served
    for _ in range(DROPPED):
        mid_stream(port)  # each would wait for a thread if the ones before still held theirs
    assert settles(lambda: busy_threads(server) == 0), f"{busy_threads(server)} threads still busy"
    assert streams_open(app) == 0
    assert settles(lambda: open_connections(server) == 0), "connections left open"
    assert answers(port)


def test_a_request_dropped_mid_body_leaves_nothing(served) -> None:
    app, server, port = served
    recorded = app.test_client().get("/api/health").json["exchanges_recorded"]
    for _ in range(DROPPED):
        mid_request(port)
    assert settles(lambda: open_connections(server) == 0), "connections left open"
    assert busy_threads(server) == 0
    # The body never came whole: no view ran on a part of it (as one would under a server that
    # hands the app what came before the client left), and the log has nothing of it.
    assert app.test_client().get("/api/health").json["exchanges_recorded"] == recorded
    assert answers(port)
