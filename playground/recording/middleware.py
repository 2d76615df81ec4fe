"""The recorder: one exchange for every request to a real endpoint, kept in the app's log.

It lives around the app, never inside a view: a WSGI middleware sees the request and the response
exactly as the app emitted them (status line, headers in their order and case, body), and Flask
signals tell it which view ran, which line of it returned or raised, and which exception lay behind
an error status. Nothing it does reaches the endpoints' answers.
"""

import sys
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask, got_request_exception, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter, Rule

from ..stores.memory import MemoryLog
from .capture import BODY_CAP, CappedHeaders, Capture, TeeInput, capped, environ_headers
from .exchange import Exchange, RawExchange, latin1_to_text
from .trace import TRACE_KEY, UntracedFormRequest, ViewTrace, facts_of, tracer

ADDED_KEY = "playground.added_headers"
"""Where, in the WSGI environ, the playground notes the headers it added to an answer, and why
(builder/sandbox.py): the record shows them as the playground's, not the view's."""
NOTES_KEY = "playground.notes"
"""Where, in the WSGI environ, a part of the playground notes facts of its own for the explainer
(the builder: the values its view answered with), kept with the exchange's facts."""


LOG_SIZE = 500
"""How many exchanges the log keeps (EXCHANGE_LOG_SIZE): the oldest go first, so memory stays flat."""
LOG_BYTES = 32 * 1024 * 1024
"""How many bytes the log's exchanges may hold in all (EXCHANGE_LOG_BYTES)."""


def note(name: str, value: Any) -> None:
    """Keep a plain, JSON-able fact with this request's exchange, for an explainer to read."""
    request.environ.setdefault(NOTES_KEY, {})[name] = value


