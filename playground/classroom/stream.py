"""The live log's stream: every new exchange as a Server-Sent Event, within limits a class can't break.

The stream is a plain Flask streaming response. Each event carries the exchange's id, so a browser
that lost its connection reconnects with ``Last-Event-ID`` and gets exactly the exchanges it missed:
no duplicates, nothing missed (as long as the log still holds them, and they fit in a backlog).

The teacher's actions reach every open live log on the same stream: a Clear is a ``cleared`` event
whose data (and id) is the newest exchange it emptied, sent before anything newer, so a page drops
what it shows up to there and a reconnecting browser resumes after it (nothing cleared comes back
from a backlog); a reset of the predictions is a ``reset`` event. A stream that opens after a Clear
it has not seen (a reconnect) starts with that Clear's event.

What a stream sends before its first new exchange, its backlog, is bounded: at most STREAM_BACKLOG
exchanges and READER_BYTES bytes as sent (after JSON escaping), the newest that fit; a reconnecting
browser that missed more is told how many it missed (a ``gap`` event), as when the log moved on.
Each event is rendered once per audience and kept in a cache bounded in bytes (RENDERED_BYTES), not
with the exchange: the log's own bound counts what it keeps, not a copy per audience.

Each open stream holds a server thread, so streams are capped in all and per client address; beyond
a cap the answer is 503 with ``Retry-After``, and the page polls ``/api/exchanges?after=`` meanwhile.
The page itself opens one stream per browser, shared by its tabs (static/js/lib/live-feed.js).
"""

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, request

from ..api.audience import for_the_class, sees_everything
from ..api.serialize import READER_BYTES, exchange_json, recorder
from ..guards.slots import Slots
from ..recording.exchange import Exchange
from ..stores import LogUnavailable
from . import bp

BATCH_SECONDS = 0.1
"""After waking, a stream waits this long to send what came meanwhile in one go: a busy class
then wakes each stream ten times a second at most, not once per request."""
KEEPALIVE_SECONDS = 2.0
"""How often an idle stream sends a comment: it keeps proxies open, and writing is how a server
finds a closed connection, so a closed live log frees its thread within a few seconds."""
STREAM_SECONDS = 300.0
"""How long one stream lives; the browser reconnects by itself, resuming where it was."""
STREAM_BACKLOG = 100
"""How many of the newest exchanges a freshly opened live log starts with."""
STREAM_LIMIT = 120
"""Streams open at once, in all: each holds a server thread, and the endpoints need the rest."""
STREAM_LIMIT_PER_CLIENT = 4
"""Streams open at once from one client address: a browser needs one, however many tabs it has."""
STREAM_RETRY_AFTER = 10
"""Beyond a limit, the 503 says to try again after this many seconds (the page polls meanwhile)."""
RENDERED_BYTES = 8 * 1024 * 1024
"""Rendered events kept for the next stream that sends them (FLASK_RENDERED_BYTES), newest kept."""


