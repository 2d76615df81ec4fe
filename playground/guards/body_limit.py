"""The body limit: 413 for a request body over MAX_CONTENT_LENGTH, on every route.

Flask only enforces MAX_CONTENT_LENGTH when a view reads the body, so a view that never reads it
(GET /userDetails, a 405) would still accept any size. This hook refuses the body up front.
"""

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge


def refuse_oversized_body() -> None:
    """Answer 413 before any view runs when the body is over the configured limit."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is None:
        return
    if request.content_length is not None:
        too_large = request.content_length > limit
    elif request.environ.get("wsgi.input_terminated"):
        # A chunked body has no length up front: read it, up to the limit, and keep it cached so
        # the view parses exactly the same bytes. One byte more left unread means it is too large.
        too_large = len(request.get_data(cache=True)) >= limit and bool(request.environ["wsgi.input"].read(1))
    else:
        too_large = False
    if too_large:
        raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    app.before_request(refuse_oversized_body)
