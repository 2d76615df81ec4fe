"""The wheel: built from this checkout, installed into a fresh virtual environment outside it, and
served from another folder by its `flask-status-playground` command.

Built and installed from a local wheelhouse alone (`pip --no-index`), never from the index: `make
test` fills the wheelhouse once, so that these tests pass again with the network off.
"""

import ast
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def wheelhouse() -> Path:
    """The wheels of requirements.txt and requirements-build.txt, as `make test` keeps them."""
    return Path(os.environ.get("PLAYGROUND_WHEELHOUSE", Path(sys.prefix) / "wheelhouse"))


def offline(*pip_args: object) -> list[object]:
    """A pip command that may read the wheelhouse and nothing else."""
    where = wheelhouse()
    if not (where / ".complete").exists():
        pytest.fail(f"No wheelhouse at {where}: `make test` fills it (once, with the network on).")
    return [*pip_args, "--no-index", "--find-links", where, "--disable-pip-version-check", "-q"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, outside the checkout, with the wheel built from it installed: its bin/."""
    work = tmp_path_factory.mktemp("package")
    dist, venv = work / "dist", work / "venv"
    # setuptools writes build/ and *.egg-info beside the sources (.gitignore leaves them out).
    subprocess.run(
        offline(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, ROOT),
        check=True, cwd=work, timeout=600,
    )  # fmt: skip
    (wheel,) = dist.glob("flask_status_playground-*.whl")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    subprocess.run(offline(venv / "bin" / "python", "-m", "pip", "install", wheel), check=True, timeout=600)
    return venv / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {"PATH": f"{installed}:/usr/bin:/bin", "HOME": str(tmp_path)}
    process = subprocess.Popen(
        [installed / "flask-status-playground", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.poll() is not None else "(still running)"
                raise AssertionError(f"the installed command did not serve: {output}") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


def test_the_installed_package_runs_no_code_from_the_checkout(installed: Path) -> None:
    where = subprocess.run(
        [installed / "python", "-c", "import playground; print(playground.__file__)"],
        check=True, capture_output=True, text=True, cwd="/", env={"PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    assert "site-packages" in where and str(ROOT) not in where


def test_the_command_serves_the_home_page_and_its_css_from_another_folder(served: str) -> None:
    page = urllib.request.urlopen(f"{served}/", timeout=10)
    assert page.status == 200 and b'aria-labelledby="signup-heading"' in page.read()
    css = urllib.request.urlopen(f"{served}/static/css/playground.css", timeout=10)
    assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
    assert b"--accent" in css.read()


def test_flask_run_finds_the_app_factory(installed: Path, tmp_path: Path) -> None:
    routes = subprocess.run(
        [installed / "flask", "--app", "playground", "routes"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
        env={"PATH": f"{installed}:/usr/bin:/bin", "HOME": str(tmp_path)},
    ).stdout  # fmt: skip
    assert "/userDetails" in routes and "/make_response/userSignUp" in routes


def test_the_command_has_a_classroom_mode(installed: Path, tmp_path: Path) -> None:
    helped = subprocess.run(
        [installed / "flask-status-playground", "--help"], check=True, capture_output=True, text=True,
        env={**os.environ, "PATH": f"{installed}:/usr/bin:/bin"},
    ).stdout  # fmt: skip
    assert "--classroom" in helped and "--port" in helped


def test_every_subpackage_is_in_the_wheel() -> None:
    """A package folder missing from pyproject.toml's list is left out of the wheel (and an installed
    playground then fails to import it): the list names every one."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(root).parts) for init in (root / "playground").rglob("__init__.py")
    }
    assert found <= listed, f"not in pyproject.toml's packages: {sorted(found - listed)}"


def test_no_test_module_imports_another() -> None:
    """What tests share lives in tests/support/ or e2e's helper modules, never in a test module."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.glob("tests/**/*.py"), *root.glob("e2e/**/*.py"), *root.glob("bench/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(f"{node.module or ''}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(part.startswith("test_") for name in names for part in name.split(".")):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
