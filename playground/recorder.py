"""The recorder: one exchange for every request to a real endpoint, kept in a bounded log.

It lives around the app, never inside a view: a WSGI middleware sees the request and the response
exactly as the app emitted them (status line, headers in their order and case, body), and Flask
signals tell it which view ran, which line of it returned or raised, and which exception lay behind
an error status. Nothing it does reaches the endpoints' answers.
"""

import io
import itertools
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import CodeType, FrameType, TracebackType
from typing import Any

from flask import Flask, got_request_exception, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response as WerkzeugResponse

from .masking import mask_body, mask_form, mask_headers

BODY_CAP = 4096
"""How many bytes of each body an exchange keeps."""

TRACE_KEY = "playground.trace"
"""Where, in the WSGI environ, the recorder and the Flask hooks share what they learn."""


@dataclass
class ViewTrace:
    """What the Flask side saw of one recorded request."""

    endpoint: str
    view_code: CodeType | None = None
    return_line: int | None = None
    status_lines: list[int] = field(default_factory=list)
    exception: BaseException | None = None


@dataclass
class Capture:
    """A body as the exchange keeps it: the first bytes, and how many there were in all."""

    head: bytearray = field(default_factory=bytearray)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = BODY_CAP - len(self.head)
        if room > 0:
            self.head += chunk[:room]

    def text(self) -> str:
        return bytes(self.head).decode("utf-8", errors="backslashreplace")

    @property
    def truncated(self) -> bool:
        return self.size > len(self.head)


class TeeInput(io.RawIOBase):
    """The request body stream, passed through unchanged, with what the app reads kept aside."""

    def __init__(self, stream: Any, capture: Capture) -> None:
        self.stream = stream
        self.capture = capture

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size) if size is not None and size >= 0 else self.stream.read()
        self.capture.add(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size: int = -1) -> bytes:
        chunk = self.stream.readline(size) if size is not None and size >= 0 else self.stream.readline()
        self.capture.add(chunk)
        return chunk


@dataclass
class Exchange:
    """One request to a real endpoint and the answer it got, as the server saw them."""

    id: int
    time: str
    client: str
    request: dict[str, Any]
    response: dict[str, Any]
    duration_ms: float
    view: str
    facts: dict[str, Any]
    """What the explanation is built from: the exception, the deciding line, the view's code."""
    rendered: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Renderings made once and reused (the live log's event, sent to every open stream)."""

    def tagged(self, tag: str) -> bool:
        return any(
            name.lower() == "x-playground-tag" and value == tag for name, value in self.request["headers"]
        )


class ExchangeLog:
    """The newest exchanges, at most `capacity` of them: memory stays flat however many arrive."""

    def __init__(self, capacity: int) -> None:
        self._exchanges: deque[Exchange] = deque(maxlen=capacity)
        self._ids = itertools.count(1)
        self._changed = threading.Condition()

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, exchange: Exchange) -> None:
        with self._changed:
            self._exchanges.append(exchange)
            self._changed.notify_all()

    def clear(self) -> None:
        with self._changed:
            self._exchanges.clear()
            self._changed.notify_all()

    def after(self, last_id: int = 0) -> list[Exchange]:
        """The exchanges newer than `last_id`, oldest first."""
        with self._changed:
            return [e for e in self._exchanges if e.id > last_id]

    def get(self, exchange_id: int) -> Exchange | None:
        with self._changed:
            return next((e for e in self._exchanges if e.id == exchange_id), None)

    def wait(self, last_id: int, timeout: float) -> list[Exchange]:
        """Block until an exchange newer than `last_id` arrives, or the timeout passes."""
        with self._changed:
            self._changed.wait_for(
                lambda: bool(self._exchanges) and self._exchanges[-1].id > last_id, timeout
            )
        return self.after(last_id)

    def __len__(self) -> int:
        return len(self._exchanges)


def _request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers from the environ, in the order the server put them there."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key
        else:
            continue
        headers.append(("-".join(part.capitalize() for part in name.split("_")), value))
    return headers


def _latin1_to_text(value: str) -> str:
    # WSGI hands over paths and query strings as latin-1 decoded bytes; show them as UTF-8.
    return value.encode("latin-1").decode("utf-8", errors="backslashreplace")


