"""CSRF protection for the playground's own state-changing routes.

Flask-WTF's default hook checks every request; the playground turns it off
(WTF_CSRF_CHECK_DEFAULT = False) and each of its own blueprints calls this before its views
instead, as Flask-WTF's documentation suggests for selective protection. Every POST, PUT, PATCH or
DELETE to a page, the API or the live log needs the token.
"""

from flask import current_app


def protect() -> None:
    """Refuse a state-changing request that carries no valid CSRF token (400)."""
    if current_app.config["WTF_CSRF_ENABLED"]:
        current_app.extensions["csrf"].protect()
