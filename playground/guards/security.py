"""Security headers for the playground's own pages and API, never for the endpoints.

The endpoints' answers must stay exactly the tutorial's, so these headers go only on responses from
the pages, the API, the live log and static files.
"""

from collections.abc import Iterable

from flask import Flask, Response, request, url_for

# The pages run scripts from /static/js/ only (script-src is set per request, to this origin and
# that path): no answer of this site, however a learner built it, can be a script for them.
SCRIPT_SOURCE = "script-src 'self'"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        SCRIPT_SOURCE,
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def init_app(app: Flask, own_blueprints: Iterable[str]) -> None:
    own = set(own_blueprints)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        """Lock the playground's own pages down; leave every other answer as the tutorial's app gives it.

        Only the pages, the API, the live log and static files get them: not the endpoints, and not
        a 404 or 405 for a path near them (`/userDetails/`), which the tutorial's app answers too.
        """
        if request.blueprint not in own and request.endpoint != "static":
            return response
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY:
            response.headers["Content-Security-Policy"] = page_policy()
        return response


def page_policy() -> str:
    """The pages' policy, with scripts from this origin's /static/js/ only."""
    scripts = f"{request.scheme}://{request.host}{url_for('static', filename='js/')}"
    return CONTENT_SECURITY_POLICY.replace(SCRIPT_SOURCE, f"script-src {scripts}")
