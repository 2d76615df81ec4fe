"""The learner's app file, run as Flask's own ``flask run`` would import it: as the module ``app``,
from a file named app.py (so tracebacks and the explainer show its lines), with ``app.run()``
skipped (the lab calls the app through its test client). The code lab's runtime and the challenges'
checks both load a file this way."""

import linecache
import sys
import types
from collections.abc import Callable
from typing import Any

from flask import Flask

FILENAME = "app.py"


def execute(
    code: str, compiled: types.CodeType, on_run: Callable[[], None] = lambda: None
) -> types.ModuleType:
    """Run compiled code as the module ``app`` and return it; ``on_run`` is called where it calls
    app.run(). The learner's exceptions are left to the caller, whose lesson they are."""
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(keepends=True), FILENAME)
    module = types.ModuleType("app")
    module.__file__ = FILENAME
    sys.modules["app"] = module

    def skip_run(self: Flask, *args: Any, **kwargs: Any) -> None:
        on_run()

    original_run, Flask.run = Flask.run, skip_run  # type: ignore[method-assign]
    try:
        exec(compiled, module.__dict__)
    finally:
        Flask.run = original_run  # type: ignore[method-assign]
    return module


def app_of(module: types.ModuleType) -> Flask | None:
    """The module's ``app``, or else its only Flask object, or None."""
    app = module.__dict__.get("app")
    if isinstance(app, Flask):
        return app
    return next((value for value in module.__dict__.values() if isinstance(value, Flask)), None)
