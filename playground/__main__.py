"""``python -m playground``: serve the playground with Werkzeug's server, the debugger off.

``make run`` calls this. The interactive debugger can never start from here: it would let anyone
who can reach the page run code on the teacher's laptop.
"""

import argparse
import contextlib

from . import create_app
from .classroom.teacher import teacher_link
from .servers import werkzeug_server


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m playground", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on")
    args = parser.parse_args()
    app = create_app()
    server = werkzeug_server(app, args.host, args.port)
    url = f"http://{args.host}:{server.port}/"
    print(f" * Flask Status Playground on {url} (Ctrl+C to stop)", flush=True)
    print(f" * Teacher link (clears the log; keep it to yourself): {teacher_link(app, url)}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
