"""Serve one app with one server, for the benchmark: the playground (on either store) or the
tutorial's bare listing, with `make run`'s server (Werkzeug, threaded) or `make serve`'s (waitress)."""

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", choices=["playground", "tutorial"], required=True)
    parser.add_argument("--server", choices=["werkzeug", "waitress"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis-url", help="the playground's store: Redis at this URL (memory without)")
    args = parser.parse_args()
    if args.app == "playground":
        from playground import create_app

        store = {"REDIS_URL": args.redis_url, "SECRET_KEY": "bench"} if args.redis_url else {}
        app = create_app(store)
    else:
        from playground.lab.listings.tuple_listing import app
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
    # The load comes from one address: lift the per-client connection cap, keep everything else.
    app.config["CONNECTIONS_PER_CLIENT"] = 100_000
    from playground.serving.servers import waitress_server, werkzeug_server

    if args.server == "werkzeug":
        werkzeug_server(app, "127.0.0.1", args.port).serve_forever()
    else:
        waitress_server(app, "127.0.0.1", args.port).run()


if __name__ == "__main__":
    main()
