"""A real redis-server for the tests, on a free port of 127.0.0.1, in a directory of its own; and a
real three-node Redis Cluster made of them (RedisCluster).

Never a mock: the Redis store's scripts, streams and blocking reads are what is under test. When
redis-server is missing the tests fail, saying what to run; they never skip.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

MISSING = (
    "redis-server is not installed: run `make test` as root (it installs Debian's redis-server), "
    "or `apt-get install redis-server`."
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process; stop() and start() again keep its port (a restart mid-class)."""

    def __init__(
        self,
        directory: Path,
        persistent: bool = False,
        config: Path | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).exists():
            pytest.fail(MISSING, pytrace=False)
        self.directory = directory
        self.persistent = persistent
        """Append-only, every write synced (as `make host` runs it): what it held survives a restart."""
        self.config = config
        """A redis.conf to start from (deploy/redis.conf, as `make host` does); the options below win."""
        self.options = options
        """More command-line options (a cluster node's)."""
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                self.binary,
                *([str(self.config)] if self.config else []),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--save", "",
                "--appendonly", "yes" if self.persistent else "no",
                "--appendfsync", "always",
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode} on port {self.port}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer on port {self.port} within 30 s")
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None


class RedisCluster:
    """A real Redis Cluster on loopback: three redis-servers with cluster mode on, each in a directory
    of its own, joined by ``redis-cli --cluster create`` (three primaries, the 16,384 slots split
    between them, no replicas), as docs/HOSTING.md tells a school to run one."""

    NODES = 3

    def __init__(self, directory: Path) -> None:
        self.nodes = []
        for index in range(self.NODES):
            node_directory = directory / f"node{index}"
            node_directory.mkdir()
            # The cluster's bus on a free port of its own (by default the port + 10,000: maybe taken,
            # or past 65,535).
            options = (
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "2000",
                "--cluster-port", str(free_port()),
            )  # fmt: skip
            self.nodes.append(RedisServer(node_directory, options=options))

    @property
    def url(self) -> str:
        """Any node's address: the client asks it for the others."""
        return self.nodes[0].url

    def start(self) -> "RedisCluster":
        for node in self.nodes:
            node.start()
        cli = shutil.which("redis-cli") or "/usr/bin/redis-cli"
        addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
        joined = subprocess.run(
            [cli, "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if joined.returncode != 0:
            raise RuntimeError(
                f"redis-cli --cluster create failed: {joined.stdout[-2000:]}{joined.stderr[-2000:]}"
            )
        deadline = time.monotonic() + 30
        while not all(self.ready(node) for node in self.nodes):
            if time.monotonic() > deadline:
                raise RuntimeError("the Redis Cluster did not reach cluster_state:ok within 30 s")
            time.sleep(0.1)
        return self

    @staticmethod
    def ready(node: RedisServer) -> bool:
        """Whether `node` says the cluster is ok (every slot served) and knows all its nodes."""
        try:
            with socket.create_connection(("127.0.0.1", node.port), timeout=1) as connection:
                connection.sendall(b"CLUSTER INFO\r\n")
                info = b""
                while b"cluster_known_nodes" not in info or not info.endswith(b"\r\n\r\n"):
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    info += chunk
        except OSError:
            return False
        return b"cluster_state:ok" in info and b"cluster_known_nodes:3" in info

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
