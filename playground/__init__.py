"""Flask Status Playground: the tutorial's endpoints, pages that post to them, and the raw answer."""

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, builder, classes, classroom, lab, pages, recording, status_codes, stores
from .endpoints import LISTINGS
from .guards import allocator, body_limit, compression, csrf, debugger, header_limit, security
from .recording.capture import BODY_CAP
from .recording.exchange import TAG_HEADER
from .recording.explain import STATUS_CLASSES
from .stores import UnsafeConfiguration
from .version import VERSION

__version__ = VERSION

DEFAULTS: dict[str, Any] = {
    # Over this many bytes a request body gets 413 on every route, so a classroom server cannot
    # be flooded. The tutorial's bare app has no such limit: this is the one deliberate difference.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # How many exchanges the recorder keeps, and how many bytes they may hold in all: the oldest go
    # first, so memory stays flat.
    "EXCHANGE_LOG_SIZE": recording.LOG_SIZE,
    "EXCHANGE_LOG_BYTES": recording.LOG_BYTES,
    # Over this many bytes of headers a request gets 431 on every route (header_limit.py).
    "MAX_HEADER_BYTES": header_limit.MAX_HEADER_BYTES,
    # CSRF is checked by the playground's own blueprints (csrf.protect_own_routes), not by a hook on
    # every request: the endpoints take no token, and need not pay for the check.
    "WTF_CSRF_CHECK_DEFAULT": False,
    # The session (the teacher's, the CSRF token's) travels only with requests this site's own
    # pages make: never with one from another site, nor from the code lab's opaque-origin sandbox.
    "SESSION_COOKIE_SAMESITE": "Strict",
    "SESSION_COOKIE_HTTPONLY": True,
}


def _folder(name: str) -> str:
    """templates/ or static/: inside the package once installed (the wheel maps them there), beside
    it in the repository."""
    inside = Path(__file__).resolve().parent / name
    return str(inside if inside.is_dir() else inside.parent.parent / name)


def page_facts() -> dict[str, Any]:
    """What every page's scripts read from <body>: the status classes' names, the header a page tags
    its requests with, and how much of a body the log keeps; and, in a school's class, its name."""
    return {
        "class_name": current_app.config.get("CLASS_NAME"),
        "page_facts": {
            "status-classes": {str(digit): name for digit, (name, _meaning) in STATUS_CLASSES.items()},
            "tag-header": TAG_HEADER,
            "body-cap": BODY_CAP,
        },
    }


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the playground: the tutorial's listings as blueprints, plus the pages around them."""
    app = Flask(__name__, template_folder=_folder("templates"), static_folder=_folder("static"))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    if why := stores.refusal(app.config) or classes.key_refusal(app.config):
        raise UnsafeConfiguration(why)
    debugger.init_app(app)
    if not app.config.get("SECRET_KEY"):
        # Generated at start, never committed: set FLASK_SECRET_KEY to keep sessions across restarts.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    # Before the server's threads build answers: their freed memory then goes back (allocator.py).
    allocator.limit_arenas()
    store = app.extensions["store"] = stores.open_store(app)

    body_limit.init_app(app)
    csrf.init_app(app)
    # The tutorial's endpoints take no token, exactly like its curl commands; neither do the
    # playground's own endpoints (/status, /respond). All of them are recorded.
    endpoints = [*LISTINGS.values(), status_codes.bp, builder.bp]
    for blueprint in [*LISTINGS.values(), status_codes.bp]:
        app.register_blueprint(blueprint)
    builder.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(lab.bp)
    api.init_app(app)
    classroom.init_app(app)
    # A page or API call that needs the shared log while Redis is away gets one sentence, as JSON.
    app.register_error_handler(stores.LogUnavailable, api.unavailable)
    own_blueprints = [
        pages.bp.name,
        lab.bp.name,
        api.bp.name,
        classroom.bp.name,
        classes.bp.name,
        classes.page.bp.name,
    ]
    security.init_app(app, own_blueprints=own_blueprints)
    compression.init_app(app, own_blueprints=own_blueprints)
    # Last, so that its hook runs just before the view: the recorder wraps the whole app.
    recording.init_app(app, recorded_blueprints=[blueprint.name for blueprint in endpoints], log=store.log)
    # Outside even the recorder: oversized headers are refused before anything keeps them.
    header_limit.init_app(app)
    # Facts the pages' scripts need, from the one place each is kept (base.html's data- attributes).
    app.context_processor(page_facts)
    if not app.config.get("CLASS_CODE"):
        # The deployment's own app routes /c/<code>/ to its classes' apps (each made here too).
        classes.init_app(app, test_config, create_app)
    if app.config.get("PROXY_HOPS"):
        # Behind FLASK_PROXY_HOPS proxies (a school's), the learner's own address is the one every
        # per-address limit counts and the log records; never trusted without the setting.
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app
