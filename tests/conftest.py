"""Unit test fixtures: the app from the factory, and a client for it (flaskr's shape)."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app


@pytest.fixture
def app() -> Flask:
    # Not TESTING: with it, Flask re-raises a view's exception instead of answering 500, and the
    # 500 from a view that returns None is one of the answers under test.
    return create_app({"SECRET_KEY": "test"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    """A client whose browser opened the teacher link."""
    client = app.test_client()
    assert client.get(f"/teacher/{app.config['TEACHER_KEY']}").status_code == 302
    return client


def csrf_token(client: FlaskClient, page: str = "/log") -> str:
    html = client.get(page).get_data(as_text=True)
    return html.split('name="csrf-token" content="')[1].split('"')[0]
