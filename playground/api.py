"""The playground's JSON API over the recorder's exchange log."""

from typing import Any

from flask import Blueprint, abort, current_app, request

from . import csrf_guard
from .explain import explain, highlighted, view_source
from .recorder import Exchange, Recorder

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(csrf_guard.protect)


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


@bp.get("/exchanges")
def exchanges() -> list[dict[str, Any]]:
    """Every exchange still in the log, newest last; ?after=<id> for the newer ones, ?tag= to find one."""
    after = request.args.get("after", 0, type=int)
    tag = request.args.get("tag")
    found = recorder().log.after(after)
    if tag is not None:
        found = [e for e in found if e.tagged(tag)]
    return [exchange_json(e) for e in found]


@bp.get("/exchanges/<int:exchange_id>")
def exchange(exchange_id: int) -> dict[str, Any]:
    """One exchange, with its view's highlighted source and the deciding line marked."""
    found = recorder().log.get(exchange_id)
    if found is None:
        abort(404, description=f"No exchange {exchange_id}: it never existed or the log has moved past it.")
    return exchange_json(found, with_source=True)


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
