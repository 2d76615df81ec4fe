"""gzip on the playground's own pages, API and static files; never on the endpoints or the stream."""

import gzip
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground.guards import compression

GZIP = {"Accept-Encoding": "gzip, deflate"}


def without_tokens(page: bytes) -> bytes:
    return re.sub(rb'(csrf[-_]token"[^>]*?(?:content|value)=")[^"]+', rb"\1", page)


@pytest.mark.parametrize(
    "path", ["/", "/codes", "/static/css/playground.css", "/static/js/components/flow.js"]
)
def test_the_playgrounds_own_answers_are_gzipped_for_a_browser_that_accepts_it(
    client: FlaskClient, path: str
) -> None:
    plain = client.get(path).get_data()
    response = client.get(path, headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    # The same page, but for its CSRF token: a signed timestamp, which changes with the second.
    assert without_tokens(gzip.decompress(response.get_data())) == without_tokens(plain)
    assert int(response.headers["Content-Length"]) < len(plain) / 2


def test_a_client_that_does_not_accept_gzip_gets_plain_text(client: FlaskClient) -> None:
    assert "Content-Encoding" not in client.get("/", headers={"Accept-Encoding": "identity"}).headers


def gzip_would_take(response) -> bool:
    """Everything but the rule "never the endpoints" asks for gzip: a 200, of text, long enough."""
    return (
        response.status_code == 200
        and response.mimetype.startswith(compression.COMPRESSIBLE)
        and len(response.get_data()) >= compression.MIN_SIZE
    )


@pytest.mark.parametrize("style", ["tuple2", "make_response", "status_code", "jsonify"])
def test_the_endpoints_long_answers_are_never_compressed(client: FlaskClient, style: str) -> None:
    response = client.get(f"/respond/{style}?body=" + "x" * 2000, headers=GZIP)
    assert gzip_would_take(response) and len(response.get_data()) >= 512
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/userSignUp"), ("POST", "/make_response/userSignUp"), ("GET", "/status/200")],
)
def test_the_tutorials_short_answers_are_never_compressed_whatever_the_minimum(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, method: str, path: str
) -> None:
    # The tutorial's answers are a few bytes, under the minimum gzip is worth: lower it to one byte,
    # so that nothing but the rule "never the endpoints" stands between each answer and gzip.
    monkeypatch.setattr(compression, "MIN_SIZE", 1)
    response = client.open(path, method=method, data={"username": "sam"}, headers=GZIP)
    assert gzip_would_take(response)
    assert "Content-Encoding" not in response.headers


def test_the_live_log_stream_is_never_compressed(app: Flask) -> None:
    app.config.update(STREAM_SECONDS=0.05, STREAM_KEEPALIVE_SECONDS=0.01)
    response = app.test_client().get("/api/stream", headers=GZIP)
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).startswith("retry:")


def test_a_cached_static_file_still_revalidates(client: FlaskClient) -> None:
    first = client.get("/static/css/playground.css", headers=GZIP)
    again = client.get("/static/css/playground.css", headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
