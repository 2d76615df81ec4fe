"""A class of browsers and curl clients against `make serve`'s server, on loopback.

Starts the playground under waitress (as `make serve` does) on 127.0.0.1, then for --seconds:
- --browsers simulated browsers, each with the live log's event stream open and sending a request
  to an endpoint about once a second, then reading its exchange back from the API (as the page does);
- --curls curl-like clients posting as fast as the server answers.
It reports requests, errors, latency percentiles, and whether every stream got every exchange that
happened while it was open, once. Exit status 1 on any error. Only 127.0.0.1 is ever contacted.

With --hosted, the same class meets the school deployment instead: `gunicorn -w 4` from the
repository root (gunicorn.conf.py), the shared log on a redis-server started on a free port; each
request then lands on whichever worker takes it, and every stream must still get every exchange.
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoints import free_port  # noqa: E402 (the project's root is on the path only now)

REQUESTS = [
    ("POST", "/userDetails", "username=sam&firstname=john&lastname=king", 201),
    ("POST", "/userDetails", "username=sam&firstname=john", 400),
    ("POST", "/userSignUp", "username=sam&password=secret", 200),
    ("GET", "/userSignUp", "", 405),
    ("GET", "/userDetails", "", 500),
    ("POST", "/make_response/userDetails", "username=a&firstname=b&lastname=c", 201),
]


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def request(
    port: int, method: str, path: str, body: str = "", headers: dict | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        connection.request(method, path, body=body.encode() if body else None, headers=all_headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Stream(threading.Thread):
    """One live log page: reads the event stream and keeps the exchange ids it was sent."""

    def __init__(self, port: int, stop: threading.Event, results: Results) -> None:
        super().__init__(daemon=True)
        self.port, self.stop, self.results = port, stop, results
        self.ids: list[int] = []
        self.first_id: int | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", "/api/stream?after=0")
            response = connection.getresponse()
            if response.status != 200:
                self.results.error(f"stream answered {response.status}")
                return
            self.ready.set()
            while not self.stop.is_set():
                line = response.fp.readline()
                if not line:
                    break
                if line.startswith(b"id: "):
                    self.ids.append(int(line[4:]))
        except OSError as error:
            if not self.stop.is_set():
                self.results.error(f"stream: {error!r}")
        finally:
            self.ready.set()
            connection.close()


def browser(port: int, stop: threading.Event, results: Results, seed: int) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    status, _ = request(port, "GET", "/log")
    if status != 200:
        results.error(f"/log answered {status}")
    results.ok(time.perf_counter() - started)
    while not stop.is_set():
        method, path, body, expected = rng.choice(REQUESTS)
        tag = str(uuid.uuid4())
        try:
            started = time.perf_counter()
            status, _ = request(port, method, path, body, {"X-Playground-Tag": tag})
            results.ok(time.perf_counter() - started)
            if status != expected:
                results.error(f"{method} {path} answered {status}, not {expected}")
            started = time.perf_counter()
            status, data = request(port, "GET", f"/api/exchanges?tag={tag}")
            results.ok(time.perf_counter() - started)
            if status != 200 or len(json.loads(data)) != 1:
                results.error(f"the exchange of {tag} was not found ({status})")
        except OSError as error:
            results.error(f"{method} {path}: {error!r}")
        stop.wait(rng.uniform(0.5, 1.5))


def curl_client(port: int, stop: threading.Event, results: Results) -> None:
    while not stop.is_set():
        try:
            started = time.perf_counter()
            status, _ = request(port, "POST", "/userSignUp", "username=curl&password=pw")
            results.ok(time.perf_counter() - started)
            if status != 200:
                results.error(f"curl POST /userSignUp answered {status}")
        except OSError as error:
            results.error(f"curl: {error!r}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--browsers", type=int, default=60)
    parser.add_argument("--curls", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--hosted", action="store_true", help="gunicorn -w 4 with the log on Redis")
    args = parser.parse_args()
    port = free_port()
    # 60 browsers on one address, 127.0.0.1: lift the per-client caps meant for a real network.
    env = {
        **os.environ,
        "FLASK_EXCHANGE_LOG_SIZE": "100000",
        "FLASK_CONNECTIONS_PER_CLIENT": "100000",
        "FLASK_STREAM_LIMIT_PER_CLIENT": "100000",
    }
    redis = None
    if args.hosted:
        from tests.support.redis_server import RedisServer

        redis = RedisServer(Path(tempfile.mkdtemp(prefix="load-redis-"))).start()
        env.update(FLASK_REDIS_URL=redis.url, FLASK_SECRET_KEY=uuid.uuid4().hex)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "playground:create_app()",
        ]
    else:
        command = [sys.executable, "-m", "playground.serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the 500s of GET /userDetails log their tracebacks there
        env=env,
    )
    try:
        for _ in range(100):
            try:
                request(port, "GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        results, stop, streams_stop = Results(), threading.Event(), threading.Event()
        streams = [Stream(port, streams_stop, results) for _ in range(args.browsers)]
        for stream in streams:
            stream.start()
        for stream in streams:
            stream.ready.wait(10)
        workers = [
            threading.Thread(target=browser, args=(port, stop, results, n)) for n in range(args.browsers)
        ]
        workers += [
            threading.Thread(target=curl_client, args=(port, stop, results)) for _ in range(args.curls)
        ]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        time.sleep(args.seconds)
        stop.set()
        for worker in workers:
            worker.join(30)
        elapsed = time.perf_counter() - started
        time.sleep(3)  # the last events reach the streams
        streams_stop.set()
        recorded: list[int] = []
        while True:  # the API answers 100 at a time: page on with the last id
            _, data = request(port, "GET", f"/api/exchanges?after={recorded[-1] if recorded else 0}")
            page = [e["id"] for e in json.loads(data)]
            if not page:
                break
            recorded += page
        missed = sum(len(set(recorded) - set(s.ids)) for s in streams)
        duplicated = sum(len(s.ids) - len(set(s.ids)) for s in streams)
        count = len(results.latencies)
        where = "gunicorn -w 4 with the log on Redis" if args.hosted else "waitress"
        print(f"{args.browsers} browsers (each with the live log open) and {args.curls} curl clients, "
              f"{args.seconds:.0f} s, {where} on 127.0.0.1")  # fmt: skip
        print(f"requests: {count} ({count / elapsed:.0f}/s); errors: {len(results.errors)}")
        p50, p95, p99 = (percentile(results.latencies, f) for f in (0.5, 0.95, 0.99))
        print(
            f"latency ms: p50 {p50:.1f}, p95 {p95:.1f}, p99 {p99:.1f}, "
            f"max {max(results.latencies) * 1000:.1f}"
        )
        print(f"live log streams: {len(streams)}; exchanges recorded: {len(recorded)}; "
              f"events missed: {missed}; duplicated: {duplicated}")  # fmt: skip
        for error in results.errors[:10]:
            print("  error:", error)
        return 1 if results.errors or missed or duplicated else 0
    finally:
        server.terminate()
        server.wait(30)
        if redis is not None:
            redis.stop()


if __name__ == "__main__":
    sys.exit(main())
