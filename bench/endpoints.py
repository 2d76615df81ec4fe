"""Requests per second and latency for POST /userDetails: the playground (recorder on), with the
in-memory store and with the Redis store, against the tutorial's bare listing, under the same
server, in the same run, alternating to share the noise.

Needs wrk (Debian's package; `make bench` installs it as root) and redis-server (Debian's package,
started here on a free port). Loopback only.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.redis_server import RedisServer, free_port  # noqa: E402

APPS = {"tutorial": [], "playground, memory": [], "playground, redis": []}


def start(app: str, server: str, redis_url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, str(HERE / "server.py"), "--server", server, "--port", str(port)]
    if app == "tutorial":
        command += ["--app", "tutorial"]
    else:
        command += ["--app", "playground", *(["--redis-url", redis_url] if app.endswith("redis") else [])]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=1)
        except urllib.error.HTTPError:
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app} under {server} did not start")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used: a steadier measure than a noisy clock."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(port: int, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(HERE / "post_details.lua"),
         f"http://127.0.0.1:{port}/userDetails"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    for pct in ("50", "90", "99"):
        value, unit = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out).groups()
        result[f"p{pct}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    result["errors"] = 0.0 if errors is None else 1.0
    return result


def measure(
    server: str, rounds: int, seconds: int, connections: int, redis_url: str
) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {app: [] for app in APPS}
    for _ in range(rounds):
        for app in runs:
            process, port = start(app, server, redis_url)
            try:
                wrk(port, 1, connections)  # warm up
                before = cpu_seconds(process.pid)
                result = wrk(port, seconds, connections)
                result["cpu_us"] = (cpu_seconds(process.pid) - before) / (result["rps"] * seconds) * 1e6
                runs[app].append(result)
            finally:
                process.terminate()
                process.wait(10)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench does it as root).")
    rounds = f"{args.rounds} alternating rounds of {args.seconds} s"
    print(f"POST /userDetails, wrk -t1 -c{args.connections}, {rounds}, medians; the goal is a ratio of 0.9")
    print("| server | app | requests/s | p50 ms | p90 ms | p99 ms | server CPU µs/request | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as directory:
        redis = RedisServer(Path(directory)).start()
        try:
            for server in ("werkzeug", "waitress"):
                report(server, measure(server, args.rounds, args.seconds, args.connections, redis.url))
        finally:
            redis.stop()
    return 0


def report(server: str, runs: dict[str, list[dict[str, float]]]) -> None:
    medians = {}
    for app, results in runs.items():
        medians[app] = {k: statistics.median(r[k] for r in results) for k in results[0]}
        m = medians[app]
        print(f"| {server} | {app} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p90']:.2f} | {m['p99']:.2f} | "
              f"{m['cpu_us']:.0f} | {'some' if m['errors'] else 'none'} |")  # fmt: skip
    tutorial = medians["tutorial"]
    for app in runs:
        if app != "tutorial":
            ratio = medians[app]["rps"] / tutorial["rps"]
            cpu_ratio = tutorial["cpu_us"] / medians[app]["cpu_us"]
            print(f"| {server} | **{app} / tutorial** | **{ratio:.2f}** | | | | **{cpu_ratio:.2f}** | |")


if __name__ == "__main__":
    sys.exit(main())
