"""Over MAX_CONTENT_LENGTH a body gets 413 on every route, and the server goes on."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app

LIMIT = 1024 * 1024
ROUTES = [
    ("POST", "/userDetails"),
    ("GET", "/userDetails"),  # the view never reads the body
    ("GET", "/userSignUp"),  # a 405: no view runs at all
    ("POST", "/make_response/userSignUp"),
    ("POST", "/nowhere"),  # a 404
    ("GET", "/"),
]


def test_the_default_limit_is_one_mebibyte(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == LIMIT


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_body_over_the_limit_is_a_413(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, data=b"x" * (LIMIT + 1))
    assert response.status_code == 413


# Chunked bodies are sent for real, over a socket, in tests/test_servers.py: the test client adds a
# Content-Length to any body, so it never reaches the chunked branch of body_limit.py.


def test_a_body_at_the_limit_is_let_through(client: FlaskClient) -> None:
    # GET /userDetails never reads the body: at the limit it reaches the view (its 500), not a 413.
    assert client.get("/userDetails", data=b"x" * LIMIT).status_code == 500


def test_the_limit_is_configurable() -> None:
    client = create_app({"MAX_CONTENT_LENGTH": 10}).test_client()
    assert client.post("/userSignUp", data=b"x" * 11).status_code == 413
    assert client.post("/userSignUp", data=b"x" * 10).status_code == 200


def test_the_server_goes_on_after_a_413(client: FlaskClient) -> None:
    client.post("/userSignUp", data=b"x" * (LIMIT + 1))
    assert client.post("/userSignUp", data={"username": "sam"}).status_code == 200
