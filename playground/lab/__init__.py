"""The code lab (/lab): the learner edits the tutorial's app file and runs it in their own browser.

Python is Pyodide; nothing the learner writes ever runs on this server. A learner's file, or one
that came from a shared link, is a stranger's code, so it runs where it cannot act as the person
who opens it (docs/SECURITY.md, "The code lab"):

- in a Web Worker started inside ``/lab/sandbox``, a frame served with ``Content-Security-Policy:
  sandbox allow-scripts``: an opaque origin, with no cookie, no same-origin read and no way into
  the page but one ``MessagePort`` of plain data;
- whose policy lets it fetch nothing at all (``connect-src 'none'``): the page downloads Pyodide, the
  wheels and the playground's Python from this server (so the browser's cache keeps them) and hands
  them over, so the code cannot send a request to a page, the API or another origin;
- and which blocks on ``Atomics.wait`` as soon as it has answered: a timer or handler the learner's
  code leaves behind never runs. ``SharedArrayBuffer`` needs cross-origin isolation, so the lab
  page and its sandbox are served with COOP and COEP, and the sandbox's document and script with
  CORP (Firefox checks even the frame's own document against the frame's opaque origin).

The lab serves Pyodide and the wheels from a local cache (fetch.py: ``make lab``), and the
playground's own recorder and explainer, which explain the learner's answers as they explain the
server's.
"""

import base64
import hashlib
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
from markupsafe import Markup

from ..forms import SignUpForm, UserDetailsForm
from .assets import PYODIDE_FILES, PYODIDE_SHA256, PYODIDE_VERSION, cache_dir, missing
from .challenges import catalogue
from .listings import listing_code

bp = Blueprint("lab", __name__, url_prefix="/lab")

PACKAGE = Path(__file__).resolve().parent.parent
# The playground's own Python the lab loads into Pyodide: the recorder, the explainer, what they use.
PYTHON_SOURCES = (
    "recording/__init__.py",
    "recording/capture.py",
    "recording/exchange.py",
    "recording/trace.py",
    "recording/middleware.py",
    "recording/explain.py",
    "recording/rules.py",
    "recording/masking.py",
    "stores/__init__.py",
    "stores/memory.py",
    "lab/appfile.py",
    "lab/runtime.py",
    "lab/challenges.py",
    "lab/listings/__init__.py",
    "lab/listings/tuple_listing.py",
    "lab/listings/make_response_listing.py",
)
IMMUTABLE = 365 * 24 * 3600
# What a shared link may hold, in bytes of code: one Flask file is far smaller. The page stops
# decoding a link at this size (static/js/pages/lab.js), and refuses it in one sentence.
MAX_LINK_CODE_BYTES = 64 * 1024
# The ceiling of the interpreter's WebAssembly memory: past it, an allocation fails (MemoryError)
# and the run is stopped with one sentence. Pyodide with Flask loaded holds about 60 MiB.
MEMORY_CEILING_BYTES = 512 * 1024 * 1024
# The page and its sandbox are cross-origin isolated, so the sandbox may block on Atomics.wait.
ISOLATION = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}
# What the opaque-origin sandbox loads itself, cross-origin to it under COEP: its script, and its
# own document. Firefox ESR checks the frame's navigation against the sandboxed frame's opaque
# origin (not the lab page's), so without this even `same-site` blocks the frame and the lab never
# starts; Chromium checks it against the page's. Neither holds anything private, and framing stays
# limited to this origin by frame-ancestors and X-Frame-Options.
SHARED_WITH_SANDBOX = {"Cross-Origin-Resource-Policy": "cross-origin"}


def _origin() -> str:
    """This server's origin as the browser sees it (behind FLASK_PROXY_HOPS, the proxy's)."""
    return f"{request.scheme}://{request.host}"


def sandbox_source() -> tuple[str, str]:
    """The sandbox frame's script (static/js/workers/lab-sandbox.js), inlined in its document, and
    its CSP hash. Allowed by its hash, not by a URL: a URL in the frame's script-src would let the
    learner's code (whose worker inherits the policy) request it from the server, with any query,
    as often as it liked."""
    source = (Path(current_app.static_folder or "") / "js" / "workers" / "lab-sandbox.js").read_text()
    if "</script" in source.lower():
        raise RuntimeError("lab-sandbox.js must not contain </script: it is inlined in the frame's document")
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return source, f"'sha256-{digest}'"


