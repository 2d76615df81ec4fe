"""Classroom mode: the live log of every exchange (stream.py), the class's predictions
(predictions.py), the challenge the teacher sets and how the class does on it (challenge.py), and
the teacher, who alone can clear them and set a challenge (teacher.py)."""

import os
import threading
from typing import Any
from urllib.parse import urlsplit

import segno
from flask import Blueprint, Flask, current_app, render_template, request
from markupsafe import Markup

from ..api.audience import is_teacher
from ..api.serialize import LOG_PATHS, recorder
from ..guards import csrf
from ..lab.challenges import CHALLENGES
from ..stores import LogUnavailable

bp = Blueprint("classroom", __name__)
bp.before_request(csrf.protect)

# The views of each part register on bp (microblog's layout: the blueprint first, then its routes).
from . import challenge, predictions, stream, teacher  # noqa: E402


def qr_svg(url: str) -> Markup:
    """The classroom address as a QR code, drawn on the server as inline SVG.

    With a viewBox and no fixed size (omitsize), CSS scales it: large enough to scan from the back.
    """
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=5, dark="#000", light="#fff", title=None, omitsize=True))


@bp.get("/log")
def log_page() -> str:
    """The live log: every exchange from every client, newest first, as it happens."""
    address = current_app.config.get("CLASSROOM_URL") or request.url_root
    try:
        rows, unavailable = predictions.tally().rows(), None
        class_results = challenge.described(challenge.board().results())
    except LogUnavailable as error:
        rows, unavailable = [], str(error)
        class_results = {"challenge": None, "mistakes": []}
    host = urlsplit(address).hostname or ""
    return render_template(
        "log.html",
        address=address,
        # A loopback address reaches this computer only: the page says what to run instead.
        local_only=host == "localhost" or host == "::1" or host.startswith("127."),
        # A school's deployment (gunicorn on Redis) is told how to give its address, not to run make serve.
        hosted=bool(current_app.config.get("REDIS_URL")),
        qr=qr_svg(address),
        predictions=rows,
        challenges=CHALLENGES,
        class_results=class_results,
        teacher=is_teacher(),
        unavailable=unavailable,
        log_paths=LOG_PATHS,
    )


@bp.post("/log/clear")
def clear() -> tuple[str, int, dict[str, str]]:
    """Empty the log and the prediction tally: the teacher's browser only, with its CSRF token.

    Every open live log is told on its stream (a ``cleared`` event), and empties both.
    """
    teacher.require_teacher()
    predictions.tally().clear()
    through = recorder().log.clear()
    # Up to which exchange the log was emptied: a live log drops any of them still on its way.
    return "", 204, {"X-Cleared-Through": str(through)}


@bp.get("/api/health")
def health() -> dict[str, Any]:
    """What a teacher (or a soak test) checks: streams open (in this process), the store and what it
    keeps, threads, memory."""
    streams = current_app.extensions["open_streams"]
    return {
        "streams_open": streams.open,
        "streams_refused": streams.refused,
        "streams_resumed": streams.resumed,
        **current_app.extensions["store"].health(),
        "pid": os.getpid(),
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


def init_app(app: Flask) -> None:
    teacher.init_app(app)
    app.extensions["open_streams"] = stream.StreamCount()
    app.extensions["rendered_events"] = stream.RenderedEvents(
        app.config.get("RENDERED_BYTES", stream.RENDERED_BYTES)
    )
    app.register_blueprint(bp)
