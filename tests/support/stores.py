"""The settings that put an app on one store for a test: memory, a redis-server, or a Redis Cluster,
each Redis test with keys of its own (a prefix of its own), so tests never see each other's log."""

import uuid

import pytest

from tests.support.redis_server import RedisCluster, RedisServer


def store_config(store: str, request: pytest.FixtureRequest) -> dict:
    """The settings for one store; with Redis, keys of this test's own (a prefix of its own)."""
    if store == "memory":
        return {}
    prefix = {"REDIS_PREFIX": f"test:{uuid.uuid4().hex}:"}
    if store == "cluster":
        cluster: RedisCluster = request.getfixturevalue("redis_cluster")
        return {"REDIS_URL": cluster.url, "REDIS_CLUSTER": True, **prefix}
    server: RedisServer = request.getfixturevalue("redis_server")
    return {"REDIS_URL": server.url, **prefix}
