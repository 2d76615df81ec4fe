"""The code lab's Python: runs a learner's app file and answers one request, in the learner's browser.

Pyodide loads this module in a Web Worker, with the playground's own recorder, explainer and
challenges beside it: the learner's app is wrapped by the same Recorder as the server's endpoints,
the answer is explained by the same code, and ``check`` runs a challenge's checks (challenges.py).
Flask's test_client() calls the app: no socket, no thread, no server. It runs in CPython too,
which is how tests/test_lab_runtime.py checks it.
"""

import ast
import io
import logging
import random
import traceback
from typing import Any

from flask import Flask

from ..recording.explain import explain
from ..recording.middleware import init_app as record
from . import appfile, challenges

FILENAME = appfile.FILENAME
AVAILABLE = (
    "Python's standard library, flask, werkzeug, jinja2, markupsafe, itsdangerous, click, blinker, pygments"
)
RUN_SKIPPED = (
    "app.run() was skipped: here the page calls your app through Flask's test_client(), inside your "
    "browser. On your own computer, app.run() starts the development server."
)


MAIN_SKIPPED = (
    'The block under if __name__ == "__main__": did not run: here your file is imported as a module '
    "(as flask run imports it), so its name is not __main__. On your own computer, python app.py runs "
    "that block, and its app.run() starts the development server."
)


def _has_main_block(tree: ast.Module) -> bool:
    """Whether the file ends, as many do, with ``if __name__ == "__main__":``."""
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            names = [node.test.left, *node.test.comparators]
            texts = {getattr(name, "id", None) or getattr(name, "value", None) for name in names}
            if texts == {"__name__", "__main__"}:
                return True
    return False


def highlight_tokens(code: str) -> list[list[str]]:
    """The code as Pygments' tokens, ``[css class, text]``: the page builds the coloured spans itself.

    The same lexer and the same class names as the server's highlighted source (HtmlFormatter), so
    the same stylesheet colours both; the texts joined are exactly the code.
    """
    from pygments.lexers import PythonLexer
    from pygments.token import STANDARD_TYPES

    tokens = []
    for kind, text in PythonLexer(stripnl=False, ensurenl=False).get_tokens(code):
        while kind not in STANDARD_TYPES:
            kind = kind.parent
        tokens.append([STANDARD_TYPES[kind], text])
    return tokens


_notes: list[str] = []


_loaded: dict[str, Any] = {}
"""The last file run, its app and its recorder: sending again without an edit reuses them."""


def run(code: str, request: dict[str, Any]) -> dict[str, Any]:
    """Run the learner's file and send it one request: the answer, or the mistake, as plain data."""
    if _loaded.get("code") == code:
        return _answer(_loaded["app"], _loaded["recorder"], request, _loaded["notes"])
    _loaded.clear()
    _notes.clear()
    try:
        compiled = compile(code, FILENAME, "exec")
    except SyntaxError as error:
        return {"kind": "syntax_error", "line": error.lineno, "column": error.offset, "message": error.msg}
    if _has_main_block(ast.parse(code)):
        _notes.append(MAIN_SKIPPED)
    try:
        module = appfile.execute(code, compiled, on_run=lambda: _notes.append(RUN_SKIPPED))
    except ModuleNotFoundError as error:
        return {"kind": "error", "line": _line_of(error), "message": (
            f"No module named {error.name!r} in the lab: it has {AVAILABLE}.")}  # fmt: skip
    except Exception as error:  # the learner's code: any mistake is the lesson
        return {"kind": "error", "line": _line_of(error), "message": _traceback(error)}
    app = appfile.app_of(module)
    if app is None:
        return {
            "kind": "error",
            "line": None,
            "message": "The code makes no Flask app: keep app = Flask(__name__).",
        }
    endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()} - {"static"}
    recorder = record(app, recorded_blueprints=endpoints)
    _loaded.update(code=code, app=app, recorder=recorder, notes=list(_notes))
    return _answer(app, recorder, request, list(_notes))


WARM_UP = """from flask import Flask, request

app = Flask(__name__)


@app.route("/userDetails", methods=["POST"])
def user_details():
    return request.form["lastname"], 201
"""


def warm_up() -> dict[str, Any]:
    """Answer a small app's requests (a 201 and a 400) before the learner's first Send, so that what
    a first request imports (the test client, the explainer's paths) is imported already."""
    form = [["Content-Type", "application/x-www-form-urlencoded"]]
    run(WARM_UP, {"path": "/userDetails", "method": "POST", "headers": form, "body": "lastname=x"})
    answer = run(WARM_UP, {"path": "/userDetails", "method": "POST", "headers": form, "body": ""})
    _loaded.clear()
    return answer


def after_restore() -> None:
    """A Python restored from the browser's snapshot starts where the snapshot's maker stopped: what
    must differ from one start to the next (the random module's state) is drawn afresh."""
    random.seed()


def check(challenge_id: str, code: str, seed: str) -> dict[str, Any]:
    """Run a challenge's checks on the learner's file (challenges.check_code): what Check shows.

    The checks load the file afresh, into the same module name and the same app.py lines as run():
    the next Send runs its own file again rather than reuse an app whose source lines were replaced.
    """
    _loaded.clear()
    try:
        return challenges.check_code(challenge_id, code, seed)
    finally:
        _loaded.clear()


def _answer(app: Flask, recorder: Any, request: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Send one request to the app; what its logger writes meanwhile is the server's log."""
    recorder.log.clear()
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s"))
    app.logger.addHandler(handler)
    try:
        return _send(app, recorder, request, log, notes)
    finally:
        app.logger.removeHandler(handler)


def _send(
    app: Flask, recorder: Any, request: dict[str, Any], log: io.StringIO, notes: list[str]
) -> dict[str, Any]:
    body = request.get("body")
    response = app.test_client().open(
        request["path"],
        method=request["method"],
        headers=request.get("headers") or [],
        data=body.encode("utf-8") if body is not None else None,
    )
    exchanges = recorder.log.after(0)
    explanation = explain(app, exchanges[-1]) if exchanges else None
    return {
        "kind": "answer",
        "status": response.status_code,
        "statusText": response.status.partition(" ")[2],
        "headers": [list(pair) for pair in response.headers.items()],
        "body": response.get_data(as_text=True),
        "bodyBytes": len(response.get_data()),
        "explanation": explanation,
        "serverLog": log.getvalue(),
        "notes": notes,
    }


def _line_of(error: BaseException) -> int | None:
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == FILENAME]
    return frames[-1].lineno if frames else None


def _traceback(error: BaseException) -> str:
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == FILENAME]
    lines = traceback.format_list(frames) + traceback.format_exception_only(error)
    return "Traceback (most recent call last):\n" + "".join(lines)
