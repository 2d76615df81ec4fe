"""Unit test fixtures: the app from the factory, and a client for it (flaskr's shape).

`app` comes once with each store (stores/): every test that uses it runs against the in-memory
store and against a real redis-server, so both keep the same behaviour. The modules marked
``on_cluster`` (the stores', the classes') run a third time, against a real three-node Redis Cluster.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app
from tests.support.redis_server import RedisCluster, RedisServer
from tests.support.stores import store_config


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(Path(tmp_path_factory.mktemp("redis"))).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster]:
    cluster = RedisCluster(Path(tmp_path_factory.mktemp("redis-cluster"))).start()
    yield cluster
    cluster.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The cluster's runs only for the modules marked ``on_cluster``: the rest run on two stores."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_cluster = callspec is not None and callspec.params.get("make_app") == "cluster"
        (dropped if on_cluster and item.get_closest_marker("on_cluster") is None else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=["memory", "redis", "cluster"])
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
