"""Routing ``/c/<code>/...`` to the class's own app: a class is where the playground is mounted.

Each class is an app from create_app, with its own store (its keys under its code), teacher key and
limits, mounted at ``/c/<code>``: SCRIPT_NAME carries the prefix, so url_for, the pages' links and
the recorded paths include it, and the tutorial's views run exactly as they do at ``/``. The apps are
made on a class's first request and kept (at most FLASK_CLASS_APPS per process, the least recently
used let go first). A class is looked up in the registry at most once every CHECK_SECONDS per process,
so an endpoint's answer does not wait on Redis; that look-up also marks the class as used.

Anything else (``/`` and every path not under ``/c/``) goes to the deployment's own app, unchanged; so
does a code that names no class, where that app answers with the 404 page saying what to do.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from .registry import ClassInfo, Registry, is_code

CHECK_SECONDS = 30.0
"""How long a process trusts that a class exists before it asks the registry again (and marks it used):
a class deleted by ``flask class delete`` is gone from every worker within this long."""
APPS = 64
"""Classes' apps kept per process (FLASK_CLASS_APPS); beyond it the least recently used is let go."""
UNAVAILABLE = b"The list of classes is unavailable: Redis does not answer. Reload this page in a moment."


@dataclass
class _Mounted:
    app: Flask
    teacher_key: str
    checked: float


class ClassDispatcher:
    """A WSGI app: ``/c/<code>/...`` to the class's app, everything else to `fallback`."""

    def __init__(
        self,
        fallback: Callable[..., Iterable[bytes]],
        registry: Registry,
        make_app: Callable[[ClassInfo, str], Flask],
        max_apps: int = APPS,
        check_seconds: float = CHECK_SECONDS,
        root: str = "",
    ) -> None:
        self.fallback = fallback
        self.root = root.rstrip("/")
        """Where the deployment is mounted, from its settings (FLASK_APPLICATION_ROOT): "" at /."""
        self.registry = registry
        self.make_app = make_app
        self.max_apps = max_apps
        self.check_seconds = check_seconds
        self._mounted: OrderedDict[str, _Mounted] = OrderedDict()
        self._lock = threading.Lock()
        self._making = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/c/"):
            return self.fallback(environ, start_response)
        code, _, rest = path[3:].partition("/")
        if not is_code(code):
            return self.fallback(environ, start_response)
        # The class's app keeps its mount (its cookie's path) for every later request: it comes from
        # the deployment's settings (FLASK_APPLICATION_ROOT), never from this request, whose
        # SCRIPT_NAME a client may have set (gunicorn takes it from a header sent from 127.0.0.1).
        mount = f"{self.root}/c/{code}"
        try:
            app = self.app_for(code, mount)
        except Exception:  # the registry's store is away (redis.RedisError, OSError)
            start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
            return [UNAVAILABLE]
        if app is None:
            return self.fallback(environ, start_response)
        environ["SCRIPT_NAME"] = f"{environ.get('SCRIPT_NAME', '')}/c/{code}"
        environ["PATH_INFO"] = f"/{rest}"
        return app(environ, start_response)

    def app_for(self, code: str, mount: str) -> Flask | None:
        """The class's app, made on its first request; None when no such class exists (or it expired)."""
        now = time.monotonic()
        with self._lock:
            mounted = self._mounted.get(code)
            if mounted is not None and now - mounted.checked < self.check_seconds:
                self._mounted.move_to_end(code)
                return mounted.app
        info = self.registry.get(code)
        if info is None:
            self.forget(code)
            return None
        self.registry.touch(code)
        with self._making:
            with self._lock:
                mounted = self._mounted.get(code)
                if mounted is not None and mounted.teacher_key == info.teacher_key:
                    mounted.checked = now
                    self._mounted.move_to_end(code)
                    return mounted.app
            app = self.make_app(info, mount)
            with self._lock:
                self._mounted[code] = _Mounted(app, info.teacher_key, now)
                evicted = []
                while len(self._mounted) > self.max_apps:
                    evicted.append(self._mounted.popitem(last=False)[1].app)
        for old in evicted:
            old.extensions["store"].close()
        return app

    def forget(self, code: str) -> None:
        """Let the class's app go (deleted or expired): its store's threads end."""
        with self._lock:
            mounted = self._mounted.pop(code, None)
        if mounted is not None:
            mounted.app.extensions["store"].close()

    def mounted(self) -> list[str]:
        with self._lock:
            return list(self._mounted)
