"""Unit test fixtures: the app from the factory, and a client for it (flaskr's shape).

`app` comes once with each store (stores/): every test that uses it runs against the in-memory
store and against a real redis-server, so both keep the same behaviour.
"""

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app
from tests.support.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(Path(tmp_path_factory.mktemp("redis"))).start()
    yield server
    server.stop()


def store_config(store: str, request: pytest.FixtureRequest) -> dict:
    """The settings for one store; with Redis, keys of this test's own (a prefix of its own)."""
    if store == "memory":
        return {}
    server: RedisServer = request.getfixturevalue("redis_server")
    return {"REDIS_URL": server.url, "REDIS_PREFIX": f"test:{uuid.uuid4().hex}:"}


@pytest.fixture(params=["memory", "redis"])
def make_app(request: pytest.FixtureRequest) -> Iterator[Callable[..., Flask]]:
    """Make apps with settings of a test's own, on each store in turn."""
    made: list[Flask] = []

    def make(config: dict | None = None) -> Flask:
        # Not TESTING: with it, Flask re-raises a view's exception instead of answering 500, and the
        # 500 from a view that returns None is one of the answers under test.
        made.append(
            create_app({"SECRET_KEY": "test", **store_config(request.param, request), **(config or {})})
        )
        return made[-1]

    yield make
    for app in made:
        app.extensions["store"].close()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    """A client whose browser opened the teacher link."""
    client = app.test_client()
    assert client.get(f"/teacher/{app.config['TEACHER_KEY']}").status_code == 302
    return client
