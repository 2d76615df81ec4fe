"""Over MAX_CONTENT_LENGTH a body gets 413 on every route, and the server goes on."""

import io

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


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_chunked_body_over_the_limit_is_a_413(client: FlaskClient, method: str, path: str) -> None:
    # A chunked body has no Content-Length: the server marks the stream as terminated instead.
    assert chunked(client, method, path, b"x" * (LIMIT + 1)).status_code == 413


def chunked(client: FlaskClient, method: str, path: str, body: bytes):
    return client.open(
        path,
        method=method,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_at_the_limit_is_let_through(client: FlaskClient) -> None:
    assert chunked(client, "GET", "/userDetails", b"x" * LIMIT).status_code == 500


def test_a_chunked_body_is_parsed_as_usual(client: FlaskClient) -> None:
    # The limit reads a chunked body up front; the view must still see the very same fields.
    assert chunked(client, "POST", "/userDetails", b"username=sam&lastname=king").status_code == 201
    assert chunked(client, "POST", "/userDetails", b"username=sam&firstname=john").status_code == 400


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
