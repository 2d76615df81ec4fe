"""Classroom mode: the live log of every exchange, pushed with Server-Sent Events, and the class's
predictions.

The stream is a plain Flask streaming response. Each event carries the exchange's id, so a browser
that lost its connection reconnects with ``Last-Event-ID`` and gets exactly the exchanges it missed:
no duplicates, nothing missed (as long as the log still holds them).
"""

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import segno
from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context
from markupsafe import Markup

from . import csrf_guard
from .api import exchange_json, recorder
from .recorder import Exchange

bp = Blueprint("classroom", __name__)
bp.before_request(csrf_guard.protect)

BATCH_SECONDS = 0.1
"""After waking, a stream waits this long to send what came meanwhile in one go: a busy class
then wakes each stream ten times a second at most, not once per request."""
KEEPALIVE_SECONDS = 15.0
"""How often an idle stream sends a comment: it keeps proxies open and finds closed connections."""
STREAM_SECONDS = 300.0
"""How long one stream lives; the browser reconnects by itself, resuming where it was."""


def log_entry(exchange: Exchange) -> dict[str, Any]:
    """What a line of the live log needs, plus the whole exchange for when it is opened."""
    return exchange_json(exchange)


def sse_event(exchange: Exchange) -> str:
    """The exchange as a Server-Sent Event, rendered once however many streams are open."""
    event = exchange.rendered.get("sse")
    if event is None:
        data = json.dumps(log_entry(exchange), separators=(",", ":"))
        event = exchange.rendered["sse"] = f"id: {exchange.id}\nevent: exchange\ndata: {data}\n\n"
    return event


STREAM_BACKLOG = 100
"""How many of the newest exchanges a freshly opened live log starts with."""


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


@bp.get("/api/stream")
def stream() -> Response:
    """Every new exchange as a Server-Sent Event, from the one after the last seen."""
    log = recorder().log
    last_id = _last_seen()
    keepalive = current_app.config.get("STREAM_KEEPALIVE_SECONDS", KEEPALIVE_SECONDS)
    lifetime = current_app.config.get("STREAM_SECONDS", STREAM_SECONDS)
    batch = current_app.config.get("STREAM_BATCH_SECONDS", BATCH_SECONDS)

    streams = current_app.extensions["open_streams"]

    def events() -> Iterator[str]:
        nonlocal last_id
        ends = time.monotonic() + lifetime
        streams.opened()
        try:
            yield "retry: 1000\n\n"
            while time.monotonic() < ends:
                fresh = log.wait(last_id, timeout=min(keepalive, max(0.0, ends - time.monotonic())))
                if not fresh:
                    # Writing is how a server learns the browser went away: the write fails, and the
                    # server closes this generator, which ends the stream and frees its thread.
                    yield ": keep-alive\n\n"
                else:
                    time.sleep(batch)
                    fresh = log.after(last_id)
                if fresh and fresh[0].id > last_id + 1 and last_id:
                    # The log is bounded: what it let go before this stream could send it is gone.
                    yield f"event: gap\ndata: {fresh[0].id - last_id - 1}\n\n"
                for exchange in fresh:
                    last_id = exchange.id
                    yield sse_event(exchange)
        finally:
            streams.closed()

    response = Response(stream_with_context(events()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


class StreamCount:
    """How many live-log streams are open now: each holds a server thread while it lasts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.open = 0

    def opened(self) -> None:
        with self._lock:
            self.open += 1

    def closed(self) -> None:
        with self._lock:
            self.open -= 1


class PredictionTally:
    """How the class predicted, per request shape: counts only, no names."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shapes: dict[str, dict[str, Any]] = {}

    def add(self, shape: str, predicted: int, actual: int) -> None:
        with self._lock:
            entry = self._shapes.setdefault(shape, {"actual": actual, "predicted": Counter(), "right": 0})
            entry["actual"] = actual
            entry["predicted"][predicted] += 1
            entry["right"] += predicted == actual

    def clear(self) -> None:
        with self._lock:
            self._shapes.clear()

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {
                    "shape": shape,
                    "actual": e["actual"],
                    "count": sum(e["predicted"].values()),
                    "right": e["right"],
                    "predicted": dict(sorted(e["predicted"].items())),
                }
                for shape, e in sorted(self._shapes.items())
            ]


def tally() -> PredictionTally:
    return current_app.extensions["predictions"]


def request_shape(exchange: Exchange) -> str:
    """What makes two requests the same question: method, path, content type and the keys sent."""
    req = exchange.request
    content_type = next((v for n, v in req["headers"] if n.lower() == "content-type"), "")
    content_type = content_type.split(";")[0].strip() or "no body"
    keys = sorted(_sent_keys(req["body"], req["query"]))
    return f"{req['method']} {req['path']} ({content_type}; {', '.join(keys) or 'no fields'})"


def _sent_keys(body: str, query: str) -> set[str]:
    keys = {"username", "password", "firstname", "lastname"}
    found = set()
    for key in keys:
        if f"{key}=" in body or f'name="{key}"' in body or f'"{key}"' in body or f"{key}=" in query:
            found.add(key)
    return found


@bp.post("/api/predictions")
def predict() -> dict[str, Any]:
    """Record a learner's prediction for one exchange; the actual status comes from the server's record."""
    data = request.get_json(silent=True) or {}
    exchange_id, predicted = data.get("exchange_id"), data.get("predicted")
    if not isinstance(exchange_id, int) or not isinstance(predicted, int) or not 100 <= predicted <= 599:
        abort(400, description='Send JSON: {"exchange_id": <int>, "predicted": <a code from 100 to 599>}.')
    exchange = recorder().log.get(exchange_id)
    if exchange is None:
        abort(404, description=f"No exchange {exchange_id}.")
    actual = exchange.response["status"]
    shape = request_shape(exchange)
    tally().add(shape, predicted, actual)
    return {"shape": shape, "predicted": predicted, "actual": actual, "right": predicted == actual}


@bp.get("/api/predictions")
def predictions() -> list[dict[str, Any]]:
    return tally().rows()


def qr_svg(url: str) -> Markup:
    """The classroom address as a QR code, drawn on the server as inline SVG."""
    return Markup(segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=None))


@bp.get("/log")
def log_page() -> str:
    """The live log: every exchange from every client, newest first, as it happens."""
    address = current_app.config.get("CLASSROOM_URL") or request.host_url
    return render_template("log.html", address=address, qr=qr_svg(address), predictions=tally().rows())


@bp.post("/log/clear")
def clear() -> tuple[str, int]:
    """Empty the log and the prediction tally (CSRF-protected, like every state-changing route)."""
    recorder().log.clear()
    tally().clear()
    return "", 204


@bp.get("/api/health")
def health() -> dict[str, Any]:
    """What a teacher (or a soak test) checks: streams open, exchanges kept, threads, memory."""
    log = recorder().log
    return {
        "streams_open": current_app.extensions["open_streams"].open,
        "exchanges_kept": len(log),
        "exchanges_recorded": log.recorded,
        "threads": threading.active_count(),
        "rss_bytes": _resident_bytes(),
    }


def _resident_bytes() -> int | None:
    """This process's resident memory now (Linux: /proc; elsewhere unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def init_app(app: Any) -> None:
    app.extensions["predictions"] = PredictionTally()
    app.extensions["open_streams"] = StreamCount()
    app.register_blueprint(bp)
