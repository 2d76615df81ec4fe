"""`make run`'s and `make serve`'s servers, driven over real sockets: chunked bodies, oversized headers
and bodies, and one address that opens far more connections than a browser does."""

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from playground import create_app
from playground.servers import waitress_server, werkzeug_server

LIMIT = 1024 * 1024


def serve(kind: str, app: Flask) -> tuple[int, callable]:
    if kind == "werkzeug":
        server = werkzeug_server(app, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        return server.port, server.shutdown
    server = waitress_server(app, "127.0.0.1", 0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server.effective_port, server.close


@pytest.fixture(params=["werkzeug", "waitress"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[int, Flask]]:
    app = create_app({"SECRET_KEY": "t", "CONNECTIONS_PER_CLIENT": 8})
    port, stop = serve(request.param, app)
    yield port, app
    stop()


def exchange(port: int, raw: bytes, source: str = "127.0.0.1") -> bytes:
    """Send raw bytes, read the answer to its end (both servers close after it here)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20, source_address=(source, 0)) as sock:
        # The server may answer and close before taking the whole body: then read its answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        answer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
    return answer


def chunked(body: bytes, size: int = 65536) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def chunked_request(path: str, body: bytes, method: str = "POST") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    return head.encode() + chunked(body)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_a_chunked_body_is_parsed_as_usual(server) -> None:
    port, _ = server
    assert (
        status_of(
            exchange(
                port,
                chunked_request(
                    "/userDetails",
                    b"username=sam&lastname=king",
                ),
            )
        )
        == 201
    )
    assert status_of(exchange(port, chunked_request("/userDetails", b"username=sam&firstname=john"))) == 400


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/userDetails"), ("GET", "/userDetails"), ("GET", "/")]
)
def test_a_chunked_body_over_the_limit_is_a_413(server, method: str, path: str) -> None:
    port, _ = server
    assert status_of(exchange(port, chunked_request(path, b"x" * (LIMIT + 1), method))) == 413


def test_a_chunked_body_at_the_limit_reaches_the_view(server) -> None:
    port, _ = server
    # GET /userDetails never reads the body: at the limit it gets the view's 500, not a 413.
    assert status_of(exchange(port, chunked_request("/userDetails", b"x" * LIMIT, "GET"))) == 500


def test_a_huge_declared_body_is_refused_without_reading_it(server) -> None:
    port, _ = server
    head = b"POST /userSignUp HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\nConnection: close\r\n\r\n"
    assert status_of(exchange(port, head + b"x" * 1000)) == 413


def test_oversized_headers_get_431_and_the_server_goes_on(server) -> None:
    port, _ = server
    flood = "".join(f"X-Flood-{i}: {'v' * 8000}\r\n" for i in range(6))
    answer = exchange(
        port, f"GET /userSignUp HTTP/1.1\r\nHost: x\r\n{flood}Connection: close\r\n\r\n".encode()
    )
    assert status_of(answer) == 431
    ok = exchange(
        port, b"POST /userSignUp HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    assert status_of(ok) == 200


def test_one_address_cannot_hold_more_connections_than_its_share(server) -> None:
    port, _ = server
    idle = [socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0)) for _ in range(30)]
    try:
        # Beyond its 8, each of that address's connections is closed by the server at once.
        closed = 0
        for sock in idle[8:]:
            sock.settimeout(10)
            try:
                closed += sock.recv(1) == b""
            except ConnectionResetError:
                closed += 1
        assert closed == 22
        # Everyone else is served as usual.
        ok = exchange(
            port, b"POST /userSignUp HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        assert status_of(ok) == 200
    finally:
        for sock in idle:
            sock.close()
