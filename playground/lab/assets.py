"""What the code lab loads in the learner's browser, pinned: Pyodide and the wheels of Flask and its
dependencies. fetch.py (`make lab`) fetches them once into a cache outside git; the lab
serves them from this server, so nothing is fetched from another host."""

import os
from pathlib import Path

PYODIDE_VERSION = "314.0.7"
PYODIDE_URL = f"https://registry.npmjs.org/pyodide/-/pyodide-{PYODIDE_VERSION}.tgz"
PYODIDE_SHA256 = "66b7949e5a0cba2250b586d7e368bf12fb482800748d182c4618254b685ffaa0"
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)


def cache_dir() -> Path:
    """Where the fetched files live: PLAYGROUND_LAB_CACHE, or the user's cache folder."""
    configured = os.environ.get("PLAYGROUND_LAB_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "flask-status-playground"
    return base / f"lab-{PYODIDE_VERSION}"


def missing(base: Path) -> list[str]:
    """The files the lab needs that the cache does not hold."""
    absent = [f"pyodide/{name}" for name in PYODIDE_FILES if not (base / "pyodide" / name).is_file()]
    if not list((base / "wheels").glob("flask-*.whl")):
        absent.append("wheels/")
    return absent
