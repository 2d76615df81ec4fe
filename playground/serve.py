"""``python -m playground.serve``: serve a classroom with waitress, on all interfaces.

Waitress runs on Windows, macOS and Linux alike. It prints the address students should open, and
the live log page shows it with a QR code. The interactive debugger never runs here.
"""

import socket
import sys

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


def serve_classroom(host: str, port: int, threads: int = THREADS) -> None:
    """waitress on `host`, printing the addresses students open and the teacher link."""
    app = create_app()
    addresses = classroom_addresses() if host in ("0.0.0.0", "") else [host]
    urls = [f"http://{address}:{port}/" for address in addresses] or [f"http://localhost:{port}/"]
    app.config.setdefault("CLASSROOM_URL", urls[0])
    print("Flask Status Playground is serving the class. Students open:")
    for url in urls:
        print(f"    {url}")
    print(f"The live log (with a QR code of the address): {urls[0]}log   (Ctrl+C to stop)")
    print(
        f"Teacher link, for your browser only (it clears the log): {teacher_link(app, urls[0])}", flush=True
    )
    server = waitress_server(app, host, port, threads)
    try:
        server.run()
    except KeyboardInterrupt:
        server.close()


def main() -> None:
    """`python -m playground.serve` (`make serve`): the same as `flask-status-playground --classroom`."""
    from .cli import main as cli_main

    cli_main(["--classroom", *sys.argv[1:]], prog="python -m playground.serve")


if __name__ == "__main__":
    main()
