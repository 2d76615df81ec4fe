"""Hostile load on loopback, against `make run`'s server (Werkzeug) and `make serve`'s (waitress),
each started as its command starts it, with the default limits.

1. Stream storm: one address (127.0.0.2) opens 1,000 live-log streams and holds them; meanwhile
   another (127.0.0.1) sends POST /userDetails and GET /: each must answer within 1 s.
2. Header flood: 500 requests with 30 KB of headers each (just under the 431 limit), then 100
   with 6 MB each: the log's bytes stay under EXCHANGE_LOG_BYTES, and what one reader of
   /api/exchanges or /api/stream receives is bounded.
3. A class of 60 browsers (127.0.0.10 to 127.0.0.69) reloading /log every 2 s for 30 s: each
   reload fetches the page and opens the live log's stream; 0 errors.
4. Slow connections: 16 addresses (127.0.2.x) x 64 connections each (each address's whole share)
   send headers a byte every half second for 12 s; another address (127.0.3.x) times its requests:
   each must answer within 1 s.
5. `make run` only: a 200 MB body declared, and sent: after the 413, how much the server took in.
6. Export storm (issue 19): the log filled with 500 exchanges full of what JSON escapes; what each
   new reader receives (a page of /api/exchanges, a new stream's backlog, the HAR export); then 24
   addresses (127.0.0.10 to .33) export the log at once and read it slowly while 127.0.0.2 sends
   POST /userDetails, with the server's memory before, during and after; then 24 exports at once
   from one address (tests/export_storm.py does the work; tests/test_export_storm.py asserts it).
Then `make host`'s deployment (nginx from deploy/nginx.conf, gunicorn -w 4, Redis from
deploy/redis.conf): one address opens 1,600 slow connections for 12 s while another times its requests.
Prints a Markdown report; exit status 1 if a property fails. Only 127.0.0.0/8 is contacted.
"""

import argparse
import contextlib
import http.client
import socket
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from bench.soak import health, run_each, started  # noqa: E402
from playground.api.routes import EXPORT_BYTES  # noqa: E402
from playground.api.serialize import READER_BYTES  # noqa: E402
from tests.support.export_storm import MiB, export_storm, fill_with_escapes, reader_bytes  # noqa: E402

FORM_BODY = b"username=sam&lastname=king"
FORM_POST = (
    b"POST /userDetails HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(FORM_BODY), FORM_BODY)
)


def timed_request(port: int, raw: bytes, source: str = "127.0.0.1", timeout: float = 10) -> tuple[int, float]:
    """Send one raw request, read the whole answer; its status and the seconds it took (0 if none)."""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as s:
            s.sendall(raw)
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
    except OSError:
        return 0, time.perf_counter() - started
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - started


def get(port: int, path: str, source: str = "127.0.0.1") -> tuple[int, float]:
    return timed_request(
        port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(), source
    )


def stream_storm(port: int, count: int) -> tuple[list[str], dict]:
    held = []
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
            s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            held.append(s)
        except OSError:
            pass
    time.sleep(1)
    timings = [timed_request(port, FORM_POST) for _ in range(20)] + [get(port, "/") for _ in range(5)]
    state = health(port)
    failures = []
    slowest = max(seconds for _, seconds in timings)
    statuses = sorted({status for status, _ in timings})
    print(f"- stream storm: 127.0.0.2 opened {len(held):,} of {count:,} stream connections; the server "
          f"held {state['streams_open']} streams, refused {state['streams_refused']:,} with 503; meanwhile "
          f"127.0.0.1 got {statuses} for 20 POST /userDetails and 5 GET /, the slowest in "
          f"**{slowest * 1000:.0f} ms**")  # fmt: skip
    if slowest >= 1 or statuses != [200, 201]:
        failures.append(f"endpoints slow or failing during the stream storm ({slowest:.2f} s, {statuses})")
    for s in held:
        s.close()
    closed = time.monotonic()
    while health(port)["streams_open"] and time.monotonic() - closed < 30:
        time.sleep(0.05)
    noticed = time.monotonic() - closed
    print(f"  the storm's {state['streams_open']} held streams closed: all freed within {noticed:.1f} s")
    if noticed > 5:
        failures.append(f"closed streams were noticed after {noticed:.1f} s, not within 5 s")
    return failures, state


