"""``flask-status-playground``: serve the playground from any folder, the debugger off.

    flask-status-playground --host 127.0.0.1 --port 5000   one laptop: Werkzeug's server, as make run
    flask-status-playground --classroom --port 5000        a class: waitress on all interfaces, as make serve

The interactive debugger never starts from here: it would let anyone who can reach the page run
code on the teacher's computer.
"""

import argparse
import re
from collections.abc import Sequence

from ..stores import UnsafeConfiguration
from .run import serve_classroom, serve_one_laptop
from .servers import THREADS


def plain(text: str) -> str:
    """A docstring as a terminal shows it: ``code`` marks are for documentation tools, not for --help."""
    return re.sub(r"`{1,2}([^`]+)`{1,2}", r"\1", text)


def main(argv: Sequence[str] | None = None, prog: str = "flask-status-playground") -> None:
    parser = argparse.ArgumentParser(
        prog=prog, description=plain(__doc__ or ""), formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--host", help="interface to listen on (127.0.0.1; all of them with --classroom)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (5000)")
    parser.add_argument("--classroom", action="store_true", help="serve a class: waitress, all interfaces")
    parser.add_argument("--threads", type=int, default=THREADS, help="waitress's threads, with --classroom")
    parser.add_argument(
        "--fetch-lab", action="store_true", help="fetch the code lab's Python (once), then exit"
    )
    args = parser.parse_args(argv)
    try:
        run(args)
    except UnsafeConfiguration as refusal:
        raise SystemExit(str(refusal)) from None


def run(args: argparse.Namespace) -> None:
    if args.fetch_lab:
        from ..lab.fetch import main as fetch_lab

        raise SystemExit(fetch_lab())
    if args.classroom:
        serve_classroom(args.host or "0.0.0.0", args.port, args.threads)
    else:
        serve_one_laptop(args.host or "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
