"""The header limit: 431 for a request whose headers are over MAX_HEADER_BYTES, on every route.

Servers cap headers in their own ways (waitress at 256 KB by default, Werkzeug's at 100 lines of
64 KB each), far more than a browser ever sends: a request with megabytes of headers would be
parsed, recorded and pushed to every open live log. This WSGI middleware, outside everything else,
refuses such a request before the app sees it, under any server; `make run` and `make serve` also
set their servers' own limits to the same figure (see __main__.py and serve.py).
"""

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import RequestHeaderFieldsTooLarge

MAX_HEADER_BYTES = 32 * 1024
"""Headers larger than this (names and values) get 431: nginx's default allows 32 KB too."""


def header_bytes(environ: dict[str, Any]) -> int:
    """The bytes of the request's header names and values, as the server handed them over."""
    return sum(
        len(key) - 5 + len(value)
        for key, value in environ.items()
        if key[:5] == "HTTP_" and isinstance(value, str)
    )


class HeaderLimit:
    def __init__(self, wsgi_app: Callable, limit: int) -> None:
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        size = header_bytes(environ)
        if size > self.limit:
            error = RequestHeaderFieldsTooLarge(
                f"The request's headers are {size:,} bytes; this server takes at most {self.limit:,}."
            )
            return error(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = HeaderLimit(app.wsgi_app, app.config["MAX_HEADER_BYTES"])  # type: ignore[method-assign]
