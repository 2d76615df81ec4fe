"""The school deployment, for real: gunicorn with several workers, run from the repository root as
docs/HOSTING.md says, sharing a log on a real redis-server. Requests go on fresh connections, so they
land on whichever worker takes them, as a class's do."""

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent


class Deployment:
    def __init__(self, redis: RedisServer, workers: int = 4, settings: dict[str, str] | None = None) -> None:
        self.redis = redis
        self.workers = workers
        self.settings = settings or {}
        """More FLASK_ settings for the workers (FLASK_PROXY_HOPS behind nginx)."""
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.secret_key = os.urandom(16).hex()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Deployment":
        env = {
            **os.environ,
            "FLASK_REDIS_URL": self.redis.url,
            "FLASK_SECRET_KEY": self.secret_key,
            **self.settings,
        }
        env.pop("FLASK_TEACHER_KEY", None)
        # Exactly docs/HOSTING.md's command (gunicorn.conf.py is read from the working directory).
        command = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "playground:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.wait_for_workers(set())
        return self

    def stop(self) -> str:
        """Stop gunicorn; what it printed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=60)
        return output

    def worker_pids(self) -> set[int]:
        """gunicorn's workers: the master's children, read from /proc."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def wait_for_workers(self, old: set[int]) -> set[int]:
        """Until `workers` workers, none of them in `old`, are up and one of them answers."""
        deadline = time.monotonic() + 60
        while True:
            assert self.process is not None and self.process.poll() is None, "gunicorn exited"
            pids = self.worker_pids()
            if len(pids) == self.workers and not pids & old and self.answers():
                return pids
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn's {self.workers} workers did not come up")
            time.sleep(0.1)

    def answers(self) -> bool:
        try:
            return self.request("GET", "/api/health")[0] == 200
        except OSError:
            return False

    def restart_every_worker(self) -> set[int]:
        """Stop each worker (gunicorn starts a new one in its place) and wait for all the new ones."""
        old = self.worker_pids()
        for pid in old:
            os.kill(pid, signal.SIGTERM)
        return self.wait_for_workers(old)

    def request(
        self,
        method: str,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request on a connection of its own; the status, the headers and the body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            sent = dict(headers or {})
            if body is not None:
                sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def json(self, path: str) -> object:
        status, _, body = self.request("GET", path)
        assert status == 200, (path, status, body[:200])
        return json.loads(body)