class Recorder:
    """The WSGI middleware and the Flask hooks that together record every exchange."""

    def __init__(self, app: Flask, recorded_blueprints: Iterable[str], log: Any = None) -> None:
        self.app = app
        # Where exchanges go: the app's store (stores/), or a log of its own (the code lab's app).
        self.log = (
            log
            if log is not None
            else MemoryLog(app.config["EXCHANGE_LOG_SIZE"], app.config["EXCHANGE_LOG_BYTES"])
        )
        self.recorded_blueprints = set(recorded_blueprints)
        self._routes: tuple[tuple[str, ...], MapAdapter] | None = None
        self.wsgi_app = app.wsgi_app
        app.wsgi_app = self  # type: ignore[method-assign]
        app.request_class = UntracedFormRequest
        app.before_request(self._start_tracing)
        app.teardown_request(self._stop_tracing)
        app.register_error_handler(HTTPException, self._note_http_exception)
        got_request_exception.connect(self._note_unhandled_exception, app)

    # -- Which requests are recorded --------------------------------------------------------------

    def _recorded_routes(self) -> tuple[tuple[str, ...], MapAdapter]:
        # The recorded endpoints' rules without their methods, so that a 405 is matched as well;
        # and the static start of each rule, so that any other request is let through at once.
        if self._routes is None:
            rules = [
                Rule(rule.rule, endpoint=rule.endpoint, strict_slashes=rule.strict_slashes)
                for rule in self.app.url_map.iter_rules()
                if rule.endpoint.split(".")[0] in self.recorded_blueprints
            ]
            prefixes = tuple({rule.rule.split("<")[0] for rule in rules})
            self._routes = prefixes, Map(rules, converters=self.app.url_map.converters).bind("localhost")
        return self._routes

    def recorded_endpoint(self, environ: dict[str, Any]) -> str | None:
        prefixes, _ = self._recorded_routes()
        path = environ.get("PATH_INFO", "")
        if not path.startswith(prefixes):
            return None
        return self._match(path)

    @lru_cache(maxsize=1024)  # noqa: B019 (one recorder per app, kept as long as the app)
    def _match(self, path: str) -> str | None:
        """The recorded endpoint a path belongs to, whatever the method; the same paths come often."""
        try:
            endpoint, _ = self._recorded_routes()[1].match(latin1_to_text(path))
        except HTTPException:
            return None
        return endpoint

    # -- The WSGI side ----------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        endpoint = self.recorded_endpoint(environ)
        if endpoint is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        trace = environ[TRACE_KEY] = ViewTrace(endpoint)
        request_body = Capture()
        environ["wsgi.input"] = TeeInput(environ["wsgi.input"], request_body)
        emitted: dict[str, Any] = {}

        def capture_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            emitted["status"], emitted["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        # The answer is read whole before the server sends it, so that its exchange is in the log
        # by the time the client has the answer (the page looks its own exchange up right after).
        app_iter = self.wsgi_app(environ, capture_start_response)
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        # A body refused for its size stays unread: its sender may never send all it declared.
        self._read_unread_body(environ, request_body, read=not emitted.get("status", "").startswith("413"))
        self.log.add(self._exchange(environ, trace, request_body, emitted, body, started))
        return [body]

    @staticmethod
    def _read_unread_body(environ: dict[str, Any], capture: Capture, read: bool) -> None:
        """Keep the start of a body the view never read (a 405, a GET): it is part of the request.

        Only up to the declared length, and only as much as the log keeps; the size is the declared one.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        missing = min(BODY_CAP, length) - capture.size
        if read and missing > 0:
            environ["wsgi.input"].read(missing)
        capture.size = max(capture.size, length)

    def _exchange(
        self,
        environ: dict[str, Any],
        trace: ViewTrace,
        request_body: Capture,
        emitted: dict[str, Any],
        body: bytes,
        started: float,
    ) -> Exchange:
        duration_ms = round((time.perf_counter() - started) * 1000, 3)
        raw = RawExchange(
            method=environ.get("REQUEST_METHOD", ""),
            path=capped(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
            query=capped(environ.get("QUERY_STRING", "")),
            protocol=environ.get("SERVER_PROTOCOL", ""),
            environ_headers=CappedHeaders.of(environ_headers(environ)),
            request_body=request_body,
            status_line=capped(emitted.get("status", "")),
            response_headers=CappedHeaders.of(emitted.get("headers", [])),
            response_body=body[:BODY_CAP],
            response_size=len(body),
            added_headers=dict(environ.get(ADDED_KEY, {})),
        )
        return Exchange(
            id=0,  # numbered by the log as it keeps it
            started_at=time.time() - duration_ms / 1000,
            client=environ.get("REMOTE_ADDR") or "",
            raw=raw,
            duration_ms=duration_ms,
            view=trace.endpoint,
            facts={**facts_of(self.app, trace), "notes": environ.get(NOTES_KEY, {})},
        )

    # -- The Flask side ---------------------------------------------------------------------------

    def _start_tracing(self) -> None:
        """Just before the view runs: follow it, to learn which of its lines returned or set the status."""
        # Not under a debugger or coverage tool: their own trace function must not be replaced.
        if sys.gettrace() is not None:
            return
        trace: ViewTrace | None = request.environ.get(TRACE_KEY)
        view = self.app.view_functions.get(request.endpoint or "")
        if trace is None or view is None:
            return
        trace.view_code = view.__code__
        sys.settrace(tracer(trace))

    def _stop_tracing(self, _exc: BaseException | None) -> None:
        # The tracer stops itself when the view returns; this covers a view that raised.
        if TRACE_KEY in request.environ:
            sys.settrace(None)

    def _note_http_exception(self, error: HTTPException) -> HTTPException:
        """Note the exception behind an error status, and answer exactly as Flask would without us."""
        trace = request.environ.get(TRACE_KEY)
        if trace is not None and trace.exception is None:
            trace.exception = error
        return error

    def _note_unhandled_exception(self, _sender: Flask, exception: BaseException, **_: Any) -> None:
        trace = request.environ.get(TRACE_KEY)
        if trace is not None:
            trace.exception = exception


def init_app(app: Flask, recorded_blueprints: Iterable[str], log: Any = None) -> Recorder:
    app.config.setdefault("EXCHANGE_LOG_SIZE", LOG_SIZE)
    app.config.setdefault("EXCHANGE_LOG_BYTES", LOG_BYTES)
    recorder = Recorder(app, recorded_blueprints, log)
    app.extensions["recorder"] = recorder
    return recorder
