"""The playground's JSON API over the recorder's exchange log: its routes.

What one reader receives is bounded in bytes, measured as sent (after JSON escaping, which can make a
kept byte six): a page of `/api/exchanges` holds at most PAGE_SIZE exchanges and READER_BYTES bytes,
and the HAR export of the log is streamed, one entry at a time, and stops at EXPORT_BYTES. One export
of the log runs at a time per client address (429 beyond it).
"""

import json
import threading
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request

from ..guards import csrf
from ..guards.allocator import give_back_memory
from ..guards.slots import Slots
from ..recording.exchange import Exchange
from ..recording.explain import highlighted, view_source
from ..stores import LogUnavailable
from ..version import VERSION
from .audience import Audience
from .har import har_entry, har_log, har_stream
from .serialize import PAGE_SIZE, bounded_page, path_matches, recorder, to_json, visible_json

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(csrf.protect)

EXPORT_BYTES = 8 * 1024 * 1024
"""At most this many bytes in one HAR export of the log (FLASK_EXPORT_BYTES); it says where it
stopped, and ?after= asks for the next part."""
EXPORT_PAGE = 50
"""An export reads the log this many exchanges at a time: the whole log is never in memory at once."""
EXPORTS_PER_CLIENT = 1
"""Exports of the whole log running at once from one address (FLASK_EXPORTS_PER_CLIENT)."""
EXPORT_LIMIT = 32
"""Exports running at once in all (FLASK_EXPORT_LIMIT): each holds a server thread while it sends."""
EXPORT_RETRY_AFTER = 5
"""Beyond a limit, the 429 says to try again after this many seconds."""


@bp.get("/exchanges")
def exchanges() -> Response:
    """The newest exchanges, newest last; ?after=<id> pages on from an id, ?tag= finds a page's own
    (each with its view's highlighted source).

    At most PAGE_SIZE at a time (?limit= asks for fewer) and READER_BYTES: with ?after=, the oldest
    ones after it, so a reader pages on with the last id it got; without, the newest.
    """
    after = request.args.get("after", 0, type=int)
    limit = max(1, min(request.args.get("limit", PAGE_SIZE, type=int), PAGE_SIZE))
    tag = request.args.get("tag")
    log = recorder().log
    oldest_first = "after" in request.args
    if tag is not None:
        # A page's own exchanges, with everything it shows (the explanation, the view's highlighted
        # source, every hop of a redirect): one read per answer.
        found = [e for e in log.tagged(tag) if e.id > after]
        found = found[:limit] if oldest_first else found[-limit:]
        return bounded_page(found, newest=not oldest_first, with_source=True)
    elif oldest_first:
        found = log.after(after, limit)
    else:
        found = log.newest(limit)
    return bounded_page(found, newest=not oldest_first)


class ExportCount(Slots):
    """Exports of the whole log running now, in all and per client address."""

    def try_open(self, client: str, limit: int, per_client: int) -> str | None:
        """Count one more export, or say why not (the sentence the 429 gives)."""
        refused = self.take(client, limit, per_client)
        if refused == "client":
            return "This address is already downloading the log: try again when that download has finished."
        if refused == "all":
            return f"{limit} exports of the log are running already: try again in a few seconds."
        return None

    def closed(self, client: str) -> None:
        if self.give_back(client):
            give_back_memory()


def _shown_on_the_log(exchange: Exchange, path: str, status_class: str, mount: str = "") -> bool:
    """The live log's filters: a path (a prefix when it ends with /) and a status class digit."""
    return path_matches(exchange.request["path"], path, mount) and str(
        exchange.response["status"]
    ).startswith(status_class)


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/exchanges.har")
def exchanges_har() -> Response:
    """The whole log as HAR 1.2, or what the live log's filters show (?path=, ?class=), from ?after=.

    Streamed: the log is read EXPORT_PAGE exchanges at a time and each entry rendered as it is sent.
    """
    config = current_app.config
    exports: ExportCount = current_app.extensions["open_exports"]
    client = request.remote_addr or ""
    refusal = exports.try_open(
        client,
        config.get("EXPORT_LIMIT", EXPORT_LIMIT),
        config.get("EXPORTS_PER_CLIENT", EXPORTS_PER_CLIENT),
    )
    if refusal:
        retry = str(config.get("EXPORT_RETRY_AFTER", EXPORT_RETRY_AFTER))
        return Response(
            json.dumps({"error": refusal}), 429, {"Retry-After": retry}, mimetype="application/json"
        )
    try:
        log = recorder().log
        newest = log.recorded  # an export of what was there when it was asked for: it ends
        first = log.after(request.args.get("after", 0, type=int), EXPORT_PAGE)
    except BaseException:
        exports.closed(client)
        raise
    path, status_class = request.args.get("path", ""), request.args.get("class", "")
    mount = config.get("MOUNT_PATH", "")
    origin = request.host_url.rstrip("/")
    audience = Audience.now()
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def wanted() -> Iterator[Exchange]:
        page = first
        while page:
            for exchange in page:
                if exchange.id > newest:
                    return
                if _shown_on_the_log(exchange, path, status_class, mount):
                    yield exchange
            page = log.after(page[-1].id, EXPORT_PAGE)

    def render(exchange: Exchange) -> dict[str, Any]:
        with app.app_context():
            return har_entry(visible_json(exchange, audience=audience), origin)

    def dumps(value: Any) -> str:
        with app.app_context():
            return to_json(value)

    released = threading.Lock()

    def release() -> None:
        # Called when the body ends and when the server closes the answer: counted once.
        if released.acquire(blocking=False):
            exports.closed(client)

    def body() -> Iterator[str]:
        entries = ((exchange.id, lambda e=exchange: render(e)) for exchange in wanted())
        budget = config.get("EXPORT_BYTES", EXPORT_BYTES)
        try:
            yield from har_stream(entries, VERSION, budget, dumps, on_failure=LogUnavailable)
        finally:
            release()  # sent whole (or the client left): the address may export again

    response = Response(body(), mimetype="application/json")
    # Every WSGI server closes the answer, even one whose client left before a byte was sent.
    response.call_on_close(release)
    return _attachment(response, "playground-exchanges.har")


@bp.get("/exchanges/<int:exchange_id>.har")
def exchange_har(exchange_id: int) -> Response:
    """One exchange as HAR 1.2."""
    found = recorder().log.get(exchange_id)
    if found is None:
        abort(404, description=f"No exchange {exchange_id}: it never existed or the log has moved past it.")
    har = har_log([visible_json(found)], request.host_url.rstrip("/"), VERSION)
    response = Response(to_json(har) + "\n", mimetype="application/json")
    return _attachment(response, f"playground-exchange-{exchange_id}.har")


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


def init_app(app: Flask) -> None:
    app.extensions["open_exports"] = ExportCount()
    app.register_blueprint(bp)
