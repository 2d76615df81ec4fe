"""Load and faults on loopback, against `make run`'s server (Werkzeug) and `make serve`'s (waitress).

1. 200 concurrent clients for 30 s against POST /userDetails (wrk -c200): errors must be zero.
2. 100 live-log streams held open while those requests flow: every stream keeps receiving.
3. Clients that disconnect mid-request (half a body) or mid-stream: afterwards the open streams,
   the threads and the memory return to where they were.
4. The server's memory after 100,000 requests against after 1,000.
Prints a Markdown report; exit status 1 if a property fails. Only 127.0.0.1 is contacted.
"""

import argparse
import contextlib
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from bench.endpoints import free_port  # noqa: E402

COMMANDS = {
    "werkzeug": ["-m", "playground", "--host", "127.0.0.1", "--port"],  # make run
    "waitress": ["-m", "playground.serve", "--host", "127.0.0.1", "--port"],  # make serve
}


def health(port: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/health")
    data = json.loads(connection.getresponse().read())
    connection.close()
    return data


WRK_TIMEOUT = "10s"


def wrk(port: int, connections: int, seconds: float, script: str = "post_details.lua") -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", WRK_TIMEOUT,
         "-s", str(HERE / script),
         f"http://127.0.0.1:{port}/userDetails"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    requests = int(re.search(r"(\d+) requests in", out)[1])
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(map(int, socket_errors.groups())) if socket_errors else 0) + (
        int(non_2xx[1]) if non_2xx else 0
    )
    return {
        "requests": requests,
        "errors": errors,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
    }


class Stream(threading.Thread):
    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port, self.events, self.stop = port, 0, threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", "/api/stream")
            response = connection.getresponse()
            while not self.stop.is_set():
                line = response.fp.readline()
                if not line:
                    break
                self.events += line.startswith(b"id: ")
        except OSError as error:
            if not self.stop.is_set():
                self.error = repr(error)
        finally:
            connection.close()


