"""Security headers on the pages, never on the endpoints."""

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/codes", "/builder", "/log", "/api/exchanges", "/static/css/playground.css"]
ENDPOINTS = [
    ("POST", "/userDetails"),
    ("GET", "/userDetails"),
    ("GET", "/userSignUp"),  # 405: no view, but still the endpoint's answer
    ("POST", "/make_response/userSignUp"),
    ("GET", "/status/418"),
    ("GET", "/respond/tuple2"),
    ("POST", "/userDetails/"),  # a 404 beside an endpoint: the tutorial's app answers it too
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_strict_content_security_policy(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_endpoints_carry_none_of_them(client: FlaskClient, method: str, path: str) -> None:
    headers = client.open(path, method=method).headers
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert name not in headers
