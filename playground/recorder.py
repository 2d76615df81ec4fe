"""The recorder: one exchange for every request to a real endpoint, kept in a bounded log.

It lives around the app, never inside a view: a WSGI middleware sees the request and the response
exactly as the app emitted them (status line, headers in their order and case, body), and Flask
signals tell it which view ran, which line of it returned or raised, and which exception lay behind
an error status. Nothing it does reaches the endpoints' answers.
"""

import io
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from types import CodeType, FrameType, TracebackType
from typing import Any

from flask import Flask, Request, got_request_exception, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.wrappers import Response as WerkzeugResponse

from .masking import mask_body, mask_form, mask_headers
from .sandbox import ADDED_KEY
from .stores.memory import MemoryLog

BODY_CAP = 4096
"""How many bytes of each body an exchange keeps."""
HEADERS_CAP = 8192
"""How many bytes of headers (names and values) an exchange keeps, for the request and the answer each."""
HEADER_VALUE_CAP = 2048
"""How many characters of one header value an exchange keeps."""
TARGET_CAP = 4096
"""How many characters of the path, and of the query string, an exchange keeps."""
CUT = " [cut]"
"""Marks where a kept header, path or query was cut (ASCII: paths and queries are latin-1 in WSGI)."""

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
class CappedHeaders:
    """Headers as an exchange keeps them: at most HEADERS_CAP bytes, each value at most HEADER_VALUE_CAP."""

    pairs: list[tuple[str, str]]
    size: int
    """The bytes of names and values the headers had in all."""
    truncated: bool

    @classmethod
    def of(cls, headers: Iterable[tuple[str, str]]) -> "CappedHeaders":
        kept: list[tuple[str, str]] = []
        size = 0
        room = HEADERS_CAP
        truncated = False
        for name, value in headers:
            size += len(name) + len(value)
            if room <= 0:
                truncated = True
                continue
            if len(value) > HEADER_VALUE_CAP or len(name) + len(value) > room:
                value = value[: max(0, min(HEADER_VALUE_CAP, room - len(name)))] + CUT
                truncated = True
            kept.append((name[:HEADER_VALUE_CAP], value))
            room -= len(name) + len(value)
        return cls(kept, size, truncated)

    @cached_property
    def stored_bytes(self) -> int:
        return sum(len(name) + len(value) for name, value in self.pairs)


def _capped(text: str) -> str:
    return text if len(text) <= TARGET_CAP else text[:TARGET_CAP] + CUT


@dataclass
class RawExchange:
    """What the middleware keeps of a request and its answer: as little work as possible per request.

    Not frozen (nor is CappedHeaders): a frozen dataclass sets each field through
    object.__setattr__, which cost about 7 µs a request in bench/recorder_cost.py. Nothing changes
    one after the middleware made it.

    The shapes the API shows (masked, decoded, named) are built from it on first use.
    """

    method: str
    path: str
    query: str
    protocol: str
    environ_headers: CappedHeaders
    request_body: Capture
    status_line: str
    response_headers: CappedHeaders
    response_body: bytes
    response_size: int
    added_headers: dict[str, str]
    """The headers the playground added to the answer (not the view), each with its reason."""

    @cached_property
    def stored_bytes(self) -> int:
        """What this exchange holds in memory, near enough: its captured bytes and text (worked out
        once: the log asks when it keeps the exchange and again when it lets it go)."""
        return (
            len(self.path)
            + len(self.query)
            + self.environ_headers.stored_bytes
            + len(self.request_body.head)
            + len(self.status_line)
            + self.response_headers.stored_bytes
            + len(self.response_body)
            + 512  # the object itself, its facts and its timing
        )


TAG_HEADER = "X-Playground-Tag"
"""The header a page adds to find its own exchanges in the log; it changes nothing in the answer."""
TAG_CAP = 128
"""Tags longer than this are kept as headers, but nothing is looked up by them."""