def disconnect_mid_request(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /userDetails HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 1000\r\n\r\nusername=sam&firstname=")  # fmt: skip


def disconnect_mid_stream(port: int) -> None:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(100)
    s.close()


def settle(port: int, seconds: float = 15) -> dict:
    """Wait until no stream is open (a dropped one is noticed at its next keep-alive) and the
    number of threads has stopped falling (a thread ends once its closed connection is noticed)."""
    ends = time.monotonic() + seconds
    state = health(port)
    while time.monotonic() < ends:
        time.sleep(0.5)
        previous, state = state, health(port)
        if not state["streams_open"] and state["threads"] >= previous["threads"]:
            break
    return state


@contextlib.contextmanager
def started(server: str, settings: dict[str, str]) -> Iterator[int]:
    """The server's real command (make run's or make serve's) on a free port, until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *COMMANDS[server], str(port)], cwd=HERE.parent,
        env={"PATH": "/usr/bin:/bin", **settings}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                health(port)
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def run_each(parser: argparse.ArgumentParser, run: Callable[[str, argparse.Namespace], list[str]]) -> int:
    """Run against make run's server, make serve's, or both; print what failed; the exit status."""
    parser.add_argument("--server", choices=["werkzeug", "waitress", "both"], default="both")
    args = parser.parse_args()
    failures = []
    for server in ("werkzeug", "waitress") if args.server == "both" else (args.server,):
        failures += run(server, args)
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


# All of this load comes from one address, 127.0.0.1: lift the per-client caps (bench/storm.py checks
# them, with the defaults, from several addresses).
SOAK_SETTINGS = {
    "FLASK_STREAM_KEEPALIVE_SECONDS": "0.5",
    "FLASK_CONNECTIONS_PER_CLIENT": "100000",
    "FLASK_STREAM_LIMIT_PER_CLIENT": "100000",
}


def run(server: str, args: argparse.Namespace) -> list[str]:
    failures: list[str] = []
    with started(server, SOAK_SETTINGS) as port:
        wrk(port, 8, 1)
        settle(port)

        load = wrk(port, args.clients, args.seconds)
        print(f"### {server}\n")
        print(f"- {args.clients} concurrent clients for {args.seconds:.0f} s, POST /userDetails: "
              f"{load['requests']:,} requests ({load['rps']:.0f}/s), **{load['errors']} errors** "
              f"(wrk: failed, refused, non-2xx, or unanswered after {WRK_TIMEOUT})")  # fmt: skip
        if load["errors"]:
            failures.append(f"{server}: {load['errors']} errors under load")

        streams = [Stream(port) for _ in range(args.streams)]
        for stream in streams:
            stream.start()
        during = health(port)
        for _ in range(100):  # every stream connected before the requests start
            if during["streams_open"] == args.streams:
                break
            time.sleep(0.1)
            during = health(port)
        first_id, backlog = during["exchanges_recorded"], min(100, during["exchanges_kept"])
        flow = wrk(port, 20, 10, "post_details_paced.lua")
        sent = health(port)["exchanges_recorded"] - first_id
        expected = backlog + sent  # each stream starts with what the log held, then gets every new one
        for _ in range(100):  # the last batches reach every stream
            if min(s.events for s in streams) >= expected:
                break
            time.sleep(0.1)
        received = [s.events for s in streams]
        for stream in streams:
            stream.stop.set()
        counted = during["streams_open"]
        print(f"- {args.streams} live-log streams held open (the server counted {counted}) while 20 clients, "
              f"each about ten a second, sent {flow['requests']:,} requests ({flow['errors']} errors): "
              f"each stream received from {min(received):,} to {max(received):,} events, of {expected:,} "
              f"({backlog}, the newest already in the log, then {sent:,} new)")  # fmt: skip
        if counted < args.streams or min(received) < expected or flow["errors"]:
            failures.append(f"{server}: not every stream got every exchange")

        after_streams = settle(port)
        rounds = []
        for _ in range(6):
            for _ in range(args.disconnects):
                disconnect_mid_request(port)
                disconnect_mid_stream(port)
            settle(port)
            time.sleep(1)
            rounds.append(health(port))
        last = rounds[-1]
        memory = ", ".join(f"{r['rss_bytes'] / 2**20:.1f}" for r in rounds)
        print(f"- 6 rounds of {args.disconnects} mid-request and {args.disconnects} mid-stream disconnects: "
              f"streams open after {last['streams_open']}, threads {last['threads']} "
              f"(before {after_streams['threads']}); "
              f"memory {after_streams['rss_bytes'] / 2**20:.1f} MiB before, "
              f"then {memory} MiB after each round")  # fmt: skip
        if last["streams_open"] or last["threads"] > after_streams["threads"] + 2:
            failures.append(f"{server}: disconnected clients left streams or threads behind")
        # The allocator keeps what the first rounds took (and waitress's pool of 256 threads each keeps
        # the last connection it served), so the resident size creeps up before it levels off; the
        # Python objects themselves level off at once. A
        # leak of what a dropped stream had buffered (its backlog, about 150 KB) would add some 15 MiB
        # a round; fail beyond 2 MiB a round, about 10 KB per dropped connection.
        creep = (rounds[-1]["rss_bytes"] - rounds[-4]["rss_bytes"]) / 3 / 2**20
        print(f"  (the last three rounds: {creep:+.2f} MiB a round)")
        if creep > 2:
            failures.append(f"{server}: memory still grows {creep:.1f} MiB a round of disconnects")

        base = health(port)["exchanges_recorded"]
        while health(port)["exchanges_recorded"] - base < 1_000:
            wrk(port, 8, 1)
        at_1k = health(port)
        while health(port)["exchanges_recorded"] - base < 100_000:
            wrk(port, 16, 5)
        at_100k = health(port)
        growth = (at_100k["rss_bytes"] - at_1k["rss_bytes"]) / 2**20
        first, last = at_1k["exchanges_recorded"] - base, at_100k["exchanges_recorded"] - base
        print(f"- memory after {first:,} requests: {at_1k['rss_bytes'] / 2**20:.1f} MiB; "
              f"after {last:,}: {at_100k['rss_bytes'] / 2**20:.1f} MiB "
              f"(**{growth:+.1f} MiB**; the log keeps {at_100k['exchanges_kept']})\n")  # fmt: skip
        if growth > 5:
            failures.append(f"{server}: memory grew {growth:.1f} MiB from 1,000 to 100,000 requests")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--disconnects", type=int, default=100)
    return run_each(parser, run)


if __name__ == "__main__":
    sys.exit(main())
