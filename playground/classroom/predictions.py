"""Predict first: how the class predicted each request shape, counts only, no names.

Bounded like everything a class can send: one prediction per exchange per browser (a browser is its
signed session) and one per request shape per client address (the learner's address, as
FLASK_PROXY_HOPS makes it: fresh cookies don't make a new voter, and a row of the tally never counts
more predictions than addresses voted), a capped number for any one exchange and any one shape,
shapes built from a short, fixed vocabulary (method, the route, a known content type, the tutorial's
keys), and a capped number of shapes until the teacher resets the tally. The caps are
stores.TallyLimits (settable), kept by the store.
"""

import secrets
from typing import Any

from flask import abort, current_app, request, session

from ..api.serialize import recorder
from ..recording.exchange import Exchange
from . import bp
from .teacher import require_teacher

KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
KNOWN_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "application/json", "text/plain"}
TUTORIAL_KEYS = ("username", "password", "firstname", "lastname")


def tally() -> Any:
    """The store's tally (stores/): in this process, or in Redis for every worker."""
    return current_app.extensions["store"].tally


def request_shape(exchange: Exchange) -> str:
    """What makes two requests the same question: method, route, content type and the keys sent.

    Every part comes from a short, fixed vocabulary, so a shape is short whatever was sent.
    """
    req = exchange.request
    method = req["method"] if req["method"] in KNOWN_METHODS else "other method"
    content_type = next((v for n, v in req["headers"] if n.lower() == "content-type"), "")
    content_type = content_type.split(";")[0].strip().lower() or "no body"
    if content_type not in KNOWN_TYPES | {"no body"}:
        content_type = "other type"
    keys = [key for key in TUTORIAL_KEYS if _sent(key, req["body"], req["query"])]
    return f"{method} {_route(exchange)} ({content_type}; {', '.join(keys) or 'no fields'})"


def _route(exchange: Exchange) -> str:
    """The path for the tutorial's endpoints; the rule for /status and /respond, whose paths are endless."""
    path = exchange.request["path"]
    if path.startswith(("/status/", "/respond/")):
        return f"/{path.split('/')[1]}/…"
    return path[:60]


def _sent(key: str, body: str, query: str) -> bool:
    return f"{key}=" in body or f'name="{key}"' in body or f'"{key}"' in body or f"{key}=" in query


def _browser() -> str:
    """This browser's id, kept in its signed session (the CSRF token lives there too)."""
    if "browser" not in session:
        session["browser"] = secrets.token_hex(8)
    return session["browser"]


@bp.post("/api/predictions")
def predict() -> tuple[dict[str, Any], int]:
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
    refusal = tally().add(exchange_id, _browser(), request.remote_addr or "", shape, predicted, actual)
    if refusal:
        abort(409 if "already" in refusal else 429, description=refusal)
    return {"shape": shape, "predicted": predicted, "actual": actual, "right": predicted == actual}, 200


@bp.get("/api/predictions")
def predictions() -> list[dict[str, Any]]:
    return tally().rows()


@bp.post("/api/predictions/reset")
def reset_predictions() -> tuple[str, int]:
    """Start the tally afresh (the teacher's browser only); every open live log is told on its stream."""
    require_teacher()
    tally().clear()
    recorder().log.predictions_reset()
    return "", 204
