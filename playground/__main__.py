"""``python -m playground``: serve the playground with Werkzeug's server, the debugger off.

``make run`` calls this. The interactive debugger can never start from here: it would let anyone
who can reach the page run code on the teacher's laptop.
"""

import argparse

from werkzeug.serving import run_simple

from . import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m playground", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on")
    args = parser.parse_args()
    app = create_app()
    app.debug = False
    print(f" * Flask Status Playground on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    run_simple(args.host, args.port, app, threaded=True, use_debugger=False, use_reloader=False)


if __name__ == "__main__":
    main()