def header_flood(port: int) -> list[str]:
    failures = []
    before = health(port)
    near_limit = "".join(f"X-Flood-{i}: {'v' * 3000}\r\n" for i in range(10)).encode()
    for _ in range(500):
        timed_request(port, FORM_POST.replace(b"Host: x\r\n", b"Host: x\r\n" + near_limit))
    huge = "".join(f"X-Flood-{i}: {'v' * 65000}\r\n" for i in range(95)).encode()
    refused = [
        timed_request(port, FORM_POST.replace(b"Host: x\r\n", b"Host: x\r\n" + huge))[0] for _ in range(100)
    ]
    after = health(port)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/exchanges")
    api_bytes = len(connection.getresponse().read())
    connection.close()
    stream_bytes = 0
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        ends = time.monotonic() + 5
        while time.monotonic() < ends:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            stream_bytes += len(chunk)
    print(f"- header flood: 500 requests with 30 KB of headers, then 100 with 6 MB "
          f"(answered {sorted(set(refused))}): the log holds {after['exchanges_kept']} exchanges in "
          f"{after['exchanges_bytes'] / 2**20:.1f} MiB; memory {before['rss_bytes'] / 2**20:.1f} → "
          f"{after['rss_bytes'] / 2**20:.1f} MiB; one GET /api/exchanges got {api_bytes / 2**20:.2f} MiB, "
          f"a new stream {stream_bytes / 2**20:.2f} MiB in 5 s")  # fmt: skip
    if set(refused) - {431, 0} or after["exchanges_bytes"] > 32 * 2**20:
        failures.append("header flood: not refused, or the log over its bytes")
    if api_bytes > READER_BYTES or stream_bytes > READER_BYTES + 100:
        failures.append(f"header flood: a reader received more than {READER_BYTES:,} bytes")
    return failures


def class_reloading(port: int, browsers: int, seconds: float, every: float) -> list[str]:
    errors: list[str] = []
    reloads = [0]
    lock = threading.Lock()

    def browser(index: int) -> None:
        source = f"127.0.0.{10 + index}"
        stream = None
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            started = time.monotonic()
            if stream is not None:
                stream.close()  # the reload closes the old page's stream
            status, _ = get(port, "/log", source)
            try:
                stream = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
                stream.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
                head = stream.recv(200)
                stream_status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
            except OSError as error:
                stream_status, stream = 0, None
                with lock:
                    errors.append(repr(error))
            with lock:
                reloads[0] += 1
                if status != 200 or stream_status != 200:
                    errors.append(f"{source}: /log {status}, stream {stream_status}")
            time.sleep(max(0.0, every - (time.monotonic() - started)))
        if stream is not None:
            stream.close()

    threads = [threading.Thread(target=browser, args=(i,), daemon=True) for i in range(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"- a class of {browsers} browsers reloading /log every {every:.0f} s for {seconds:.0f} s: "
          f"{reloads[0]:,} reloads (page and stream), **{len(errors)} errors**")  # fmt: skip
    return [f"class reloading /log: {len(errors)} errors, first {errors[0]}"] if errors else []


def slow_connections(port: int, sources: list[str], per_source: int, seconds: float) -> list[str]:
    """`per_source` connections from each of `sources`, trickling headers, while 127.0.3.x times
    requests; the slowest answer, and how many of the slow connections the server had closed."""
    slow: list[socket.socket] = []
    for source in sources:
        for _ in range(per_source):
            sock = socket.socket()
            sock.bind((source, 0))
            sock.settimeout(5)
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", port))
            slow.append(sock)
    stop = threading.Event()
    closed = [0]

    def trickle() -> None:
        head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100_000
        position, open_sockets = 0, list(slow)
        while not stop.is_set() and open_sockets:
            still = []
            for sock in open_sockets:
                try:
                    sock.send(head[position : position + 1])
                    still.append(sock)
                except OSError:
                    closed[0] += 1
            open_sockets, position = still, position + 1
            stop.wait(0.5)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    timings = []
    ends = time.monotonic() + seconds
    n = 0
    while time.monotonic() < ends:
        timings.append(timed_request(port, FORM_POST, source=f"127.0.3.{n % 200 + 1}", timeout=5))
        n += 1
        time.sleep(0.2)
    stop.set()
    trickler.join()
    held = len(slow) - closed[0]
    for sock in slow:
        sock.close()
    slowest = max(seconds for _, seconds in timings)
    statuses = sorted({status for status, _ in timings})
    print(f"- slow connections: {len(sources)} address(es) x {per_source:,} connections sending headers a "
          f"byte every 0.5 s for {seconds:.0f} s ({held:,} still open at the end); meanwhile 127.0.3.x got "
          f"{statuses} for {len(timings)} POST /userDetails, "
          f"the slowest in **{slowest * 1000:.0f} ms**")  # fmt: skip
    if slowest >= 1 or statuses != [201]:
        return [f"others slow or failing during the slow-connection storm ({slowest:.2f} s, {statuses})"]
    return []


def body_after_413(port: int) -> list[str]:
    """A 200 MB body declared and sent as fast as loopback goes: how much the server took in."""
    declared, sent = 200 * 2**20, 0
    started_at = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /userSignUp HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % declared)
        chunk = b"x" * 65536
        try:
            while sent < declared:
                sent += sock.send(chunk[: declared - sent])
        except OSError:
            pass
        closed_after = time.perf_counter() - started_at
    print(f"- a 200 MB body after its 413: the client got {sent / 2**20:.1f} MiB in before the server "
          f"closed the connection, {closed_after * 1000:.0f} ms after the request began")  # fmt: skip
    return [] if sent < declared // 10 else [f"the server read {sent:,} bytes after its 413"]


