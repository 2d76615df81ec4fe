"""Why an exchange got its status: built from what the server did, never from a table of guesses.

The recorder notes the facts (the exception behind an error, the view's line that returned, raised
or set the status); this module turns them into the explanation the page and the API show: the
status class, the code's name and description from http.HTTPStatus, the cause specific to this
request, and the view's real source (read with inspect, highlighted with Pygments) with the deciding
line marked.
"""

import inspect
import json
import linecache
import re
from collections.abc import Callable
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from flask import Flask

from .exchange import Exchange
from .rules import review_exchange

STATUS_CLASSES = {
    1: ("Informational", "the request was received and is still being processed"),
    2: ("Success", "the request was received, understood and accepted"),
    3: ("Redirection", "the client must take further action, usually follow the Location header"),
    4: ("Client error", "the request was at fault: the client should change it before trying again"),
    5: ("Server error", "the server failed to fulfil a valid request"),
}
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


# http.HTTPStatus's descriptions come from the old httplib table. Where one describes something the
# answer need not carry ("URL follows") or a cause that need not be this one ("Bad request syntax or
# unsupported method"), or says nothing, RFC 9110's definition stands in its place.
RFC_9110_DESCRIPTIONS = {
    201: (
        "The request has been fulfilled and has resulted in one or more new resources being created "
        "(RFC 9110, section 15.3.2)"
    ),
    400: (
        "The server cannot or will not process the request due to something that is perceived to be "
        "a client error (RFC 9110, section 15.5.1)"
    ),
    422: (
        "The server understands the content type of the request content, and its syntax is correct, "
        "but it was unable to process the contained instructions (RFC 9110, section 15.5.21)"
    ),
}


def describe(code: int, headers: list[tuple[str, str]] | None = None) -> str:
    """What a code means: http.HTTPStatus's description, or RFC 9110's where that one misleads.

    Given an answer's headers, a 201 also says whether a Location names what was created.
    """
    try:
        description = RFC_9110_DESCRIPTIONS.get(code) or HTTPStatus(code).description
    except ValueError:
        return "HTTP defines no status with this code."
    if code == 201 and headers is not None:
        location = next((value for name, value in headers if name.lower() == "location"), None)
        description += (
            f"; this answer's Location names it: {location}"
            if location
            # Without Location, the created resource is the target URI (RFC 9110, 15.3.2): no fault.
            else "; this answer has no Location, so what it created is the address the request went "
            "to (the target URI)"
        )
    return description


# RFC 9110 renamed these three; older names still travel in status lines (Werkzeug 3.1 sends
# "422 UNPROCESSABLE ENTITY") and in older Pythons' http.HTTPStatus. The page gives RFC 9110's name
# and says why the status line may differ.
RFC_9110_NAMES = {
    413: ("Content Too Large", "Request Entity Too Large"),
    416: ("Range Not Satisfiable", "Requested Range Not Satisfiable"),
    422: ("Unprocessable Content", "Unprocessable Entity"),
}


