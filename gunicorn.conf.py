"""gunicorn's settings for hosting the playground for a school (gunicorn reads this file from the
directory it starts in). See docs/HOSTING.md.

    FLASK_REDIS_URL=redis://127.0.0.1:6379/0 FLASK_SECRET_KEY=... \\
        gunicorn -w 4 -b 127.0.0.1:8000 'playground:create_app()'    # nginx in front

Every setting here can be overridden on the command line (-w, -b, --threads, ...).
"""

import os
import sys

from playground.guards.header_limit import MAX_HEADER_BYTES

wsgi_app = "playground:create_app()"
bind = os.environ.get("PLAYGROUND_BIND", "127.0.0.1:8000")

# Threads, not sync workers: a live log is a Server-Sent Events stream that stays open for minutes,
# and a sync worker would be held by it (the endpoints then wait, and gunicorn kills the worker at
# `timeout`). A gthread worker gives each open connection a thread of its pool, and the playground
# refuses streams beyond STREAM_RESERVE threads short of the pool, so the endpoints always have some.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, 2 * (os.cpu_count() or 1) + 1)))
threads = 100
STREAM_RESERVE = 16
"""Threads of each worker's pool that a live log may never take: they answer the endpoints."""

# A worker's heartbeat runs on its main thread, so a long stream never trips `timeout`; a restart
# waits at most `graceful_timeout` for open streams (the browsers reconnect and resume).
timeout = 30
graceful_timeout = 10
keepalive = 5
worker_connections = 1000
# No request header names the app's mount: gunicorn would otherwise take SCRIPT_NAME and PATH_INFO
# from any client on 127.0.0.1 (a tunnel, a proxy on the same host). The playground's mount is a
# setting (FLASK_APPLICATION_ROOT), and a class's is /c/<code> below it.
forwarder_headers = ""

# The same header limit the playground sets for itself (guards/header_limit.py, 32 KiB): gunicorn's
# defaults would refuse one header over 8 KiB with a 400 before the playground could answer 431.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = MAX_HEADER_BYTES

# No gunicornc control socket: one per user by default, and two servers on one machine (a test
# deployment next to a real one) would take it from each other.
control_socket_disable = True


def on_starting(server) -> None:
    """Before any worker starts: refuse an unsafe configuration in one line, and size the stream limit."""
    from playground.classes import key_refusal
    from playground.serving.deploy import environment_settings
    from playground.stores import refusal

    settings = environment_settings()
    if why := refusal(settings) or key_refusal(settings):
        sys.exit(why)
    # Each worker refuses a live log beyond its pool minus the reserve (503, and the page polls).
    os.environ.setdefault("FLASK_STREAM_LIMIT", str(max(1, server.cfg.threads - STREAM_RESERVE)))


def when_ready(server) -> None:
    """Say where the class goes, and print the teacher's link (one key for every worker)."""
    from playground.serving.deploy import announce

    announce(server.cfg.bind, server.log.info, server.cfg.workers)
