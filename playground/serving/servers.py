"""The two servers the playground ships with, each set so that one client cannot starve the rest.

`make run` serves with Werkzeug's threaded server (a thread per connection); `make serve` with
waitress (a pool of threads behind one event loop). Both get the same guards:

- at most CONNECTIONS_PER_CLIENT connections open from one address (more are closed at once), so
  a thousand idle sockets from one laptop cannot fill the server's connection table;
- an idle connection is closed after IDLE_SECONDS; under waitress, which serves a class, one that
  has not sent its request's headers within HEADER_SECONDS is closed too, however slowly it trickles
  them (Werkzeug's thread per connection serves one laptop, and keeps the idle timeout alone);
- request headers over MAX_HEADER_BYTES get 431 from the server itself; bodies over the limit
  stop being read (waitress's own limit follows MAX_CONTENT_LENGTH), and once an answer is sent
  (a 413, say) at most LINGER_BYTES more of the body are read before the connection closes;
- no debugger, ever.
"""

import threading
import time
from collections import Counter
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from ..guards.header_limit import MAX_HEADER_BYTES

CONNECTIONS_PER_CLIENT = 64
"""Connections open at once from one address: a browser opens six per host; a few share an address."""
IDLE_SECONDS = 30
"""An idle connection is closed after this long (an open live log writes every few seconds)."""
HEADER_SECONDS = 10
"""A request's headers must all arrive within this long of its first byte (a browser's take
milliseconds): a client that trickles them a byte at a time holds its connection no longer."""
LINGER_BYTES = 256 * 1024
"""After the answer, how much more of an unread body the server reads (so that the client sees
the answer rather than a reset) before it closes the connection."""
THREADS = 256
"""waitress's pool: the live log's streams are capped well below it (stream.STREAM_LIMIT)."""
CONNECTION_LIMIT = 4096
"""waitress's connections open at once, in all. With CONNECTIONS_PER_CLIENT per address it takes
64 addresses holding all theirs to fill it, and HEADER_SECONDS frees those that never finish a
request. Beyond select()'s 1,024 descriptors, so waitress polls (asyncore_use_poll)."""
OUTPUT_HELD = 1024 * 1024
"""Bytes of an answer waitress holds for a client before the app waits for the client to read (its
own default is 16 MB): a download of the log then runs as long as its reader reads, so the one export
an address may run at a time is the one it is still receiving, and what waits is bounded."""
OUTPUT_IN_MEMORY = 256 * 1024
"""Of those, the bytes held in memory; the rest wait in a temporary file (waitress's default: 1 MB).
24 slow readers of the log's export cost 27 MB of memory at their peak, against 57 MB with 1 MB."""


def _limit(app: Flask, key: str, default: int) -> int:
    return int(app.config.get(key, default))


# -- Werkzeug (make run) ---------------------------------------------------------------------------


class _ReadAfterTheAnswer:
    """The request's input, read at most LINGER_BYTES further once the answer has been sent.

    After the app, Werkzeug reads whatever the client still sends (up to 10 GB) so that the client
    sees a 413 instead of a reset. The answer is already sent by then: this reads on only a little,
    and only what has arrived, so the connection closes instead of taking a 200 MB body to its end.
    """

    def __init__(self, rfile: Any, handler: "GuardedRequestHandler") -> None:
        self._rfile = rfile
        self._handler = handler
        self._lingered = 0

    def read(self, size: int = -1) -> bytes:
        if not self._handler.answered:
            return self._rfile.read(size)
        room = LINGER_BYTES - self._lingered
        if room <= 0:
            return b""
        data = self._rfile.read1(room if size is None or size < 0 else min(size, room))
        self._lingered += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rfile, name)

    def __iter__(self) -> Any:
        return iter(self._rfile)


class GuardedRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, with an idle timeout, a 431 for oversized headers before the app runs,
    and no reading a body on to its end once the answer is sent."""

    timeout = IDLE_SECONDS
    answered = False

    def setup(self) -> None:
        super().setup()
        self.rfile = _ReadAfterTheAnswer(self.rfile, self)  # type: ignore[assignment]

    def send_response(self, code: int, message: str | None = None) -> None:
        self.answered = True
        super().send_response(code, message)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        size = sum(len(name) + len(value) for name, value in self.headers.items())
        limit = self.server.max_header_bytes  # type: ignore[attr-defined]
        if size > limit:
            self.send_error(431, f"Request headers of {size} bytes; this server takes at most {limit}")
            return False
        return True


class GuardedWerkzeugServer(ThreadedWSGIServer):
    """A thread per connection, a long listen queue, and a cap on connections per client address.

    It closes each connection after one answer, so a busy class reconnects all the time: 128
    waiting connections would overflow (200 clients at once then see seconds-long SYN retries).
    """

    request_queue_size = 1024

    def __init__(self, host: str, port: int, app: Flask) -> None:
        super().__init__(host, port, app, handler=GuardedRequestHandler)
        self.max_header_bytes = _limit(app, "MAX_HEADER_BYTES", MAX_HEADER_BYTES)
        self.per_client = _limit(app, "CONNECTIONS_PER_CLIENT", CONNECTIONS_PER_CLIENT)
        self._clients: Counter[str] = Counter()
        self._clients_lock = threading.Lock()

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self._clients_lock:
            if self._clients[client_address[0]] >= self.per_client:
                return False
            self._clients[client_address[0]] += 1
            return True

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._clients_lock:
                self._clients[client_address[0]] -= 1
                if self._clients[client_address[0]] <= 0:
                    del self._clients[client_address[0]]


def werkzeug_server(app: Flask, host: str, port: int) -> GuardedWerkzeugServer:
    app.debug = False
    return GuardedWerkzeugServer(host, port, app)


# -- waitress (make serve) -------------------------------------------------------------------------


class HeaderDeadlineChannel(HTTPChannel):
    """waitress's channel, knowing since when it has waited for the current request's headers."""

    headers_since: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.headers_since = time.monotonic()
        try:
            return super().received(data)
        finally:
            if self.request is None or self.request.headers_finished:
                self.headers_since = None

    def headers_overdue(self, now: float, deadline: float) -> bool:
        return self.headers_since is not None and now - self.headers_since > deadline


def _close_overdue_channels(server: Any, deadline: float) -> None:
    """waitress's maintenance (idle channels), plus closing those slower than `deadline` with headers."""
    idle_maintenance = server.maintenance

    def maintenance(now: float) -> None:
        idle_maintenance(now)
        monotonic = time.monotonic()
        for channel in list(server.active_channels.values()):
            if isinstance(channel, HeaderDeadlineChannel) and channel.headers_overdue(monotonic, deadline):
                channel.will_close = True

    server.maintenance = maintenance


def _allow_open_files(count: int) -> None:
    """Raise this process's open-file limit towards `count` (as far as the hard limit lets it)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count if hard == resource.RLIM_INFINITY else min(count, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def waitress_server(app: Flask, host: str, port: int, threads: int = THREADS) -> Any:
    """waitress with the playground's limits; `.run()` serves, `.close()` stops."""
    app.debug = False
    body_limit = app.config.get("MAX_CONTENT_LENGTH")
    connection_limit = _limit(app, "CONNECTION_LIMIT", CONNECTION_LIMIT)
    _allow_open_files(connection_limit + threads + 256)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=connection_limit,
        # select() takes at most 1,024 descriptors; poll() has no such limit.
        asyncore_use_poll=True,
        backlog=1024,
        ident="waitress",
        channel_timeout=IDLE_SECONDS,
        # How often waitress looks for idle channels, and here for overdue headers.
        cleanup_interval=1,
        outbuf_high_watermark=OUTPUT_HELD,
        outbuf_overflow=OUTPUT_IN_MEMORY,
        # Reading on while a request runs is how waitress sees a live log's browser leave.
        channel_request_lookahead=1,
        max_request_header_size=_limit(app, "MAX_HEADER_BYTES", MAX_HEADER_BYTES),
        # waitress reads a whole body before the app runs: stop at twice the app's limit, so
        # bodies just over it still get the app's explained 413, and floods stop early.
        max_request_body_size=2 * body_limit if body_limit else 1 << 30,
    )
    per_client = _limit(app, "CONNECTIONS_PER_CLIENT", CONNECTIONS_PER_CLIENT)
    _close_overdue_channels(server, float(app.config.get("HEADER_SECONDS", HEADER_SECONDS)))

    def admit(server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> HTTPChannel | None:
        """Open a channel for a new connection, unless its address has per_client open already."""
        ip = addr[0] if isinstance(addr, tuple) else addr
        open_from_ip = sum(
            1 for channel in server.active_channels.values() if getattr(channel, "addr", (None,))[0] == ip
        )
        if open_from_ip >= per_client:
            sock.close()
            return None
        return HeaderDeadlineChannel(server, sock, addr, adj, map=map)

    server.channel_class = admit
    return server
