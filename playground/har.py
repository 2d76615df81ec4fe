"""The exchange log as HAR 1.2, the format browsers' DevTools import and export.

Built from the API's own JSON of each exchange, so passwords and secret headers are masked exactly
as the API masks them, and a student's export hides other clients' addresses and browsers too.
Sizes the log does not know are -1, as HAR asks; the time is all "wait" (the server's own duration),
since the server cannot see the network.
"""

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
            "creator": {"name": "Flask Status Playground", "version": version},
            "entries": [har_entry(exchange, origin) for exchange in exchanges],
            "comment": "Exported from the playground's exchange log: passwords and secret headers masked.",
        }
    }
