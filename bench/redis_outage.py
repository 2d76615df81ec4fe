"""The endpoints while Redis goes away: the playground on the Redis store under waitress (`make
serve`'s server), `POST /userDetails` with wrk for a few seconds in each phase: Redis up, Redis
frozen (SIGSTOP: a slow or overloaded Redis), Redis stopped, Redis back. The tutorial's bare listing
runs first under the same server, for the figure to compare with.

Needs wrk and redis-server (Debian's packages; `make bench` installs them as root). Loopback only.
"""

import json
import signal
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.endpoints import start, wrk  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402

SECONDS = 5
CONNECTIONS = 8


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=30) as answer:
        return json.load(answer)


def row(phase: str, result: dict[str, float]) -> None:
    errors = "some" if result["errors"] else "none"
    print(f"| {phase} | {result['rps']:.0f} | {result['p50']:.2f} | {result['p99']:.2f} | {errors} |")


def main() -> int:
    print(f"POST /userDetails under waitress, wrk -t1 -c{CONNECTIONS}, {SECONDS} s per phase")
    print("| phase | requests/s | p50 ms | p99 ms | non-2xx or socket errors |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as directory:
        redis = RedisServer(Path(directory)).start()
        tutorial, port = start("tutorial", "waitress", redis.url)
        try:
            wrk(port, 1, CONNECTIONS)
            row("the tutorial's bare listing", wrk(port, SECONDS, CONNECTIONS))
        finally:
            tutorial.terminate()
            tutorial.wait(10)
        playground, port = start("playground, redis", "waitress", redis.url)
        try:
            wrk(port, 1, CONNECTIONS)
            row("playground, Redis up", wrk(port, SECONDS, CONNECTIONS))
            assert redis.process is not None
            redis.process.send_signal(signal.SIGSTOP)
            row("playground, Redis frozen (SIGSTOP)", wrk(port, SECONDS, CONNECTIONS))
            redis.process.send_signal(signal.SIGCONT)
            redis.stop()
            row("playground, Redis stopped", wrk(port, SECONDS, CONNECTIONS))
            redis.start()
            row("playground, Redis back", wrk(port, SECONDS, CONNECTIONS))
            time.sleep(2)  # the writer's retry, then the queue drained
            after = health(port)
            print(
                f"\nAfter: the store answers: {after['store_available']}; exchanges waiting: "
                f"{after['pending_writes']}; dropped while Redis was away (beyond the queue's bound): "
                f"{after['dropped_writes']}; kept in the log now: {after['exchanges_kept']}."
            )
        finally:
            playground.terminate()
            playground.wait(10)
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
