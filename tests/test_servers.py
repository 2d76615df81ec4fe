"""`make run`'s and `make serve`'s servers, driven over real sockets: chunked bodies, oversized headers
and bodies, one address that opens far more connections than a browser does, and many addresses that
trickle their headers a byte at a time."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask

from playground import create_app
from playground.serving.servers import waitress_server, werkzeug_server

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


def exchange(port: int, raw: bytes, source: str = "127.0.0.1", timeout: float = 20) -> bytes:
    """Send raw bytes, read the answer to its end (both servers close after it here)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as sock:
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


def test_after_a_413_the_server_closes_instead_of_reading_the_body_to_its_end() -> None:
    port, stop = serve("werkzeug", create_app({"SECRET_KEY": "t"}))
    declared = 200 * 1024 * 1024
    sent = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            sock.sendall(b"POST /userSignUp HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % declared)

            def send_the_body() -> None:
                """As a client that does not look at the answer does: send on until refused."""
                nonlocal sent
                chunk = b"x" * 65536
                with contextlib.suppress(OSError):
                    while sent < declared:
                        sent += sock.send(chunk[: declared - sent])

            sender = threading.Thread(target=send_the_body)
            sender.start()
            answer = b""
            # A server that reads on to the end keeps the connection open: the timeout ends the wait.
            with contextlib.suppress(ConnectionResetError, TimeoutError):
                while chunk := sock.recv(65536):
                    answer += chunk
            sender.join(60)
    finally:
        stop()
    assert status_of(answer) == 413
    # The server stopped reading: what the client got in is what the sockets' buffers hold.
    assert sent < declared // 10, f"the server read {sent:,} of {declared:,} bytes"


def trickle(sockets: list[socket.socket], stop: threading.Event, every: float = 0.5) -> None:
    """Send each socket one more byte of a request's headers every `every` seconds, never finishing."""
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100_000
    position = 0
    while not stop.is_set():
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.send(head[position : position + 1])
        position += 1
        stop.wait(every)


def test_sixteen_addresses_trickling_headers_leave_every_other_address_answered() -> None:
    """16 addresses x 64 connections (each address's whole share), headers sent a byte at a time."""
    server = waitress_server(create_app({"SECRET_KEY": "t"}), "127.0.0.1", 0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port
    slow: list[socket.socket] = []
    stop = threading.Event()
    trickler = threading.Thread(target=trickle, args=(slow, stop))
    try:
        for address in range(16):
            for _ in range(64):
                source = (f"127.0.2.{address + 1}", 0)
                slow.append(socket.create_connection(("127.0.0.1", port), source_address=source))
        trickler.start()
        # The whole storm is in (the server holds every connection it will take) before any timing.
        wait_until(
            lambda: len(server.active_channels) >= len(slow) or server.in_connection_overflow,
            "the server takes the storm's connections",
        )
        request = b"POST /userSignUp HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        for n in range(20):
            # Another laptop's requests, each answered within a second (the socket's timeout).
            answer = exchange(port, request, source=f"127.0.3.{n + 1}", timeout=1)
            assert status_of(answer) == 200
    finally:
        stop.set()
        if trickler.is_alive():
            trickler.join()
        for sock in slow:
            sock.close()
        server.close()


def test_headers_trickled_past_the_deadline_get_the_connection_closed() -> None:
    server = waitress_server(create_app({"SECRET_KEY": "t", "HEADER_SECONDS": 1}), "127.0.0.1", 0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    stop = threading.Event()
    with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as sock:
        trickler = threading.Thread(target=trickle, args=([sock], stop, 0.1))
        trickler.start()
        try:
            # Closed by the server (an empty read), though a byte arrives every 0.1 s, so it is never
            # idle; a server without the deadline keeps it until the socket's timeout fails the test.
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(1024) == b""
        finally:
            stop.set()
            trickler.join()
            server.close()


def wait_until(condition: callable, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.05)
