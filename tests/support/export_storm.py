"""The export storm and the new reader's bytes, against a real server on loopback: what
tests/test_export_storm.py asserts and bench/storm.py reports (issue 19).

The log is filled over HTTP with exchanges full of what JSON escapes (a quote, a control character,
<>&, non-ASCII), then 24 clients, each from an address of its own (127.0.0.10 to .33), ask for the
HAR export at once and read it slowly (a small receive buffer, a few KB read, then nothing), while
the server's resident memory is read from /api/health before, during and after. Then 24 exports at
once from one address, and what each kind of new reader receives.
"""

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
COMMANDS = {
    "werkzeug": ["-m", "playground", "--host", "127.0.0.1", "--port"],  # make run
    "waitress": ["-m", "playground.serve", "--host", "127.0.0.1", "--port"],  # make serve
}
ESCAPED = '"\x01<>&é😀\\'
MiB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(port: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/api/health")
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


@contextmanager
def serving(server: str, settings: dict[str, str] | None = None) -> Iterator[int]:
    """The server's real command (make run's or make serve's) on a free port, until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *COMMANDS[server], str(port)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **(settings or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ends = time.monotonic() + 20
        while True:
            try:
                health(port)
                break
            except OSError:
                if time.monotonic() > ends or process.poll() is not None:
                    raise RuntimeError(f"{server} did not start on port {port}") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def request(port: int, raw: bytes, source: str = "127.0.0.1", timeout: float = 10) -> tuple[int, bytes]:
    """Send one raw request and read the whole answer: its status and its bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as s:
        s.sendall(raw)
        answer = bytearray()
        while chunk := s.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, bytes(answer)


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()


def fill_with_escapes(port: int, count: int) -> None:
    """`count` exchanges each holding as much as the recorder keeps, all of it costly to escape."""
    body = (ESCAPED * 1000).encode()[:4096]
    # Header values may hold obs-text (0x80 to 0xFF) on every server: each is six bytes in JSON.
    notes = "".join(f"X-Note-{i}: {chr(0xFF) * 1500}\r\n" for i in range(4)).encode("latin-1")
    raw = (
        b"POST /userSignUp?%s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n%sContent-Length: %d\r\n"
        b"Connection: close\r\n\r\n%s" % (b'"' * 3000, notes, len(body), body)
    )
    for _ in range(count):
        request(port, raw)


def body_of(answer: bytes) -> bytes:
    head, _, body = answer.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" not in head.lower():
        return body
    data, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        data += rest[:size]
        rest = rest[size + 2 :]
    return bytes(data)


@dataclass
class ReaderBytes:
    """What each kind of new reader received, in bytes as sent (after JSON escaping)."""

    api_page: int
    api_first_page: int
    stream_backlog: int
    export: int
    export_entries: int


def reader_bytes(port: int) -> ReaderBytes:
    _, page = request(port, get("/api/exchanges"))
    _, first = request(port, get("/api/exchanges?after=0"))
    _, export = request(port, get("/api/exchanges.har"))
    har = json.loads(body_of(export))
    backlog = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        received = bytearray()
        while b": keep-alive" not in received:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
        backlog = len(body_of(bytes(received)))
    return ReaderBytes(
        api_page=len(body_of(page)),
        api_first_page=len(body_of(first)),
        stream_backlog=backlog,
        export=len(body_of(export)),
        export_entries=len(har["log"]["entries"]),
    )


@dataclass
class Storm:
    """The figures of one export storm."""

    readers: int
    baseline_rss: int
    during_rss: list[int] = field(default_factory=list)
    after_rss: int = 0
    settled_seconds: float = 0.0
    statuses: list[int] = field(default_factory=list)
    endpoint_statuses: list[int] = field(default_factory=list)
    endpoint_seconds: list[float] = field(default_factory=list)
    one_address: list[int] = field(default_factory=list)
    refusal: str = ""
    retry_after: str = ""

    @property
    def peak_rss(self) -> int:
        return max(self.during_rss, default=self.baseline_rss)


def slow_reader(port: int, source: str, first_bytes: int = 4096) -> tuple[socket.socket, bytes]:
    """Ask for the export and read its first few KB, through a small receive buffer; then nothing."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(get("/api/exchanges.har"))
    received = b""
    while len(received) < first_bytes:
        chunk = s.recv(first_bytes)
        if not chunk:
            break
        received += chunk
    return s, received


def export_storm(port: int, readers: int = 24, hold: float = 2.0, settle: float = 60.0) -> Storm:
    """24 slow exports from 24 addresses at once, then 24 at once from one; memory throughout."""
    request(port, get("/api/exchanges.har"))  # warm: each exchange's masked record is made once
    request(port, get("/api/exchanges.har"))
    storm = Storm(readers=readers, baseline_rss=health(port)["rss_bytes"])
    held = [slow_reader(port, f"127.0.0.{10 + i}") for i in range(readers)]
    storm.statuses = [int(first.split(b" ", 2)[1]) if first.startswith(b"HTTP/") else 0 for _, first in held]
    ends = time.monotonic() + hold
    form = b"username=sam&lastname=king"
    post = (
        b"POST /userDetails HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(form), form)
    )
    while time.monotonic() < ends:
        storm.during_rss.append(health(port)["rss_bytes"])
        sent = time.perf_counter()
        storm.endpoint_statuses.append(request(port, post, source="127.0.0.2")[0])
        storm.endpoint_seconds.append(time.perf_counter() - sent)
        time.sleep(0.2)
    for s, _ in held:
        s.close()
    # 24 at once from one address: the first holds its export (read slowly), the rest are refused.
    one = [slow_reader(port, "127.0.0.3", first_bytes=1) for _ in range(readers)]
    for s, first in one:
        try:
            while b"\r\n\r\n" not in first:
                chunk = s.recv(4096)
                if not chunk:
                    break
                first += chunk
        except OSError:
            pass
        storm.one_address.append(int(first.split(b" ", 2)[1]) if first.startswith(b"HTTP/") else 0)
        if b" 429 " in first.split(b"\r\n", 1)[0] and not storm.refusal:
            head, _, body = first.partition(b"\r\n\r\n")
            storm.retry_after = next(
                (line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                 if line.lower().startswith(b"retry-after:")),
                "",
            )  # fmt: skip
            storm.refusal = body.decode(errors="replace")
    for s, _ in one:
        s.close()
    started = time.monotonic()
    while True:
        storm.after_rss = health(port)["rss_bytes"]
        storm.settled_seconds = time.monotonic() - started
        if storm.after_rss <= storm.baseline_rss + 16 * MiB or storm.settled_seconds > settle:
            break
        time.sleep(0.5)
    return storm
