"""The two servers the playground ships with, each set so that one client cannot starve the rest.

`make run` serves with Werkzeug's threaded server (a thread per connection); `make serve` with
waitress (a pool of threads behind one event loop). Both get the same guards:

- at most CONNECTIONS_PER_CLIENT connections open from one address (more are closed at once), so
  a thousand idle sockets from one laptop cannot fill the server's connection table;
- an idle connection is closed after IDLE_SECONDS;
- request headers over MAX_HEADER_BYTES get 431 from the server itself; bodies over the limit
  stop being read (waitress's own limit follows MAX_CONTENT_LENGTH);
- no debugger, ever.
"""

import threading
from collections import Counter
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

CONNECTIONS_PER_CLIENT = 64
"""Connections open at once from one address: a browser opens six per host; a few share an address."""
IDLE_SECONDS = 30
"""An idle connection is closed after this long (an open live log writes every few seconds)."""
THREADS = 256
"""waitress's pool: the live log's streams are capped well below it (stream.STREAM_LIMIT)."""
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


class GuardedRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, with an idle timeout and a 431 for oversized headers before the app runs."""

    timeout = IDLE_SECONDS

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
        self.max_header_bytes = _limit(app, "MAX_HEADER_BYTES", 32 * 1024)
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


def waitress_server(app: Flask, host: str, port: int, threads: int = THREADS) -> Any:
    """waitress with the playground's limits; `.run()` serves, `.close()` stops."""
    app.debug = False
    body_limit = app.config.get("MAX_CONTENT_LENGTH")
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=1000,
        backlog=1024,
        ident="waitress",
        channel_timeout=IDLE_SECONDS,
        outbuf_high_watermark=OUTPUT_HELD,
        outbuf_overflow=OUTPUT_IN_MEMORY,
        # Reading on while a request runs is how waitress sees a live log's browser leave.
        channel_request_lookahead=1,
        max_request_header_size=_limit(app, "MAX_HEADER_BYTES", 32 * 1024),
        # waitress reads a whole body before the app runs: stop at twice the app's limit, so
        # bodies just over it still get the app's explained 413, and floods stop early.
        max_request_body_size=2 * body_limit if body_limit else 1 << 30,
    )
    per_client = _limit(app, "CONNECTIONS_PER_CLIENT", CONNECTIONS_PER_CLIENT)

    def admit(server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> HTTPChannel | None:
        """Open a channel for a new connection, unless its address has per_client open already."""
        ip = addr[0] if isinstance(addr, tuple) else addr
        open_from_ip = sum(
            1 for channel in server.active_channels.values() if getattr(channel, "addr", (None,))[0] == ip
        )
        if open_from_ip >= per_client:
            sock.close()
            return None
        return HTTPChannel(server, sock, addr, adj, map=map)

    server.channel_class = admit
    return server