def sandbox_policy(script_hash: str) -> str:
    """The sandbox frame's policy: an opaque origin that may run its own inline script and the files
    the page hands it, and load nothing."""
    return "; ".join(
        [
            "sandbox allow-scripts",
            "default-src 'none'",
            # Its own script (by hash), and the scripts the page handed it (Pyodide, the worker) as
            # blob: URLs. Pyodide compiles WebAssembly: this frame's worker alone may, nothing may eval.
            f"script-src {script_hash} blob: 'wasm-unsafe-eval'",
            "worker-src blob:",
            # Nothing on the network: every file it needs came from the page.
            "connect-src 'none'",
            "style-src 'none'",
            "img-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            f"frame-ancestors {_origin()}",
        ]
    )


def snapshot_key(wheels: list[Path], worker: Path) -> str:
    """What a stored snapshot of the lab's Python was made from: Pyodide's pinned release, the wheels
    (names and sizes), the playground's Python and the worker's script. The page keeps a snapshot
    under this key, so a release that changes any of them starts afresh rather than from an old one."""
    digest = hashlib.sha256(f"pyodide {PYODIDE_VERSION} {PYODIDE_SHA256}\n".encode())
    for wheel in wheels:
        digest.update(f"{wheel.name} {wheel.stat().st_size}\n".encode())
    for path in (*(PACKAGE / name for name in PYTHON_SOURCES), worker):
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
        index = _origin() + url_for("lab.asset", name=f"pyodide/{PYODIDE_FILES[0]}").rsplit("/", 1)[0] + "/"
        static = Path(current_app.static_folder or "")
        config = {
            "indexURL": index,
            "worker": _origin() + url_for("lab.worker"),
            "wheels": [_origin() + url_for("lab.asset", name=f"wheels/{name}") for name in wheels],
            "sources": {name: _origin() + url_for("lab.python", name=name) for name in PYTHON_SOURCES},
            # Every file the sandbox needs, with its size for the progress bar: the page downloads
            # them (its origin's cache keeps them for the next visit) and hands them to the sandbox,
            # which reaches nothing on the network itself.
            "files": [
                *(
                    {"url": index + name, "bytes": (base / "pyodide" / name).stat().st_size}
                    for name in PYODIDE_FILES
                ),
                *(
                    {
                        "url": _origin() + url_for("lab.asset", name=f"wheels/{name}"),
                        "bytes": (base / "wheels" / name).stat().st_size,
                    }
                    for name in wheels
                ),
                *(
                    {
                        "url": _origin() + url_for("lab.python", name=name),
                        "bytes": (PACKAGE / name).stat().st_size,
                    }
                    for name in PYTHON_SOURCES
                ),
                {
                    "url": _origin() + url_for("lab.worker"),
                    "bytes": (static / "js" / "workers" / "lab-worker.js").stat().st_size,
                },
            ],
            "memoryCeiling": MEMORY_CEILING_BYTES,
            # A later visit starts from the snapshot of a Python that has imported Flask and the
            # explainer (made by the first visit, before any learner's code ran), kept under this key.
            "snapshotKey": snapshot_key(
                sorted((base / "wheels").glob("*.whl")), static / "js" / "workers" / "lab-worker.js"
            ),
        }
    forms = [(SignUpForm(), "signup"), (UserDetailsForm(), "details")]
    html = render_template(
        "lab.html",
        config=config,
        missing=absent,
        listings={style: listing_code(style) for style in ("tuple", "make_response")},
        challenges=catalogue(),
        endpoint_forms=forms,
        max_link_bytes=MAX_LINK_CODE_BYTES,
        memory_ceiling_mib=MEMORY_CEILING_BYTES // (1024 * 1024),
    )
    return Response(html, headers=ISOLATION)


@bp.get("/sandbox")
def sandbox() -> Response:
    """The frame the learner's Python runs in: an opaque origin, loaded only inside the lab page."""
    source, script_hash = sandbox_source()
    html = render_template("lab_sandbox.html", source=Markup(source))
    headers = {
        **ISOLATION,
        **SHARED_WITH_SANDBOX,
        "Content-Security-Policy": sandbox_policy(script_hash),
        "X-Frame-Options": "SAMEORIGIN",
    }
    return Response(html, headers=headers)


@bp.get("/worker.js")
def worker() -> Response:
    """The lab's Web Worker: Pyodide, the learner's file, and an answer per request (the page hands
    it to the sandbox)."""
    return send_from_directory(current_app.static_folder or "", "js/workers/lab-worker.js", max_age=0)


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
