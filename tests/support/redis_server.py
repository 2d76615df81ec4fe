"""A real redis-server for the tests, on a free port of 127.0.0.1, in a directory of its own.

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

    def __init__(self, directory: Path, persistent: bool = False, config: Path | None = None) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).exists():
            pytest.fail(MISSING, pytrace=False)
        self.directory = directory
        self.persistent = persistent
        """Append-only, every write synced (as `make host` runs it): what it held survives a restart."""
        self.config = config
        """A redis.conf to start from (deploy/redis.conf, as `make host` does); the options below win."""
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
