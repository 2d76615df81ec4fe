"""Clients that disconnect mid-request or mid-stream leave nothing behind, under `make serve`'s server."""

import gc
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from waitress.server import create_server

from playground import create_app


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[object, int]]:
    app = create_app({"SECRET_KEY": "t", "STREAM_KEEPALIVE_SECONDS": 0.1})
    server = create_server(app, host="127.0.0.1", port=0, threads=16)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, server.effective_port
    server.close()


def mid_request(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /userDetails HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nusername=sam&")


def mid_stream(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(100)


def streams_open(app) -> int:
    return app.extensions["open_streams"].open


def a_round(app, port: int, count: int = 40) -> None:
    for _ in range(count):
        mid_request(port)
        mid_stream(port)
    deadline = time.monotonic() + 10
    while streams_open(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    gc.collect()


def test_a_dropped_stream_frees_its_thread(served) -> None:
    app, port = served
    a_round(app, port, count=20)
    assert streams_open(app) == 0
