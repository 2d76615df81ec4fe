"""Classes: one hosted deployment, many classes, each under ``/c/<code>/`` with its own log, tally,
teacher key and limits.

A class is where the playground is mounted, not code in a view: dispatch.py routes ``/c/<code>/...``
to an app of the class's own, made by create_app with the class's store prefix and teacher key, so
the tutorial's views answer there line for line as at ``/``. registry.py keeps which classes exist
(in Redis with FLASK_REDIS_URL, else in this process) and forgets those idle for FLASK_CLASS_IDLE_DAYS.
``flask --app playground class create NAME`` makes one (cli.py), and so does a teacher who holds the
school's class-making key, at ``/classes/new`` (page.py). ``make run`` and ``make serve`` are
unchanged: one class, at ``/``.
"""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, render_template

from . import page
from .dispatch import APPS, CHECK_SECONDS, ClassDispatcher
from .page import key_refusal
from .registry import IDLE_DAYS, LIMIT, ClassInfo, MemoryRegistry, RedisRegistry, Registry

bp = Blueprint("classes", __name__)

__all__ = ["bp", "init_app", "key_refusal", "open_registry", "page"]

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@bp.route("/c/<code>", methods=METHODS)
@bp.route("/c/<code>/", methods=METHODS)
@bp.route("/c/<code>/<path:rest>", methods=METHODS)
def missing_class(code: str, rest: str = "") -> tuple[str, int]:
    """A code that names no class (mistyped, deleted, or idle too long): a 404 that says what to do."""
    idle_days = current_app.config.get("CLASS_IDLE_DAYS", IDLE_DAYS)
    can_make = bool(current_app.config.get("CLASS_KEY"))
    return render_template("class_missing.html", idle_days=idle_days, can_make=can_make), 404


def open_registry(app: Flask) -> Registry:
    """Where the classes live: beside the store (Redis with FLASK_REDIS_URL, else this process)."""
    idle_seconds = float(app.config.get("CLASS_IDLE_DAYS", IDLE_DAYS)) * 86400
    limit = int(app.config.get("CLASS_LIMIT", LIMIT))
    store = app.extensions["store"]
    if store.kind == "redis":
        from ..stores.redis_store import KEY_NAMES

        prefix = app.config.get("REDIS_PREFIX", "playground:")
        return RedisRegistry(store.redis, prefix, idle_seconds, KEY_NAMES, limit)
    return MemoryRegistry(idle_seconds, limit)


def class_config(app: Flask, registry: Registry, info: ClassInfo, mount: str) -> dict[str, Any]:
    """A class's app's settings: the deployment's, with the class's teacher key, store keys and path."""
    config = dict(app.extensions["class_base_config"])
    classroom_url = app.config.get("CLASSROOM_URL")
    config.update(
        CLASS_CODE=info.code,
        CLASS_NAME=info.name,
        MOUNT_PATH=mount,
        TEACHER_KEY=info.teacher_key,
        SECRET_KEY=app.config["SECRET_KEY"],
        # The class's session (its teacher's mark, its CSRF token) goes only to the class's own pages.
        SESSION_COOKIE_NAME="class_session",
        SESSION_COOKIE_PATH=f"{mount}/",
        # The deployment's app already trusted the proxies (ProxyFix wraps the dispatcher).
        PROXY_HOPS=0,
        CLASSROOM_URL=f"{classroom_url.rstrip('/')}/c/{info.code}/" if classroom_url else None,
    )
    if isinstance(registry, RedisRegistry):
        config["REDIS_PREFIX"] = registry.class_prefix(info.code)
    return config


def init_app(app: Flask, test_config: dict[str, Any] | None, create_app: Callable[..., Flask]) -> None:
    """Route ``/c/<code>/`` to the classes' apps, each made by ``create_app`` (the package's factory,
    handed in so that this package never imports the one above it); an unknown code gets the 404 page."""
    app.extensions["class_factory"] = create_app
    registry = app.extensions["classes"] = open_registry(app)
    app.extensions["class_base_config"] = dict(test_config or {})
    app.register_blueprint(bp)
    app.extensions["class_key_tries"] = page.open_tries(app)
    app.register_blueprint(page.bp)

    def make_app(info: ClassInfo, mount: str) -> Flask:
        made = create_app(class_config(app, registry, info, mount))
        # Per process, not per class: the streams and exports each take a server thread.
        for shared in ("open_streams", "open_exports"):
            made.extensions[shared] = app.extensions[shared]
        return made

    dispatcher = ClassDispatcher(
        app.wsgi_app,
        registry,
        make_app,
        max_apps=int(app.config.get("CLASS_APPS", APPS)),
        check_seconds=float(app.config.get("CLASS_CHECK_SECONDS", CHECK_SECONDS)),
        root=str(app.config.get("APPLICATION_ROOT") or "/"),
    )
    app.extensions["class_dispatcher"] = dispatcher
    app.wsgi_app = dispatcher  # type: ignore[method-assign]
    from . import cli

    app.cli.add_command(cli.group)