class RenderedEvents:
    """Each exchange's event, rendered once per audience for every open stream, the newest kept up
    to a number of bytes: a hundred streams don't render an event a hundred times, and memory holds
    a bounded number of renderings whatever the exchanges hold."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._events: OrderedDict[tuple[int, bool], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, exchange_id: int, everything: bool) -> str | None:
        with self._lock:
            return self._events.get((exchange_id, everything))

    def keep(self, exchange_id: int, everything: bool, event: str) -> None:
        with self._lock:
            key = (exchange_id, everything)
            if key in self._events:
                return
            self._events[key] = event
            self.size += len(event)
            while self.size > self.max_bytes and self._events:
                # The first rendered go first: live streams send the newest.
                self.size -= len(self._events.popitem(last=False)[1])


class StreamCount(Slots):
    """How many live-log streams are open now, in all and per client: each holds a server thread."""

    def __init__(self) -> None:
        super().__init__()
        self.resumed = 0
        """Streams opened with Last-Event-ID: browsers that reconnected and resumed."""

    def try_open(self, client: str, limit: int, per_client: int, resuming: bool) -> str | None:
        """Count one more stream, or say why not (the reason the 503 gives)."""
        refused = self.take(client, limit, per_client)
        if refused == "client":
            return f"This address already has {per_client} live logs open."
        if refused == "all":
            return f"The live log is at its limit of {limit} open streams."
        with self._lock:
            self.resumed += resuming
        return None

    def closed(self, client: str) -> None:
        self.give_back(client)


def sse_event(app: Flask, exchange: Exchange, everything: bool) -> str:
    """The exchange as a Server-Sent Event, rendered once per audience however many streams are open."""
    rendered: RenderedEvents = app.extensions["rendered_events"]
    event = rendered.get(exchange.id, everything)
    if event is None:
        with app.app_context():
            entry = exchange_json(exchange)
        data = json.dumps(entry if everything else for_the_class(entry), separators=(",", ":"))
        event = f"id: {exchange.id}\nevent: exchange\ndata: {data}\n\n"
        rendered.keep(exchange.id, everything, event)
    return event


def _backlog(app: Flask, log: Any, last_id: int, everything: bool) -> tuple[int, int]:
    """Where a stream starts so that its backlog holds at most STREAM_BACKLOG exchanges and
    READER_BYTES bytes (the newest that fit), and how many exchanges after `last_id` it leaves out."""
    config = app.config
    candidates = [e for e in log.newest(config.get("STREAM_BACKLOG", STREAM_BACKLOG)) if e.id > last_id]
    if not candidates:
        return last_id, 0
    budget = config.get("READER_BYTES", READER_BYTES)
    start, size = candidates[0].id - 1, 0
    for exchange in reversed(candidates):
        size += len(sse_event(app, exchange, everything).encode())
        if size > budget and exchange is not candidates[-1]:
            start = exchange.id
            break
    return start, max(0, start - last_id)


def _last_seen() -> int:
    """Where a stream resumes: the Last-Event-ID a reconnecting browser sends, or ?after=.

    A fresh page starts with the newest STREAM_BACKLOG exchanges, not the whole log: what a
    server writes to a stream stays buffered until the page has read it.
    """
    value = request.headers.get("Last-Event-ID") or request.args.get("after")
    if value is None:
        backlog = current_app.config.get("STREAM_BACKLOG", STREAM_BACKLOG)
        return max(0, recorder().log.recorded - backlog)
    last_id = int(value) if value.isdigit() else 0
    # An id from before a server restart is ahead of this server's count: start from the beginning.
    return last_id if last_id <= recorder().log.recorded else 0


def cleared_event(through: int, last_id: int) -> str:
    """A Clear as a Server-Sent Event: the newest exchange it emptied; its id moves the browser's
    Last-Event-ID past them (or keeps it where it is, if this stream already sent newer ones)."""
    return f"id: {max(through, last_id)}\nevent: cleared\ndata: {through}\n\n"


def _refused(reason: str) -> Response:
    """503 with Retry-After: the page polls /api/exchanges?after= meanwhile."""
    response = Response(f"{reason} Poll /api/exchanges?after=<id> meanwhile.\n", 503, mimetype="text/plain")
    response.headers["Retry-After"] = str(current_app.config.get("STREAM_RETRY_AFTER", STREAM_RETRY_AFTER))
    return response


@bp.get("/api/stream")
def stream() -> Response:
    """Every new exchange as a Server-Sent Event, from the one after the last seen."""
    log = recorder().log
    last_id = _last_seen()
    config = current_app.config
    keepalive = config.get("STREAM_KEEPALIVE_SECONDS", KEEPALIVE_SECONDS)
    lifetime = config.get("STREAM_SECONDS", STREAM_SECONDS)
    batch = config.get("STREAM_BATCH_SECONDS", BATCH_SECONDS)
    streams: StreamCount = current_app.extensions["open_streams"]
    client = request.remote_addr or ""
    resuming = "Last-Event-ID" in request.headers or "after" in request.args
    refusal = streams.try_open(
        client,
        config.get("STREAM_LIMIT", STREAM_LIMIT),
        config.get("STREAM_LIMIT_PER_CLIENT", STREAM_LIMIT_PER_CLIENT),
        resuming="Last-Event-ID" in request.headers,
    )
    if refusal:
        return _refused(refusal)
    everything = sees_everything()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        # Read before the backlog: a Clear after this is seen by the loop below, not lost between.
        marks = log.marks()
        # A Clear this browser has not seen (it was away): say so first, then resume after it.
        unseen_clear = marks[0] if resuming and marks[0] > last_id else 0
        last_id = max(last_id, unseen_clear)
        last_id, missed = _backlog(app, log, last_id, everything)
    except BaseException:
        streams.closed(client)
        raise

    # A plain generator, not stream_with_context: it holds no request context for minutes, only
    # the app's, briefly, to render an event no stream has rendered yet.
    def events() -> Iterator[str]:
        nonlocal last_id, marks
        ends = time.monotonic() + lifetime
        yield "retry: 1000\n\n"
        if unseen_clear:
            yield cleared_event(unseen_clear, last_id)
        if missed and resuming:
            # A browser that comes back after missing more than a backlog: say how many it missed.
            yield f"event: gap\ndata: {missed}\n\n"
        while time.monotonic() < ends:
            try:
                fresh = log.wait(last_id, min(keepalive, max(0.0, ends - time.monotonic())), marks)
                now = log.marks()
                if now[0] > marks[0]:
                    # Cleared: the page drops what it shows up to there, and nothing of it is sent.
                    yield cleared_event(now[0], last_id)
                    last_id = max(last_id, now[0])
                if now[1] > marks[1]:
                    yield f"event: reset\ndata: {now[1]}\n\n"
                marks = now
                if fresh:
                    time.sleep(batch)
                    fresh = log.fresh(last_id)
            except LogUnavailable as error:
                # The shared log is away: say so, and keep the stream; it goes on when Redis is back.
                yield f"event: unavailable\ndata: {error}\n\n"
                time.sleep(keepalive)
                continue
            if not fresh:
                # Writing is how a server learns the browser went away: the write fails, and the
                # server closes this generator, which ends the stream and frees its thread.
                yield ": keep-alive\n\n"
            if fresh and fresh[0].id > last_id + 1 and last_id:
                # The log is bounded: what it let go before this stream could send it is gone.
                yield f"event: gap\ndata: {fresh[0].id - last_id - 1}\n\n"
            for exchange in fresh:
                last_id = exchange.id
                yield sse_event(app, exchange, everything)

    response = Response(events(), mimetype="text/event-stream")
    # Every WSGI server closes the answer it sent, even when the client left before a byte was
    # written (a generator that never started would not run a `finally`): the count is freed there.
    response.call_on_close(lambda: streams.closed(client))
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response
