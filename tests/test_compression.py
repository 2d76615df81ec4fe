"""gzip on the playground's own pages, API and static files; never on the endpoints or the stream."""

import gzip
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

GZIP = {"Accept-Encoding": "gzip, deflate"}


def without_tokens(page: bytes) -> bytes:
    return re.sub(rb'(csrf[-_]token"[^>]*?(?:content|value)=")[^"]+', rb"\1", page)


@pytest.mark.parametrize("path", ["/", "/codes", "/static/css/playground.css", "/static/js/flow.js"])
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


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/userDetails"),
        ("POST", "/make_response/userSignUp"),
        ("GET", "/status/200"),
        ("GET", "/respond/tuple2?body=" + "x" * 2000),
    ],
)
def test_the_endpoints_are_never_compressed(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, data={"lastname": "k" * 2000}, headers=GZIP)
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
