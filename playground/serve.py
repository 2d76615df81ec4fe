"""``python -m playground.serve``: serve a classroom with waitress, on all interfaces.

Waitress runs on Windows, macOS and Linux alike. It prints the address students should open, and
the live log page shows it with a QR code. The interactive debugger never runs here.
"""

import argparse
import socket

from . import create_app
from .classroom.teacher import teacher_link
from .servers import THREADS, waitress_server


def classroom_addresses() -> list[str]:
    """This machine's IPv4 addresses on the local network, from its own host name (no packet sent)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m playground.serve", description=__doc__)
    parser.add_argument("--host", default="0.0.0.0", help="interface to listen on (all by default)")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args()
    app = create_app()
    addresses = classroom_addresses() if args.host in ("0.0.0.0", "") else [args.host]
    urls = [f"http://{address}:{args.port}/" for address in addresses] or [f"http://localhost:{args.port}/"]
    app.config.setdefault("CLASSROOM_URL", urls[0])
    print("Flask Status Playground is serving the class. Students open:")
    for url in urls:
        print(f"    {url}")
    print(f"The live log (with a QR code of the address): {urls[0]}log   (Ctrl+C to stop)")
    print(
        f"Teacher link, for your browser only (it can clear the log): {teacher_link(app, urls[0])}",
        flush=True,
    )
    server = waitress_server(app, args.host, args.port, args.threads)
    try:
        server.run()
    except KeyboardInterrupt:
        server.close()


if __name__ == "__main__":
    main()
