"""Werkzeug's interactive debugger never shows on the playground, whatever command starts it.

`flask --app playground run` with FLASK_DEBUG=1 (or --debug) wraps the app in Werkzeug's debugger,
which answers any exception a view lets out with a page that runs Python on the server. The
tutorial's own code raises on purpose (GET /userDetails is a 500), so a class would get that page.
Two guards, set when the app is built:

- in debug mode the app handles its own exceptions (PROPAGATE_EXCEPTIONS off): every 500 is Flask's
  plain error page, exactly as without debug, and the debugger never sees an exception;
- `flask run` in debug mode on an address other than loopback refuses to start, in one sentence:
  the debugger's console would be reachable from the classroom network.

`make run`, `make serve` and `make host` never turn debug on (servers.py, gunicorn.conf.py).
"""

import ipaddress

import click
from flask import Flask


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) can only be reached from this machine."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # another name: it may reach the network, so it is not trusted


class DebuggerOnTheNetwork(click.ClickException):
    """`flask run` refuses: click prints the one sentence (after "Error: ") and exits with status 1."""


def flask_run_host() -> str | None:
    """The host `flask run` is starting on, when it is what builds this app; None otherwise."""
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return None
    return context.params.get("host")


def init_app(app: Flask) -> None:
    if not app.debug:
        return
    # In debug mode Flask would re-raise a view's exception for the debugger to show; handled here
    # instead, the tutorial's 500 is Flask's own error page, as it is without debug.
    if app.config["PROPAGATE_EXCEPTIONS"] is None:
        app.config["PROPAGATE_EXCEPTIONS"] = False
    host = flask_run_host()
    if host is not None and not is_loopback(host):
        raise DebuggerOnTheNetwork(
            f"FLASK_DEBUG=1 on {host} would let anyone on the network reach Werkzeug's debugger: "
            "use --host 127.0.0.1 with debug, or unset FLASK_DEBUG (make serve serves a class)."
        )
