"""The code lab (/lab): the learner edits the tutorial's app file and runs it in their own browser.

Python is Pyodide; nothing the learner writes ever runs on this server. A learner's file, or one
that came from a shared link, is a stranger's code, so it runs where it cannot act as the person
who opens it (docs/SECURITY.md, "The code lab"):

- in a Web Worker started inside ``/lab/sandbox``, a frame served with ``Content-Security-Policy:
  sandbox allow-scripts``: an opaque origin, with no cookie, no same-origin read and no way into
  the page but one ``MessagePort`` of plain data;
- whose policy lets it fetch only the lab's own files (Pyodide, the wheels, the playground's Python),
  so it cannot send a request to a page, the API or another origin;
- and which blocks on ``Atomics.wait`` as soon as it has answered: a timer or handler the learner's
  code leaves behind never runs. ``SharedArrayBuffer`` needs cross-origin isolation, so the lab
  page and its sandbox are served with COOP and COEP, and the sandbox's files with CORS and CORP.

The lab serves Pyodide and the wheels from a local cache (fetch.py: ``make lab``), and the
playground's own recorder and explainer, which explain the learner's answers as they explain the
server's.
"""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from ..forms import SignUpForm, UserDetailsForm
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
IMMUTABLE = 365 * 24 * 3600
# What a shared link may hold, in bytes of code: one Flask file is far smaller. The page stops
# decoding a link at this size (static/js/lab.js), and refuses it in one sentence.
MAX_LINK_CODE_BYTES = 64 * 1024
# The ceiling of the interpreter's WebAssembly memory: past it, an allocation fails (MemoryError)
# and the run is stopped with one sentence. Pyodide with Flask loaded holds about 60 MiB.
MEMORY_CEILING_BYTES = 512 * 1024 * 1024
# The page and its sandbox are cross-origin isolated, so the sandbox may block on Atomics.wait.
ISOLATION = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}
# What the opaque-origin sandbox may load: each file of the lab it uses, served to any origin.
SHARED_WITH_SANDBOX = {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}


def _origin() -> str:
    """This server's origin as the browser sees it (behind FLASK_PROXY_HOPS, the proxy's)."""
    return f"{request.scheme}://{request.host}"


def _prefix(endpoint: str, **values: str) -> str:
    """The URL of a folder the lab serves, for a path-scoped source of the sandbox's policy."""
    return _origin() + url_for(endpoint, **values).rsplit("/", 1)[0] + "/"


def sandbox_policy() -> str:
    """The sandbox frame's policy: an opaque origin that may load the lab's files and nothing else."""
    assets = _prefix("lab.asset", name="x")
    own_python = _prefix("lab.python", name="x")
    script = _origin() + url_for("lab.sandbox_script")
    worker = _origin() + url_for("lab.worker")
    return "; ".join(
        [
            "sandbox allow-scripts",
            "default-src 'none'",
            # Pyodide compiles WebAssembly: this frame's worker alone may, and nothing may eval.
            f"script-src {script} {assets} blob: 'wasm-unsafe-eval'",
            "worker-src blob:",
            f"connect-src {worker} {assets} {own_python}",
            "style-src 'none'",
            "img-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            f"frame-ancestors {_origin()}",
        ]
    )


def _shared(response: Response) -> Response:
    response.headers.update(SHARED_WITH_SANDBOX)
    return response


@bp.get("")
def page() -> Response:
    """The code lab: the editor, the tutorial's forms, and the same views as the home page."""
    base = cache_dir()
    absent = missing(base)
    config = None
    if not absent:
        wheels = sorted(path.name for path in (base / "wheels").glob("*.whl"))
        config = {
            "indexURL": _origin()
            + url_for("lab.asset", name=f"pyodide/{PYODIDE_FILES[0]}").rsplit("/", 1)[0]
            + "/",
            "worker": _origin() + url_for("lab.worker"),
            "prefetch": [
                {
                    "url": _origin() + url_for("lab.asset", name=f"pyodide/{name}"),
                    "bytes": (base / "pyodide" / name).stat().st_size,
                }
                for name in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs")
            ],
            "wheels": [_origin() + url_for("lab.asset", name=f"wheels/{name}") for name in wheels],
            "sources": {name: _origin() + url_for("lab.python", name=name) for name in PYTHON_SOURCES},
            "memoryCeiling": MEMORY_CEILING_BYTES,
        }
    forms = [(SignUpForm(), "signup"), (UserDetailsForm(), "details")]
    html = render_template(
        "lab.html",
        config=config,
        missing=absent,
        listings={style: listing_code(style) for style in ("tuple", "make_response")},
        endpoint_forms=forms,
        max_link_bytes=MAX_LINK_CODE_BYTES,
        memory_ceiling_mib=MEMORY_CEILING_BYTES // (1024 * 1024),
    )
    return Response(html, headers=ISOLATION)


@bp.get("/sandbox")
def sandbox() -> Response:
    """The frame the learner's Python runs in: an opaque origin, loaded only inside the lab page."""
    html = render_template("lab_sandbox.html", script=url_for("lab.sandbox_script"))
    headers = {**ISOLATION, "Content-Security-Policy": sandbox_policy(), "X-Frame-Options": "SAMEORIGIN"}
    return Response(html, headers=headers)


@bp.get("/sandbox.js")
def sandbox_script() -> Response:
    """The sandbox frame's script: starts the worker and passes plain data between it and the page."""
    return _shared(send_from_directory(current_app.static_folder or "", "js/lab-sandbox.js", max_age=0))


@bp.get("/worker.js")
def worker() -> Response:
    """The lab's Web Worker: Pyodide, the learner's file, and an answer per request."""
    return _shared(send_from_directory(current_app.static_folder or "", "js/lab-worker.js", max_age=0))


@bp.get(f"/assets/{PYODIDE_VERSION}/<path:name>")
def asset(name: str) -> Response:
    """Pyodide and the wheels, from the local cache; their names carry their versions: cached for good."""
    response = send_from_directory(cache_dir(), name, max_age=IMMUTABLE)
    response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE}, immutable"
    return _shared(response)


@bp.get("/python/<path:name>")
def python(name: str) -> Response:
    """A module of the playground's own source, for the lab's Python."""
    if name not in PYTHON_SOURCES:
        abort(404)
    return _shared(send_from_directory(PACKAGE, name, mimetype="text/x-python", max_age=0))
