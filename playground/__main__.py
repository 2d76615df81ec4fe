"""``python -m playground``: serve the playground with Werkzeug's server, the debugger off.

``make run`` calls this. The interactive debugger can never start from here: it would let anyone
who can reach the page run code on the teacher's laptop.
"""

import argparse
import contextlib

from flask import Flask
from werkzeug.serving import ThreadedWSGIServer

from . import create_app


class RoomyServer(ThreadedWSGIServer):
    """Werkzeug's threaded server with a longer listen queue: it closes each connection after one
    answer, so a busy class reconnects all the time, and 128 waiting connections overflow (200
    clients at once then see seconds-long SYN retries)."""

    request_queue_size = 1024


def serve_werkzeug(app: Flask, host: str, port: int) -> None:
    """Serve with a thread per connection, no debugger, no reloader."""
    app.debug = False
    RoomyServer(host, port, app).serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m playground", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on")
    args = parser.parse_args()
    app = create_app()
    print(f" * Flask Status Playground on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve_werkzeug(app, args.host, args.port)


if __name__ == "__main__":
    main()