class Recorder:
    """The WSGI middleware and the Flask hooks that together record every exchange."""

    def __init__(self, app: Flask, recorded_blueprints: Iterable[str]) -> None:
        self.app = app
        self.log = ExchangeLog(app.config["EXCHANGE_LOG_SIZE"])
        self.recorded_blueprints = set(recorded_blueprints)
        self._routes: Map | None = None
        self.wsgi_app = app.wsgi_app
        app.wsgi_app = self  # type: ignore[method-assign]
        app.before_request(self._start_tracing)
        app.teardown_request(self._stop_tracing)
        app.register_error_handler(HTTPException, self._note_http_exception)
        got_request_exception.connect(self._note_unhandled_exception, app)

    def add_blueprint(self, name: str) -> None:
        self.recorded_blueprints.add(name)
        self._routes = None

    # -- Which requests are recorded --------------------------------------------------------------

    def _recorded_routes(self) -> Map:
        # The recorded endpoints' rules without their methods, so that a 405 is matched as well.
        if self._routes is None:
            rules = [
                Rule(rule.rule, endpoint=rule.endpoint, strict_slashes=rule.strict_slashes)
                for rule in self.app.url_map.iter_rules()
                if rule.endpoint.split(".")[0] in self.recorded_blueprints
            ]
            self._routes = Map(rules, converters=self.app.url_map.converters)
        return self._routes

    def recorded_endpoint(self, environ: dict[str, Any]) -> str | None:
        try:
            endpoint, _ = self._recorded_routes().bind_to_environ(environ).match()
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
        self._read_unread_body(environ, request_body)
        self.log.add(self._exchange(environ, trace, request_body, emitted, body, started))
        return [body]

    @staticmethod
    def _read_unread_body(environ: dict[str, Any], capture: Capture) -> None:
        """Keep the start of a body the view never read (a 405, a GET): it is part of the request.

        Only up to the declared length, and only as much as the log keeps; the size is the declared one.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        missing = min(BODY_CAP, length) - capture.size
        if missing > 0:
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
        status_line = emitted.get("status", "")
        code, _, reason = status_line.partition(" ")
        response_body = Capture()
        response_body.add(body)
        return Exchange(
            id=self.log.next_id(),
            time=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            client=environ.get("REMOTE_ADDR") or "",
            request={
                "method": environ.get("REQUEST_METHOD", ""),
                "path": _latin1_to_text(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
                "query": mask_form(_latin1_to_text(environ.get("QUERY_STRING", ""))),
                "http_version": environ.get("SERVER_PROTOCOL", ""),
                "headers": mask_headers(_request_headers(environ)),
                "body": mask_body(request_body.text()),
                "body_size": request_body.size,
                "body_truncated": request_body.truncated,
            },
            response={
                "status": int(code) if code.isdigit() else 0,
                "reason": reason,
                "status_line": status_line,
                "headers": list(emitted.get("headers", [])),
                "body": response_body.text(),
                "body_size": response_body.size,
                "body_truncated": response_body.truncated,
            },
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            view=trace.endpoint,
            facts=_facts(self.app, trace),
        )

    # -- The Flask side ---------------------------------------------------------------------------

    def _start_tracing(self) -> None:
        """Just before the view runs: follow it, to learn which of its lines returned or set the status."""
        trace: ViewTrace | None = request.environ.get(TRACE_KEY)
        view = self.app.view_functions.get(request.endpoint or "")
        if trace is None or view is None:
            return
        trace.view_code = view.__code__
        sys.setprofile(_profiler(trace))

    def _stop_tracing(self, _exc: BaseException | None) -> None:
        if TRACE_KEY in request.environ:
            sys.setprofile(None)

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


def _status_setters() -> set[CodeType]:
    """The functions a view calls to set a status itself (the tutorial's second listing)."""
    import flask.helpers

    return {
        flask.helpers.make_response.__code__,
        WerkzeugResponse.status_code.fset.__code__,  # type: ignore[attr-defined]
        WerkzeugResponse.status.fset.__code__,  # type: ignore[attr-defined]
    }


STATUS_SETTERS = _status_setters()


def _profiler(trace: ViewTrace) -> Callable[[FrameType, str, Any], None]:
    view_code = trace.view_code

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call":
            caller = frame.f_back
            if (
                caller is not None
                and caller.f_code is view_code
                and frame.f_code in STATUS_SETTERS
                # make_response(body) alone sets no status; make_response(body, 201) does.
                and (frame.f_code.co_name != "make_response" or len(frame.f_locals.get("args", ())) > 1)
            ):
                trace.status_lines.append(caller.f_lineno)
        elif event == "return" and frame.f_code is view_code:
            trace.return_line = frame.f_lineno

    return profile


def _innermost_line(tb: TracebackType | None, accept: Callable[[CodeType], bool]) -> tuple[str, int] | None:
    found = None
    while tb is not None:
        if accept(tb.tb_frame.f_code):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _facts(app: Flask, trace: ViewTrace) -> dict[str, Any]:
    """The plain facts an explanation needs, without keeping the exception or its frames alive."""
    view = app.view_functions.get(trace.endpoint)
    error = trace.exception
    original = getattr(error, "original_exception", None)
    cause = original if original is not None else error
    facts: dict[str, Any] = {
        "endpoint": trace.endpoint,
        "view_function": f"{view.__module__}.{view.__qualname__}" if view else None,
        "return_line": trace.return_line,
        "status_lines": list(trace.status_lines),
        "view_ran": trace.view_code is not None,
        "exception": None,
        "raised_at": None,
    }
    if cause is not None:
        facts["exception"] = {
            "type": type(cause).__name__,
            "module": type(cause).__module__,
            "message": str(cause),
            "key": cause.args[0] if type(cause).__name__ == "BadRequestKeyError" and cause.args else None,
            "allowed_methods": sorted(getattr(cause, "valid_methods", None) or []) or None,
            "code": getattr(error, "code", None),
        }
        view_code = view.__code__ if view else None
        where = _innermost_line(cause.__traceback__, lambda code: code is view_code)
        if where is None:
            where = _innermost_line(cause.__traceback__, lambda code: "/playground/" in code.co_filename)
        facts["raised_at"] = where
    return facts


def init_app(app: Flask, recorded_blueprints: Iterable[str]) -> Recorder:
    app.config.setdefault("EXCHANGE_LOG_SIZE", 500)
    recorder = Recorder(app, recorded_blueprints)
    app.extensions["recorder"] = recorder
    return recorder
