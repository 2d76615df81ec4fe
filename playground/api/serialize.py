"""An exchange as the API, the live log and the HAR export send it: explained, shown to each
reader as they may see it (audience.py), and bounded in bytes as sent.

The one place other parts of the playground (the live log's stream, the predictions) read the
recorder's log and turn an exchange into JSON; the API's routes are in routes.py.
"""

from typing import Any

from flask import Response, current_app

from ..recording.exchange import Exchange
from ..recording.explain import explain
from ..recording.middleware import Recorder
from ..stores import LogUnavailable
from .audience import Audience, for_the_class

PAGE_SIZE = 100
"""At most this many exchanges in one answer."""
READER_BYTES = 1024 * 1024
"""At most this many bytes in one page of /api/exchanges and in a new live log's backlog
(FLASK_READER_BYTES): any one exchange is far smaller (tests/test_exports.py builds the largest)."""


def unavailable(error: LogUnavailable) -> tuple[dict[str, str], int, dict[str, str]]:
    """The shared log is away (Redis down or slow): one sentence, and when to ask again."""
    return {"error": str(error)}, 503, {"Retry-After": "2"}


def recorder() -> Recorder:
    return current_app.extensions["recorder"]


LOG_PATHS = (
    "/userDetails",
    "/userSignUp",
    "/make_response/userDetails",
    "/make_response/userSignUp",
    "/status/",
    "/respond/",
)
"""The live log's path filter: each path, or every path under it where it ends with /."""


def path_matches(sent_path: str, wanted: str, mount: str = "") -> bool:
    """The live log's path rule, its one place: a path, or a prefix when it ends with /. A class's
    exchanges are recorded with its prefix (``/c/<code>/userDetails``): `mount` is taken off first."""
    if mount and sent_path.startswith(f"{mount}/"):
        sent_path = sent_path[len(mount) :]
    return not wanted or (sent_path.startswith(wanted) if wanted.endswith("/") else sent_path == wanted)


def exchange_json(exchange: Exchange, with_source: bool = False) -> dict[str, Any]:
    return {
        # The live log's path filters this exchange passes: the page filters by them, never by a
        # copy of the rule (path_matches).
        "log_paths": [
            wanted
            for wanted in LOG_PATHS
            if path_matches(exchange.request["path"], wanted, current_app.config.get("MOUNT_PATH", ""))
        ],
        "id": exchange.id,
        "time": exchange.time,
        "client": exchange.client,
        "request": exchange.request,
        "response": exchange.response,
        "duration_ms": exchange.duration_ms,
        "view": exchange.view,
        "explanation": explain(current_app, exchange, with_source),
    }


def visible_json(
    exchange: Exchange, with_source: bool = False, audience: Audience | None = None
) -> dict[str, Any]:
    """The exchange as this viewer may see it: whole for the teacher and for its own sender."""
    entry = exchange_json(exchange, with_source)
    audience = audience or Audience.now()
    return entry if audience.sees_everything(exchange.client) else for_the_class(entry)


def to_json(value: Any) -> str:
    """JSON as jsonify writes it outside debug mode (ASCII, sorted keys, no spaces): what is sent."""
    return current_app.json.dumps(value, separators=(",", ":"))


def bounded_page(found: list[Exchange], newest: bool, with_source: bool = False) -> Response:
    """A JSON array of exchanges, at most READER_BYTES as sent: the oldest of `found` first, or, with
    `newest`, the newest that fit. Always at least one, so a reader paging with ?after= goes on."""
    budget = current_app.config.get("READER_BYTES", READER_BYTES)
    audience = Audience.now()
    parts: list[str] = []
    size = len("[]\n")
    for exchange in reversed(found) if newest else found:
        part = to_json(visible_json(exchange, with_source, audience=audience))
        if parts and size + len(part) + 1 > budget:
            break
        parts.append(part)
        size += len(part) + 1
    if newest:
        parts.reverse()
    return Response("[" + ",".join(parts) + "]\n", mimetype="application/json")