@dataclass(eq=False)
class Exchange:
    """One request to a real endpoint and the answer it got, as the server saw them.

    Recorded here from a RawExchange (the request thread's minimum), or restored from a store's
    record of it (`record()` and `restored()`): the masked request and answer, and the facts.
    """

    id: int
    started_at: float
    client: str
    raw: RawExchange | None = field(repr=False)
    duration_ms: float
    view: str
    facts: dict[str, Any]
    """What the explanation is built from: the exception, the deciding line, the view's code."""

    @cached_property
    def time(self) -> str:
        moment = datetime.fromtimestamp(self.started_at, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    @cached_property
    def request(self) -> dict[str, Any]:
        raw = self._raw()
        return {
            "method": raw.method,
            "path": _latin1_to_text(raw.path),
            "query": mask_form(_latin1_to_text(raw.query)),
            "http_version": raw.protocol,
            "headers": mask_headers(_header_names(raw.environ_headers.pairs)),
            "headers_size": raw.environ_headers.size,
            "headers_truncated": raw.environ_headers.truncated,
            "body": mask_body(bytes(raw.request_body.head), self._content_type(), raw.request_body.truncated),
            "body_size": raw.request_body.size,
            "body_truncated": raw.request_body.truncated,
        }

    def _content_type(self) -> str:
        pairs = self._raw().environ_headers.pairs
        return next((value for name, value in pairs if name == "CONTENT_TYPE"), "")

    @cached_property
    def response(self) -> dict[str, Any]:
        raw = self._raw()
        code, _, reason = raw.status_line.partition(" ")
        return {
            "status": int(code) if code.isdigit() else 0,
            "reason": reason,
            "status_line": raw.status_line,
            "headers": [list(pair) for pair in mask_headers(raw.response_headers.pairs)],
            "headers_size": raw.response_headers.size,
            "headers_truncated": raw.response_headers.truncated,
            "added_by_playground": raw.added_headers,
            "body": raw.response_body.decode("utf-8", errors="backslashreplace"),
            "body_size": raw.response_size,
            "body_truncated": raw.response_size > len(raw.response_body),
        }

    @cached_property
    def tag(self) -> str | None:
        """The page's tag (X-Playground-Tag), if the request carried one short enough to look up."""
        if self.raw is not None:
            found = (v for k, v in self.raw.environ_headers.pairs if k == "HTTP_X_PLAYGROUND_TAG")
        else:
            found = (v for k, v in self.request["headers"] if k.lower() == TAG_HEADER.lower())
        tag = next(found, None)
        return tag if tag is not None and len(tag) <= TAG_CAP else None

    def tagged(self, tag: str) -> bool:
        return self.tag == tag

    def _raw(self) -> RawExchange:
        if self.raw is None:  # pragma: no cover - a restored exchange has its request and answer
            raise ValueError(f"Exchange {self.id} was restored without its request and answer.")
        return self.raw

    @property
    def stored_bytes(self) -> int:
        return self.raw.stored_bytes if self.raw is not None else 512

    def record(self) -> dict[str, Any]:
        """What a shared store keeps: already masked, so no password ever leaves this process."""
        return {
            "id": self.id,
            "started_at": self.started_at,
            "client": self.client,
            "duration_ms": self.duration_ms,
            "view": self.view,
            "facts": self.facts,
            "request": self.request,
            "response": self.response,
        }

    @classmethod
    def restored(cls, record: dict[str, Any]) -> "Exchange":
        facts = dict(record["facts"])
        if facts.get("raised_at"):
            facts["raised_at"] = tuple(facts["raised_at"])
        exchange = cls(
            id=record["id"],
            started_at=record["started_at"],
            client=record["client"],
            raw=None,
            duration_ms=record["duration_ms"],
            view=record["view"],
            facts=facts,
        )
        # cached_property keeps its value in the instance's __dict__: the record fills it.
        exchange.__dict__["request"] = record["request"]
        exchange.__dict__["response"] = record["response"]
        return exchange


def _environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers as the environ holds them, in the order the server put them there."""
    return [
        (key, value)
        for key, value in environ.items()
        if key[:5] == "HTTP_" or (key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value)
    ]


def _header_names(environ_headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Header names as written on the wire: HTTP_USER_AGENT is User-Agent."""
    return [
        ("-".join(part.capitalize() for part in key.removeprefix("HTTP_").split("_")), value)
        for key, value in environ_headers
    ]


def _latin1_to_text(value: str) -> str:
    # WSGI hands over paths and query strings as latin-1 decoded bytes; show them as UTF-8.
    return value.encode("latin-1").decode("utf-8", errors="backslashreplace")


class UntracedFormRequest(Request):
    """Flask's request, unchanged, except that the recorder's tracer sleeps while it parses a body.

    Parsing a form runs hundreds of Python calls inside the view's `request.form`; following them
    would only cost time (the tracer wants the view's own lines), so tracing pauses meanwhile.
    """

    def _load_form_data(self) -> None:
        tracer = sys.gettrace()
        if tracer is None or not isinstance(getattr(tracer, "trace", None), ViewTrace):
            super()._load_form_data()
            return
        sys.settrace(None)
        try:
            super()._load_form_data()
        finally:
            sys.settrace(tracer)


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
            endpoint, _ = self._recorded_routes()[1].match(_latin1_to_text(path))
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
            path=_capped(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
            query=_capped(environ.get("QUERY_STRING", "")),
            protocol=environ.get("SERVER_PROTOCOL", ""),
            environ_headers=CappedHeaders.of(_environ_headers(environ)),
            request_body=request_body,
            status_line=_capped(emitted.get("status", "")),
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
            facts=_facts(self.app, trace),
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
        sys.settrace(_tracer(trace))

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


def _status_setters() -> set[CodeType]:
    """The functions a view calls to set a status itself (the tutorial's second listing)."""
    import flask.helpers

    return {
        flask.helpers.make_response.__code__,
        WerkzeugResponse.status_code.fset.__code__,  # type: ignore[attr-defined]
        WerkzeugResponse.status.fset.__code__,  # type: ignore[attr-defined]
    }


STATUS_SETTERS = _status_setters()


def _tracer(trace: ViewTrace) -> Callable[[FrameType, str, Any], Any]:
    """A trace function that follows the view's own frame, and nothing else, while it runs.

    sys.settrace calls it for each new Python frame only (C calls and returns cost nothing), and
    it follows just the view's frame: for the line that returned, and for calls the view makes to
    set a status itself. Once the view has returned, tracing stops.
    """
    view_code = trace.view_code
    setters = STATUS_SETTERS

    def follow_view(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "return":
            trace.return_line = frame.f_lineno
            sys.settrace(None)

    def on_call(frame: FrameType, _event: str, _arg: Any) -> Any:
        code = frame.f_code
        if code is view_code:
            frame.f_trace_lines = False
            return follow_view
        if code in setters:
            caller = frame.f_back
            if (
                caller is not None
                and caller.f_code is view_code
                # make_response(body) alone sets no status; make_response(body, 201) does.
                and (code.co_name != "make_response" or len(frame.f_locals.get("args", ())) > 1)
            ):
                trace.status_lines.append(caller.f_lineno)
        return None

    on_call.trace = trace  # type: ignore[attr-defined]
    return on_call


def _innermost_line(tb: TracebackType | None, accept: Callable[[CodeType], bool]) -> tuple[str, int] | None:
    found = None
    while tb is not None:
        if accept(tb.tb_frame.f_code):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


@lru_cache(maxsize=256)
def _qualified_name(view: Callable | None) -> str | None:
    return f"{view.__module__}.{view.__qualname__}" if view else None


def _facts(app: Flask, trace: ViewTrace) -> dict[str, Any]:
    """The plain facts an explanation needs, without keeping the exception or its frames alive."""
    view = app.view_functions.get(trace.endpoint)
    error = trace.exception
    original = getattr(error, "original_exception", None)
    cause = original if original is not None else error
    facts: dict[str, Any] = {
        "endpoint": trace.endpoint,
        "view_function": _qualified_name(view),
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


def init_app(app: Flask, recorded_blueprints: Iterable[str], log: Any = None) -> Recorder:
    app.config.setdefault("EXCHANGE_LOG_SIZE", 500)
    app.config.setdefault("EXCHANGE_LOG_BYTES", 32 * 1024 * 1024)
    recorder = Recorder(app, recorded_blueprints, log)
    app.extensions["recorder"] = recorder
    return recorder
