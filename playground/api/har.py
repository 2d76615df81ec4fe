"""The exchange log as HAR 1.2, the format browsers' DevTools import and export.

Built from the API's own JSON of each exchange, so passwords and secret headers are masked exactly
as the API masks them, and a student's export hides other clients' addresses and browsers too.
Sizes the log does not know are -1, as HAR asks; the time is all "wait" (the server's own duration),
since the server cannot see the network.

The whole log is streamed (`har_stream`): one entry rendered at a time, never the whole document in
memory, and never more than a given number of bytes in all, whatever the exchanges hold; a cut
export says where it stopped and how to ask for the rest.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl

HAR_VERSION = "1.2"
CUT_NOTE = "cut: the log keeps the first 4 KB of each body"


def _headers(pairs: list[list[str]] | list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _header(pairs: list, wanted: str) -> str:
    return next((value for name, value in pairs if name.lower() == wanted), "")


def har_entry(exchange: dict[str, Any], origin: str) -> dict[str, Any]:
    """One exchange (as /api/exchanges gives it) as a HAR entry."""
    req, res = exchange["request"], exchange["response"]
    url = f"{origin}{req['path']}" + (f"?{req['query']}" if req["query"] else "")
    request: dict[str, Any] = {
        "method": req["method"],
        "url": url,
        "httpVersion": req["http_version"] or "HTTP/1.1",
        "cookies": [],
        "headers": _headers(req["headers"]),
        "queryString": [{"name": n, "value": v} for n, v in parse_qsl(req["query"], keep_blank_values=True)],
        "headersSize": -1,
        "bodySize": req["body_size"],
    }
    if req["body_size"]:
        request["postData"] = {"mimeType": _header(req["headers"], "content-type"), "text": req["body"]}
        if req["body_truncated"]:
            request["postData"]["comment"] = CUT_NOTE
    content: dict[str, Any] = {
        "size": res["body_size"],
        "mimeType": _header(res["headers"], "content-type"),
        "text": res["body"],
    }
    if res["body_truncated"]:
        content["comment"] = CUT_NOTE
    duration = max(0.0, float(exchange["duration_ms"]))
    return {
        "startedDateTime": exchange["time"],
        "time": duration,
        "request": request,
        "response": {
            "status": res["status"],
            "statusText": res["reason"],
            "httpVersion": req["http_version"] or "HTTP/1.1",
            "cookies": [],
            "headers": _headers(res["headers"]),
            "content": content,
            "redirectURL": _header(res["headers"], "location"),
            "headersSize": -1,
            "bodySize": res["body_size"],
        },
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "send": 0,
            "wait": duration,
            "receive": 0,
            "ssl": -1,
        },
        "comment": exchange["explanation"]["summary"],
        # Custom fields start with an underscore (HAR 1.2): the playground's own facts.
        "_id": exchange["id"],
        "_view": exchange["view"],
        "_client": exchange["client"],
    }


def har_log(exchanges: list[dict[str, Any]], origin: str, version: str) -> dict[str, Any]:
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": _creator(version),
            "entries": [har_entry(exchange, origin) for exchange in exchanges],
            "comment": EXPORT_COMMENT,
        }
    }


def _creator(version: str) -> dict[str, str]:
    return {"name": "Flask Status Playground", "version": version}


EXPORT_COMMENT = "Exported from the playground's exchange log: passwords and secret headers masked."
_TAIL_ROOM = 1024
"""Bytes kept free for the end of a streamed export (its closing brackets and its comment)."""


def har_stream(
    entries: Iterable[tuple[int, Callable[[], dict[str, Any]]]],
    version: str,
    max_bytes: int,
    dumps: Callable[[Any], str],
    on_failure: type[Exception] = Exception,
) -> Iterator[str]:
    """The HAR document, piece by piece: each `(id, entry)` rendered only when its turn comes.

    Stops before an entry that would take the document over `max_bytes` (ASCII: bytes and
    characters are one) and says so in the log's comment, with the id to ask `?after=` from. If
    reading the log fails midway (`on_failure`), the document still ends, saying it is incomplete.
    """
    head = (
        '{"log":{"version":' + dumps(HAR_VERSION) + ',"creator":' + dumps(_creator(version)) + ',"entries":['
    )
    yield head
    size, count, comment, last_id = len(head), 0, EXPORT_COMMENT, 0
    try:
        for exchange_id, render in entries:
            entry = dumps(render())
            if count and size + len(entry) + 1 + _TAIL_ROOM > max_bytes:
                comment += (
                    f" Cut at {max_bytes:,} bytes after {count} entries: ask for ?after={last_id} "
                    "for the next part."
                )
                break
            yield entry if not count else "," + entry
            size += len(entry) + 1
            count += 1
            last_id = exchange_id
    except on_failure as error:
        comment += f" Incomplete: {error}"
    yield '],"comment":' + dumps(comment) + "}}\n"
