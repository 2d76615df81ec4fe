"""Answers built from a learner's values (/respond, /status) are sandboxed.

Anyone can share a link such as ``/respond/tuple2?body=<script>...``. Served from the same origin as
the pages, such an answer could read the pages, take a CSRF token and clear the class's log. So every
learner-built answer carries two headers the playground adds, whatever the view returned:

- ``Content-Security-Policy: sandbox; default-src 'none'``: the browser renders the answer in a
  unique, opaque origin with scripts, forms and plugins off, and loads nothing for it from anywhere
  (no cookie of this site is readable, no page of it either);
- ``X-Content-Type-Options: nosniff``: no page can load the answer as a script or a stylesheet.

Why these rather than a second origin: a second origin needs a second host name or port, which a
teacher's laptop on a classroom network does not have to give, and the builder would have to send
requests across origins. A sandbox keeps the answer truthful (the same status, headers and body
the view made) and adds two lines the record marks as the playground's, with the reason.

The headers a view may set are checked too (``form.HeaderLinesField``): no cookie, no redirect
off this server, no ``Refresh``, no ``Clear-Site-Data``, no script type.
"""

from flask import Response, request

from ..recording.middleware import ADDED_KEY

SANDBOX_HEADERS = {
    "Content-Security-Policy": (
        "sandbox; default-src 'none'",
        "added by the playground to answers built from a learner's values: the browser runs no "
        "script in them and loads nothing for them, so a shared link cannot act on this site",
    ),
    "X-Content-Type-Options": (
        "nosniff",
        "added by the playground: no page can load this learner-built answer as a script or stylesheet",
    ),
}


def sandbox_answer(response: Response) -> Response:
    """Add the sandbox headers to a learner-built answer, and note them for the server's record."""
    for name, (value, _reason) in SANDBOX_HEADERS.items():
        response.headers.add(name, value)
    request.environ[ADDED_KEY] = {name: reason for name, (_value, reason) in SANDBOX_HEADERS.items()}
    return response
