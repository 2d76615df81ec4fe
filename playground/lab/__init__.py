"""The code lab (/lab): the learner edits the tutorial's app file and runs it in their own browser.

Python is Pyodide, in a Web Worker; nothing the learner writes ever runs on this server. The lab
serves Pyodide and the wheels from a local cache (fetch.py: `make lab`), and
the playground's own recorder and explainer, which explain the learner's answers as they explain
the server's.
"""

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory, url_for

from ..forms import SignUpForm, UserDetailsForm
from ..security import CONTENT_SECURITY_POLICY
from .assets import PYODIDE_FILES, PYODIDE_VERSION, cache_dir, missing
from .listings import listing_code

bp = Blueprint("lab", __name__, url_prefix="/lab")

PACKAGE = Path(__file__).resolve().parent.parent
# The playground's own Python the lab loads into Pyodide: the recorder, the explainer, what they use.
PYTHON_SOURCES = (
    "recorder.py",
    "explain.py",
    "masking.py",
    "sandbox.py",
    "stores/__init__.py",
    "stores/memory.py",
    "lab/runtime.py",
)
# The worker compiles Pyodide's WebAssembly: its script alone may, and nothing else of this site.
WORKER_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
IMMUTABLE = 365 * 24 * 3600


@bp.get("")
def page() -> str:
    """The code lab: the editor, the tutorial's forms, and the same views as the home page."""
    base = cache_dir()
    absent = missing(base)
    config = None
    if not absent:
        wheels = sorted(path.name for path in (base / "wheels").glob("*.whl"))
        config = {
            "indexURL": url_for("lab.asset", name=f"pyodide/{PYODIDE_FILES[0]}").rsplit("/", 1)[0] + "/",
            "prefetch": [
                {
                    "url": url_for("lab.asset", name=f"pyodide/{name}"),
                    "bytes": (base / "pyodide" / name).stat().st_size,
                }
                for name in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs")
            ],
            "wheels": [url_for("lab.asset", name=f"wheels/{name}") for name in wheels],
            "sources": {name: url_for("lab.python", name=name) for name in PYTHON_SOURCES},
        }
    forms = [(SignUpForm(), "signup"), (UserDetailsForm(), "details")]
    return render_template(
        "lab.html",
        config=config,
        missing=absent,
        listings={style: listing_code(style) for style in ("tuple", "make_response")},
        endpoint_forms=forms,
    )


@bp.get(f"/assets/{PYODIDE_VERSION}/<path:name>")
def asset(name: str) -> Response:
    """Pyodide and the wheels, from the local cache; their names carry their versions: cached for good."""
    response = send_from_directory(cache_dir(), name, max_age=IMMUTABLE)
    response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE}, immutable"
    return response


@bp.get("/python/<path:name>")
def python(name: str) -> Response:
    """A module of the playground's own source, for the lab's Python."""
    if name not in PYTHON_SOURCES:
        abort(404)
    return send_from_directory(PACKAGE, name, mimetype="text/x-python", max_age=0)


@bp.get("/worker.js")
def worker() -> Response:
    """The lab's Web Worker, with the one permission Pyodide needs: compiling WebAssembly."""
    response = send_from_directory(current_app.static_folder or "", "js/lab-worker.js", max_age=0)
    response.headers["Content-Security-Policy"] = WORKER_POLICY
    return response
