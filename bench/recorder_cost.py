"""What the recorder costs, part by part, in-process (Werkzeug's test client, no server, no network):
the tutorial's bare listing, the playground without its recorder middleware, without the tracer that
follows the view, and whole. Best of 5 runs of 3,000 POST /userDetails each."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from werkzeug.test import Client

import playground.recording.middleware as recorder
from playground import create_app
from playground.lab.listings.tuple_listing import app as tutorial

BODY = "username=sam&firstname=john&lastname=king"


def microseconds_per_request(app: Flask, count: int = 3000) -> float:
    client = Client(app)

    def send(n: int) -> None:
        for _ in range(n):
            client.post("/userDetails", data=BODY, content_type="application/x-www-form-urlencoded")

    send(300)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        send(count)
        best = min(best, (time.perf_counter() - started) / count * 1e6)
    return best


def without_middleware() -> Flask:
    app = create_app({"SECRET_KEY": "bench"})
    app.wsgi_app = app.extensions["recorder"].wsgi_app  # the app as the middleware found it
    return app


def without_tracer() -> Flask:
    start = recorder.Recorder._start_tracing
    recorder.Recorder._start_tracing = lambda self: None  # type: ignore[method-assign]
    try:
        app = create_app({"SECRET_KEY": "bench"})
        return app
    finally:
        # The hook was bound when the app registered it: restoring the class keeps the app untraced.
        recorder.Recorder._start_tracing = start  # type: ignore[method-assign]


def main() -> None:
    variants = [
        ("the tutorial's bare listing", tutorial),
        ("playground, recorder middleware off (blueprints, body limit, headers)", without_middleware()),
        ("playground, recorder on, view tracer off", without_tracer()),
        ("playground, whole (recorder and tracer on)", create_app({"SECRET_KEY": "bench"})),
    ]
    rows = [(name, microseconds_per_request(app)) for name, app in variants]
    base = rows[0][1]
    print("| in-process, POST /userDetails | µs per request | over the tutorial |")
    print("| --- | --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value:.0f} | {value - base:+.0f} |")


if __name__ == "__main__":
    main()
