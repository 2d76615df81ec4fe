"""Start a server and say where it is: the addresses students open and the teacher's link.

``serve_one_laptop`` is ``make run`` (Werkzeug's threaded server on loopback), ``serve_classroom`` is
``make serve`` (waitress on all interfaces). The interactive debugger never runs from here.
"""

import contextlib
import socket

from .. import create_app
from ..classroom.teacher import teacher_link
from .servers import THREADS, waitress_server, werkzeug_server


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


def serve_one_laptop(host: str, port: int) -> None:
    """Werkzeug's threaded server, as `make run`: no debugger, no reloader."""
    app = create_app()
    server = werkzeug_server(app, host, port)
    url = f"http://{host}:{server.port}/"
    print(f" * Flask Status Playground on {url} (Ctrl+C to stop)", flush=True)
    print(f" * Teacher link (clears the log; keep it to yourself): {teacher_link(app, url)}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
