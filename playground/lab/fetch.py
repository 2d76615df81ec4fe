"""Fetch what the code lab needs into a cache outside git, once: Pyodide and the lab's wheels.

    make lab                                  (make run, make serve and make test call it)
    flask-status-playground --fetch-lab       (the same, from an installed package)

A command-line step, never a route: no request to the server makes it fetch anything.

Pyodide is the npm registry's tarball, checked against its pinned SHA-256; the wheels come from
PyPI through pip, which checks each against the hash pinned in requirements-lab.txt. Nothing is
fetched again once the cache holds it. Exit status 1, with one sentence saying what to run, when
something cannot be fetched: everything but /lab works without it.
"""

import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

from .assets import PYODIDE_FILES, PYODIDE_SHA256, PYODIDE_URL, cache_dir

PINS = Path(__file__).resolve().parent / "requirements-lab.txt"


def fetch_pyodide(target: Path) -> None:
    if all((target / name).is_file() for name in PYODIDE_FILES):
        return
    with urllib.request.urlopen(PYODIDE_URL, timeout=120) as response:
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PYODIDE_SHA256:
        raise SystemExit(f"{PYODIDE_URL} has SHA-256 {digest}, not the pinned {PYODIDE_SHA256}: not used.")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for name in PYODIDE_FILES:
            member = archive.extractfile(f"package/{name}")
            assert member is not None
            (target / name).write_bytes(member.read())


def fetch_wheels(target: Path) -> None:
    wanted = [line.split("==")[0].lower() for line in PINS.read_text().splitlines()
              if line and not line.startswith("#")]  # fmt: skip
    have = {path.name.split("-")[0].lower() for path in target.glob("*.whl")}
    if all(name.replace("-", "_") in have for name in wanted):
        return
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
         "--require-hashes", "--only-binary", ":all:", "--platform", "manylinux2014_x86_64",
         "--python-version", "3.11", "-d", partial, "-r", PINS],
        check=True,
    )  # fmt: skip
    target.mkdir(parents=True, exist_ok=True)
    for wheel in partial.glob("*.whl"):
        shutil.move(wheel, target / wheel.name)
    shutil.rmtree(partial, ignore_errors=True)


def main() -> int:
    target = cache_dir()
    try:
        fetch_pyodide(target / "pyodide")
        fetch_wheels(target / "wheels")
    except (OSError, subprocess.CalledProcessError) as error:
        print(
            f"The code lab's files could not be fetched ({error}): run `make lab` when online.",
            file=sys.stderr,
        )
        return 1
    print(f"The code lab's files are in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
