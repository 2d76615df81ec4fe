"""The playground's JSON API over the recorder's exchange log."""

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from . import csrf_guard
from .audience import for_the_class, sees_everything
from .explain import explain, highlighted, view_source
from .har import har_log
from .recorder import Exchange, Recorder
from .stores import LogUnavailable

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(csrf_guard.protect)


def unavailable(error: LogUnavailable) -> tuple[dict[str, str], int, dict[str, str]]:
    """The shared log is away (Redis down or slow): one sentence, and when to ask again."""
    return {"error": str(error)}, 503, {"Retry-After": "2"}


def recorder() -> Recorder:
    return current_app.extensions["recorder"]


def exchange_json(exchange: Exchange, with_source: bool = False) -> dict[str, Any]:
    return {
        "id": exchange.id,
        "time": exchange.time,
        "client": exchange.client,
        "request": exchange.request,
        "response": exchange.response,
        "duration_ms": exchange.duration_ms,
        "view": exchange.view,
        "explanation": explain(current_app, exchange, with_source),
    }


PAGE_SIZE = 100
"""At most this many exchanges in one answer: what one reader receives is bounded."""


def visible_json(exchange: Exchange, with_source: bool = False) -> dict[str, Any]:
    """The exchange as this viewer may see it: whole for the teacher and for its own sender."""
    entry = exchange_json(exchange, with_source)
    return entry if sees_everything(exchange.client) else for_the_class(entry)


@bp.get("/exchanges")
def exchanges() -> list[dict[str, Any]]:
    """The newest exchanges, newest last; ?after=<id> pages on from an id, ?tag= finds a page's own.

    At most PAGE_SIZE at a time (?limit= asks for fewer): with ?after=, the oldest ones after it, so a
    reader pages on with the last id it got; without, the newest.
    """
    after = request.args.get("after", 0, type=int)
    limit = max(1, min(request.args.get("limit", PAGE_SIZE, type=int), PAGE_SIZE))
    tag = request.args.get("tag")
    log = recorder().log
    if tag is not None:
        found = [e for e in log.tagged(tag) if e.id > after]
        found = found[:limit] if "after" in request.args else found[-limit:]
    elif "after" in request.args:
        found = log.after(after, limit)
    else:
        found = log.newest(limit)
    return [visible_json(e) for e in found]


def _har(exchanges: list[Exchange], filename: str) -> Response:
    from . import __version__

    har = har_log([visible_json(e) for e in exchanges], request.host_url.rstrip("/"), __version__)
    response = jsonify(har)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _shown_on_the_log(exchange: Exchange, path: str, status_class: str) -> bool:
    """The live log's filters: a path (a prefix when it ends with /) and a status class digit."""
    sent_path = exchange.request["path"]
    path_ok = not path or (sent_path.startswith(path) if path.endswith("/") else sent_path == path)
    return path_ok and str(exchange.response["status"]).startswith(status_class)


@bp.get("/exchanges.har")
def exchanges_har() -> Response:
    """The whole log as HAR 1.2, or what the live log's filters show (?path=, ?class=)."""
    path, status_class = request.args.get("path", ""), request.args.get("class", "")
    found = [e for e in recorder().log.after(0) if _shown_on_the_log(e, path, status_class)]
    return _har(found, "playground-exchanges.har")


@bp.get("/exchanges/<int:exchange_id>.har")
def exchange_har(exchange_id: int) -> Response:
    """One exchange as HAR 1.2."""
    found = recorder().log.get(exchange_id)
    if found is None:
        abort(404, description=f"No exchange {exchange_id}: it never existed or the log has moved past it.")
    return _har([found], f"playground-exchange-{exchange_id}.har")


@bp.get("/exchanges/<int:exchange_id>")
def exchange(exchange_id: int) -> dict[str, Any]:
    """One exchange, with its view's highlighted source and the deciding line marked."""
    found = recorder().log.get(exchange_id)
    if found is None:
        abort(404, description=f"No exchange {exchange_id}: it never existed or the log has moved past it.")
    return visible_json(found, with_source=True)


@bp.get("/views/<endpoint>")
def view(endpoint: str) -> dict[str, Any]:
    """A recorded view's source, highlighted: what will answer before anything is sent."""
    if endpoint.split(".")[0] not in recorder().recorded_blueprints:
        abort(404, description=f"No recorded view {endpoint!r}.")
    source = view_source(current_app, endpoint)
    if source is None:
        abort(404, description=f"No recorded view {endpoint!r}.")
    return {
        "view": endpoint,
        "source_html": highlighted(source[0], source[1], None),
        "source_start": source[1],
    }
