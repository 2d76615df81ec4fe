"""The recorder's tracer: which line of the view returned, raised or set the status.

While a recorded view runs, ``sys.settrace`` follows the view's own frame (and the calls it makes to
set a status itself, as the tutorial's second listing does). The facts it leaves are plain data an
explanation is built from, without keeping the exception or its frames alive.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from types import CodeType, FrameType, TracebackType
from typing import Any

from flask import Flask, Request
from werkzeug.wrappers import Response as WerkzeugResponse

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


def _status_setters() -> set[CodeType]:
    """The functions a view calls to set a status itself (the tutorial's second listing)."""
    import flask.helpers

    return {
        flask.helpers.make_response.__code__,
        WerkzeugResponse.status_code.fset.__code__,  # type: ignore[attr-defined]
        WerkzeugResponse.status.fset.__code__,  # type: ignore[attr-defined]
    }


STATUS_SETTERS = _status_setters()


def tracer(trace: ViewTrace) -> Callable[[FrameType, str, Any], Any]:
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


def facts_of(app: Flask, trace: ViewTrace) -> dict[str, Any]:
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