def exports(port: int, count: int, readers: int) -> list[str]:
    failures = []
    filled = time.perf_counter()
    fill_with_escapes(port, count)
    filled = time.perf_counter() - filled
    state = health(port)
    received = reader_bytes(port)
    print(f"- escaping-heavy log: {count} exchanges sent in {filled:.1f} s, the log holds "
          f"{state['exchanges_kept']} in {state['exchanges_bytes'] / MiB:.1f} MiB; a new reader got: "
          f"`GET /api/exchanges` **{received.api_page / MiB:.2f} MiB**, `?after=0` "
          f"{received.api_first_page / MiB:.2f} MiB, a new stream's backlog "
          f"**{received.stream_backlog / MiB:.2f} MiB**, the HAR export **{received.export / MiB:.2f} MiB** "
          f"({received.export_entries} entries, then cut, saying where to go on)")  # fmt: skip
    if max(received.api_page, received.api_first_page) > READER_BYTES:
        failures.append("an API page over READER_BYTES")
    if received.stream_backlog > READER_BYTES + 100 or received.export > EXPORT_BYTES:
        failures.append("a stream's backlog or the export over its bytes")
    storm = export_storm(port, readers=readers, hold=3.0, settle=60)
    slowest = max(storm.endpoint_seconds)
    print(f"- export storm: {readers} addresses each exporting the log at once, read slowly "
          f"({sorted(set(storm.statuses))}): resident memory **{storm.baseline_rss / MiB:.1f} MiB** before, "
          f"**{storm.peak_rss / MiB:.1f} MiB** at the peak, **{storm.after_rss / MiB:.1f} MiB** "
          f"{storm.settled_seconds:.1f} s after the readers left; {len(storm.endpoint_seconds)} "
          f"`POST /userDetails` from another address meanwhile answered "
          f"{sorted(set(storm.endpoint_statuses))}, "
          f"the slowest in **{slowest * 1000:.0f} ms**; {readers} at once from one address: "
          f"{storm.one_address.count(200)} ran, {storm.one_address.count(429)} got 429 "
          f"(`Retry-After: {storm.retry_after}`)")  # fmt: skip
    if storm.peak_rss - storm.baseline_rss > 96 * MiB or storm.after_rss - storm.baseline_rss > 16 * MiB:
        failures.append("export storm: memory grew, or did not come back within a minute")
    if sorted(storm.one_address) != [200] + [429] * (readers - 1) or slowest >= 1:
        failures.append(
            f"export storm: one address ran {storm.one_address.count(200)}, endpoints {slowest:.2f} s"
        )
    return failures


def run(server: str, args: argparse.Namespace) -> list[str]:
    with started(server, {}) as port:
        print(f"### {server}\n")
        failures: list[str] = []
        if args.only in ("all", "streams"):
            failures += stream_storm(port, args.storm)[0]
            failures += header_flood(port)
            failures += class_reloading(port, args.browsers, args.seconds, args.every)
        if args.only in ("all", "slow"):
            if server == "werkzeug":
                failures += body_after_413(port)
            failures += slow_connections(port, [f"127.0.2.{n + 1}" for n in range(16)], 64, args.slow_seconds)
        if args.only in ("all", "exports"):
            failures += exports(port, args.exchanges, args.readers)
        print()
    return [f"{server}: {failure}" for failure in failures]


def hosted(args: argparse.Namespace) -> list[str]:
    """make host's deployment, as the e2e tests start it: Redis, gunicorn -w 4, nginx in front."""
    import tempfile

    from e2e.deployment import Deployment
    from scripts.nginx_front import Front
    from tests.support.redis_server import RedisServer, free_port

    with tempfile.TemporaryDirectory() as directory:
        redis = RedisServer(Path(directory), config=HERE.parent / "deploy" / "redis.conf").start()
        deployment = Deployment(redis, settings={"FLASK_PROXY_HOPS": "1"}).start()
        front = Front(f"127.0.0.1:{free_port()}", f"127.0.0.1:{deployment.port}").start()
        try:
            print("### make host (nginx, gunicorn -w 4, Redis)\n")
            failures = slow_connections(front.port, ["127.0.0.2"], args.hosted_storm, args.slow_seconds)
            print()
        finally:
            front.stop()
            deployment.stop()
            redis.stop()
    return [f"make host: {failure}" for failure in failures]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--storm", type=int, default=1000)
    parser.add_argument("--browsers", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--every", type=float, default=2)
    parser.add_argument("--slow-seconds", type=float, default=12)
    parser.add_argument("--hosted-storm", type=int, default=1600, help="slow connections against make host")
    parser.add_argument("--no-hosted", action="store_true", help="leave out make host's deployment")
    parser.add_argument("--exchanges", type=int, default=500, help="escaping-heavy exchanges to export")
    parser.add_argument("--readers", type=int, default=24, help="addresses exporting the log at once")
    parser.add_argument("--only", choices=["all", "streams", "slow", "exports"], default="all")
    status = run_each(parser, run)
    args = parser.parse_args()
    if args.no_hosted:
        return status
    failures = hosted(args)
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures or status else 0


if __name__ == "__main__":
    sys.exit(main())
