"""``/classes/new``: a teacher who holds the school's class-making key (FLASK_CLASS_KEY) makes a class
from a page, as the operator does with ``flask --app playground class create NAME``, and gets the
same two links.

Only the deployment's own app serves it (a class's app has no such page). The key is a secret that
makes classes for anyone who has it, so the page guards it as the teacher link is guarded:
- it travels only in a POST body with the CSRF token, never in a URL, and the page is not one the
  recorder keeps (only the tutorial's endpoints and the playground's own are recorded), so it is in
  no class's log, API, stream or HAR; a wrong try is logged with its address, never its key;
- it is compared in constant time (hmac.compare_digest), and never written back into the page;
- each address has FLASK_CLASS_KEY_TRIES wrong tries per quarter of an hour (guards/tries.py, in
  Redis with it, so every worker counts together); past them even the right key is refused, so the
  refusal tells a guesser nothing;
- a key shorter than KEY_CHARS stops the app at start (key_refusal), so no key is weak enough to guess
  within the tries; unset, the page only says how to turn it on.
Every class it makes counts against FLASK_CLASS_LIMIT, enforced by the registry itself.
"""

import hmac
import math
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, current_app, make_response, render_template, request
from werkzeug.wrappers import Response

from ..guards import csrf
from ..guards.tries import TRIES, WINDOW_SECONDS, MemoryTries, RedisTries, Tries
from .cli import links
from .form import NewClassForm
from .registry import IDLE_DAYS, ClassLimitReached

bp = Blueprint("class_page", __name__)
bp.before_request(csrf.protect)

KEY_CHARS = 16
"""A class-making key has at least this many characters: 16 random ones are beyond any guessing."""


def key_refusal(config: Mapping[str, Any]) -> str | None:
    """Why the playground must not start with this class-making key, in one line; None if it may."""
    key = config.get("CLASS_KEY")
    if key is None or key == "" or (isinstance(key, str) and len(key) >= KEY_CHARS):
        return None
    return (
        f"FLASK_CLASS_KEY must be text of at least {KEY_CHARS} characters (letters among them, so that "
        "it is not read as a number), so that nobody finds it by trying: for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(24))'`."
    )


def open_tries(app: Flask) -> Tries:
    """Where wrong keys are counted: in Redis beside the classes with FLASK_REDIS_URL, else here."""
    limit = int(app.config.get("CLASS_KEY_TRIES", TRIES))
    store = app.extensions["store"]
    if store.kind == "redis":
        prefix = app.config.get("REDIS_PREFIX", "playground:")
        return RedisTries(store.redis, f"{prefix}class-key-tries:", limit, WINDOW_SECONDS)
    return MemoryTries(limit, WINDOW_SECONDS)


def _page(form: NewClassForm | None = None, status: int = 200, **shown: Any) -> Response:
    idle_days = current_app.config.get("CLASS_IDLE_DAYS", IDLE_DAYS)
    response = make_response(
        render_template("class_new.html", form=form, idle_days=idle_days, **shown), status
    )
    # The answer may hold a teacher link: no cache, nor the browser's back-forward one, keeps it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/classes/new", methods=["GET", "POST"])
def new_class() -> Response:
    """Make a class from a page: its name and the school's class-making key in, its two links out."""
    key = current_app.config.get("CLASS_KEY")
    if not key:
        return _page(off=True, status=403 if request.method == "POST" else 200)
    form = NewClassForm()
    if request.method == "GET":
        return _page(form)
    client = request.remote_addr or ""
    tries: Tries = current_app.extensions["class_key_tries"]
    # Counted before it is judged (taken back below unless the key is wrong): tries sent together
    # cannot all pass this check before any of them is counted.
    wait = tries.take(client)
    if wait > 0:
        minutes = math.ceil(wait / 60)
        error = (
            f"Too many wrong keys from this address: try again in {minutes} minute{'s' * (minutes != 1)}, "
            "or ask whoever runs this server to make the class."
        )
        response = _page(form, 429, error=error)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    valid = form.validate()
    given = form.class_key.data or ""
    if given and not hmac.compare_digest(given.encode(), str(key).encode()):
        current_app.logger.warning("A wrong class-making key from %s at /classes/new.", client)
        form.class_key.errors = [
            "That is not the school's class-making key: check it with whoever runs this server."
        ]
        return _page(form, 403)
    tries.forgive(client)  # the right key, or none yet: no wrong try
    if not valid:
        return _page(form, 400)
    try:
        info = current_app.extensions["classes"].create(form.name.data)
    except ClassLimitReached as reached:
        return _page(form, 409, error=str(reached))
    except ValueError as refused:
        form.name.errors = [str(refused)]
        return _page(form, 400)
    base = current_app.config.get("CLASSROOM_URL") or request.url_root
    home, teacher = links(info, base if base.endswith("/") else f"{base}/")
    current_app.logger.info("Class %r (%s) made from the page by %s.", info.name, info.code, client)
    return _page(made=info, home=home, teacher=teacher, status=201)
