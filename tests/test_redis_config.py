"""deploy/redis.conf, as `make host` starts Redis with it: a memory ceiling that refuses writes rather
than drop the teacher's key or a class's log, and a client that does not read its replies cut off
before Redis's memory grows without end. Against a real redis-server."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_client

from tests.support.redis_server import RedisServer

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "redis.conf"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[redis_client.Redis]:
    server = RedisServer(tmp_path, config=CONFIG).start()
    connection = redis_client.Redis.from_url(server.url)
    yield connection
    connection.close()
    server.stop()


def test_the_configuration_bounds_memory_and_never_evicts(client: redis_client.Redis) -> None:
    assert int(client.config_get("maxmemory")["maxmemory"]) > 0
    assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    normal = client.config_get("client-output-buffer-limit")["client-output-buffer-limit"].split()
    assert normal[0] == "normal" and int(normal[1]) > 0, normal


def test_at_the_ceiling_writes_are_refused_and_the_teachers_key_and_the_log_stay(
    client: redis_client.Redis,
) -> None:
    client.set("playground:teacher", "the-teachers-key")
    client.xadd("playground:log", {"x": "an exchange"}, id="1-0")
    used = int(client.info("memory")["used_memory"])
    client.config_set("maxmemory", used + 2 * 1024 * 1024)
    refused = False
    for n in range(200):
        try:
            client.set(f"filler:{n}", b"x" * 65536)
        except redis_client.exceptions.OutOfMemoryError:
            refused = True
            break
    assert refused, "13 MB written past a 2 MB margin, and nothing refused"
    assert client.get("playground:teacher") == b"the-teachers-key"
    assert client.xlen("playground:log") == 1


def test_a_client_that_never_reads_its_replies_is_cut_off(client: redis_client.Redis) -> None:
    client.set("big", b"x" * (4 * 1024 * 1024))
    port = client.connection_pool.connection_kwargs["port"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as reader:
        host, local_port = reader.getsockname()
        address = f"{host}:{local_port}"
        reader.sendall(b"PING\r\n")
        assert reader.recv(16) == b"+PONG\r\n"  # Redis holds this client now
        reader.sendall(b"GET big\r\n" * 40)  # 160 MB of replies, never read
        deadline = time.monotonic() + 15
        while held := [c for c in client.client_list() if c["addr"] == address]:
            buffered = int(held[0]["omem"])
            assert buffered <= 64 * 1024 * 1024, (
                f"Redis buffers {buffered:,} bytes for a client that never reads"
            )
            assert time.monotonic() < deadline, "Redis kept a client that never reads its replies"
            time.sleep(0.05)
