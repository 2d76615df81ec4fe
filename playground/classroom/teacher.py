"""The teacher: one browser, holding a secret link, can clear the log and see who sent what.

`make run` and `make serve` print the teacher link (``/teacher/<key>``), and so does
`flask --app playground run` (announce_under_flask_run), so every way the README offers to start it
shows how to become the teacher. Opening it puts a mark in
that browser's signed session and sends it on to the live log; the key never appears on a page.
Students see every exchange too (that is the lesson), but not the address or the browser of the
client that sent it, unless it was their own.
"""

import contextlib
import hmac
import os

import click
from flask import Flask, abort, redirect, session, url_for
from werkzeug.serving import is_running_from_reloader
from werkzeug.wrappers import Response

from ..api.audience import is_teacher, teacher_key, teacher_mark
from ..guards.debugger import flask_run_host
from ..stores import LogUnavailable
from . import bp


def teacher_link(app: Flask, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/teacher/{teacher_key(app)}"


@bp.get("/teacher/<key>")
def become_teacher(key: str) -> Response:
    """The teacher link: this browser becomes the teacher's, then the key leaves the address bar."""
    if not hmac.compare_digest(key.encode(), teacher_key().encode()):
        abort(404)
    session["teacher"] = teacher_mark()
    session.permanent = True
    return redirect(url_for("classroom.log_page"))


def require_teacher() -> None:
    if not is_teacher():
        abort(
            403,
            description="Only the teacher's browser can do this: open the teacher link that "
            "`make serve` (or `make run`) printed when it started.",
        )


def announce_under_flask_run(app: Flask) -> None:
    """When `flask run` builds the app, print the teacher link beside Flask's own banner.

    With the reloader (--debug), Flask builds the app in two processes and serves from the second:
    the key goes into the environment the second inherits, and only the first prints, as Flask's
    banner does.
    """
    host = flask_run_host()
    if host is None or app.config.get("CLASS_CODE"):
        return  # a class's app is made on a request, and its link comes from `flask class create`
    context = click.get_current_context()
    key = teacher_key(app)
    os.environ.setdefault("FLASK_TEACHER_KEY", key)
    if is_running_from_reloader():
        return
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    url = f"http://{shown}:{context.params.get('port') or 5000}/"
    click.echo(f" * Teacher link (clears the log; keep it to yourself): {teacher_link(app, url)}")


def init_app(app: Flask) -> None:
    # FLASK_TEACHER_KEY, or the store's key (generated, never committed; shared by every worker with
    # Redis): make run and make serve print the link. Asked again later if Redis is away just now.
    with contextlib.suppress(LogUnavailable):
        teacher_key(app)
        announce_under_flask_run(app)