def status_facts(code: int, headers: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The status class and what it means, and the code's name and description (for these headers)."""
    cls_name, cls_meaning = STATUS_CLASSES.get(code // 100, ("Unknown", "no class of HTTP defines this"))
    try:
        status = HTTPStatus(code)
        name, phrase = status.name, status.phrase
    except ValueError:
        name, phrase = None, None
    description = describe(code, headers)
    if code in RFC_9110_NAMES:
        phrase, older = RFC_9110_NAMES[code]
        description += (
            f". RFC 9110 renamed it from {older}, the name many servers (Werkzeug among them) still send "
            "in the status line: a client acts on the number, never on the words"
        )
    return {
        "status_class": f"{code // 100}xx",
        "status_class_name": cls_name,
        "status_class_meaning": cls_meaning,
        "status_name": name,
        "status_phrase": phrase,
        "status_description": description,
    }


@lru_cache(maxsize=64)
def view_source(app: Flask, endpoint: str) -> tuple[str, int, str] | None:
    """The view's source text, its first line number and its file, read with inspect."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view = inspect.unwrap(view)
    lines, start = inspect.getsourcelines(view)
    return "".join(lines), start, inspect.getsourcefile(view) or ""


@lru_cache(maxsize=256)
def highlighted(source: str, start: int, marked: int | None) -> str:
    """The source as HTML (escaped by Pygments), numbered, with the deciding line in a <mark>."""
    # Imported when first needed: the code lab's Python, which never highlights here, starts faster.
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(
        linenos="inline",
        linenostart=start,
        hl_lines=[marked - start + 1] if marked else [],
        cssclass="source",
    )
    html = highlight(source, PythonLexer(), formatter)
    return re.sub(r'<span class="hll">(.*?)\n</span>', r'<mark class="deciding-line">\1</mark>\n', html)


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(PACKAGE_ROOT))
    except ValueError:
        return path


def _decorator_line(source: str, start: int, needle: str) -> int | None:
    for offset, text in enumerate(source.splitlines()):
        if text.lstrip().startswith("@") and needle in text:
            return start + offset
    return None


def _deciding_line(exchange: Exchange, source: tuple[str, int, str] | None) -> tuple[str, int] | None:
    """Which line decided the status: the one that raised, returned, or set the status."""
    facts = exchange.facts
    error = facts["exception"]
    text, start, path = source if source else ("", 0, "")
    raised_at = facts["raised_at"]
    if raised_at and raised_at[0] == path:
        return raised_at
    if error and error["type"] == "MethodNotAllowed" and source:
        line = _decorator_line(text, start, "methods=") or _decorator_line(text, start, ".route(")
        return (path, line) if line else None
    if raised_at:
        return raised_at
    if facts["status_lines"]:
        return path, facts["status_lines"][-1]
    if facts["return_line"]:
        return path, facts["return_line"]
    return None


def _code(text: str) -> str:
    return f"`{text}`"


def cause(exchange: Exchange, source_line: str | None) -> str:
    """The cause specific to this request, in a sentence a learner can follow."""
    facts, request, response = exchange.facts, exchange.request, exchange.response
    status, error = response["status"], facts["exception"]
    line = _code(source_line) if source_line else "the view"
    content_type = next((v for n, v in request["headers"] if n.lower() == "content-type"), "")
    if error is None:
        if facts["status_lines"]:
            return f"{line} set the status to {status} on the Response the view then returned."
        if not source_line and request["method"] == "OPTIONS":
            allow = next((v for n, v in response["headers"] if n.lower() == "allow"), "")
            return (
                f"Flask answered OPTIONS itself: the route does not list OPTIONS, so Flask's automatic "
                f"OPTIONS handler sent {status} with Allow: {allow}, and the view never ran."
            )
        if source_line and source_line.startswith("return "):
            return f"The view ran {line}, and Flask built a {status} Response from what it returned."
        return f"The view returned {line}, and Flask built a {status} Response from it."
    kind = error["type"]
    if kind == "BadRequestKeyError":
        key = error["key"]
        why = ""
        if content_type.startswith("application/json"):
            why = " (request.form only parses form encodings: a JSON body leaves it empty)"
        elif request["method"] in ("GET", "HEAD"):
            why = " (a GET or HEAD request carries its fields in the query string, not in the form)"
        lookup = _code(f"request.form[{json.dumps(key)}]")
        return (
            f"{_code(key)} was not in the form{why}, so {lookup} raised {_code('BadRequestKeyError')}"
            f" (Werkzeug's {_code('KeyError')} for a missing key, which is also a {_code('BadRequest')}),"
            " and Flask turned it into 400."
        )
    if kind == "MethodNotAllowed":
        allowed = ", ".join(error["allowed_methods"] or [])
        return (
            f"{request['method']} is not in the route's methods ({line}), so Flask's routing raised "
            f"{_code('MethodNotAllowed')} before any view ran, and answered 405 with Allow: {allowed}."
        )
    if kind == "TypeError" and "did not return a valid response" in error["message"]:
        return (
            f"The view returned None because the method was {request['method']}: {line} was false, so the "
            f"function ended without a return statement. Flask raised {_code('TypeError')} and answered 500."
        )
    if kind == "BadRequest" and exchange.view.startswith("respond."):
        return (
            f"The builder's values were refused before any view ran, so no code answered: {error['message']}"
        )
    if kind == "RequestEntityTooLarge":
        if facts["view_ran"]:
            return (
                f"Reading the form at {line} hit one of Flask's form limits (MAX_FORM_MEMORY_SIZE, "
                f"MAX_FORM_PARTS), which raised {_code('RequestEntityTooLarge')}: 413."
            )
        return (
            f"The body was {request['body_size']:,} bytes, over the playground's MAX_CONTENT_LENGTH: {line} "
            f"raised {_code('RequestEntityTooLarge')} before any view ran, and Flask answered 413."
        )
    where = f" at {line}" if source_line else ""
    return f"{_code(kind)} was raised{where}; Flask answered {status}."


Explainer = Callable[[Exchange, tuple[str, int, str], int], "dict[str, Any] | None"]
"""An explanation of its own for some exchanges (the builder's): given the exchange, its view's
source and the deciding line, the whole explanation, or None to leave it to the general one."""
EXPLAINERS: dict[str, Explainer] = {}
"""Explainers by the blueprint whose views they explain, registered by that blueprint's package."""


def register_explainer(blueprint: str, explainer: Explainer) -> None:
    """Explain the exchanges of one blueprint's views with ``explainer`` first."""
    EXPLAINERS[blueprint] = explainer


def rules_of(exchange: Exchange) -> dict[str, Any]:
    """The exchange checked against HTTP's rules (rules.py), as the page's **HTTP rules** list shows it:
    ``summary``, ``broken``, ``advice`` and ``notes``. The line that decided the status is the
    explanation's own (``source_line``, ``line_number``), beside it."""
    return review_exchange({"request": exchange.request, "response": exchange.response}).as_dict()


def explain(app: Flask, exchange: Exchange, with_source: bool = False) -> dict[str, Any]:
    """The explanation of one exchange, for the API and the page, with its HTTP rules (``rules``)."""
    explanation = _explain(app, exchange, with_source)
    explanation["rules"] = rules_of(exchange)
    return explanation


def _explain(app: Flask, exchange: Exchange, with_source: bool) -> dict[str, Any]:
    source = view_source(app, exchange.view)
    decided = _deciding_line(exchange, source)
    explainer = EXPLAINERS.get(exchange.view.split(".")[0])
    if explainer and decided and source and decided[0] == source[2]:
        own = explainer(exchange, source, decided[1])
        if own is not None:
            return dict(own) if with_source else {k: v for k, v in own.items() if k != "source_html"}
    source_line = linecache.getline(decided[0], decided[1]).strip() if decided else None
    explanation: dict[str, Any] = {
        **status_facts(exchange.response["status"], exchange.response["headers"]),
        "view": exchange.view,
        "view_function": exchange.facts["view_function"],
        "exception": exchange.facts["exception"],
        "source_line": source_line,
        "source_file": _relative(decided[0]) if decided else None,
        "line_number": decided[1] if decided else None,
        "in_view": bool(decided and source and decided[0] == source[2]),
        "summary": cause(exchange, source_line),
    }
    if with_source and decided and not explanation["in_view"]:
        # Decided outside the view (the body limit's 413): show the function that decided it.
        around = enclosing_function(*decided)
        if around:
            explanation["source_html"] = highlighted(around[0], around[1], decided[1])
            explanation["source_start"] = around[1]
            explanation["source_function"] = around[2]
            return explanation
    if with_source and source:
        marked = decided[1] if explanation["in_view"] else None
        explanation["source_html"] = highlighted(source[0], source[1], marked)
        explanation["source_start"] = source[1]
    return explanation


@lru_cache(maxsize=64)
def enclosing_function(path: str, line: int) -> tuple[str, int, str] | None:
    """The source of the function around a line of a file: its text, first line and name."""
    lines = linecache.getlines(path)
    for start in range(min(line, len(lines)), 0, -1):
        text = lines[start - 1]
        if text.lstrip().startswith("def "):
            block = inspect.getblock(lines[start - 1 :])
            if start + len(block) > line:
                name = text.split("def ", 1)[1].split("(", 1)[0]
                return "".join(block), start, name
            return None
    return None
