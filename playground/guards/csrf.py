"""CSRF protection for the playground's own state-changing routes.

Flask-WTF's default hook checks every request; the playground turns it off
(WTF_CSRF_CHECK_DEFAULT = False) and each of its own blueprints calls this before its views
instead, as Flask-WTF's documentation suggests for selective protection. Every POST, PUT, PATCH or
DELETE to a page, the API or the live log needs the token.
"""

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect


def protect() -> None:
    """Refuse a state-changing request that carries no valid CSRF token (400)."""
    if current_app.config["WTF_CSRF_ENABLED"]:
        current_app.extensions["csrf"].protect()


protection = CSRFProtect()
"""Flask-WTF's CSRF protection, checked by each of the playground's own blueprints (protect)."""


def init_app(app: Flask) -> None:
    protection.init_app(app)
