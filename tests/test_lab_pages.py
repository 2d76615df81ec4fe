"""The code lab's page and the files it serves: Pyodide and the wheels from the local cache, the
playground's own Python for the explainer, and a clear sentence when the cache is empty."""

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app, lab
from playground.lab import snapshot_key
from playground.lab.assets import PYODIDE_VERSION, cache_dir


def test_the_lab_page_has_the_contract_names(client: FlaskClient) -> None:
    html = client.get("/lab").get_data(as_text=True)
    for text in (
        'aria-label="Code"',
        "Reset code",
        "Sign up",
        "User details",
        "Send <code>lastname</code>",
        "Why this status",
    ):
        assert text in html


def test_without_the_cache_the_lab_says_what_to_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLAYGROUND_LAB_CACHE", str(tmp_path))
    html = create_app({"SECRET_KEY": "t"}).test_client().get("/lab").get_data(as_text=True)
    assert "run <code>make lab</code>" in html.replace(
        "Run <code>make lab</code>", "run <code>make lab</code>"
    )
    assert 'data-lab-config="null"' in html


def test_pyodide_is_served_from_this_server_and_cached_for_good(client: FlaskClient) -> None:
    # make test fetches the lab's files first (make lab): without them this fails, and says so.
    assert (cache_dir() / "pyodide" / "pyodide.mjs").is_file(), "run make lab"
    response = client.get(f"/lab/assets/{PYODIDE_VERSION}/pyodide/pyodide.mjs")
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize("dots", ["..", "%2e%2e", "%2E%2E"])
def test_no_asset_path_reaches_outside_the_cache(client: FlaskClient, dots: str) -> None:
    # Enough steps up to reach / from the cache (and some to spare), so that a missing guard would
    # serve /etc/passwd, not a 404 for a file that happens not to exist.
    ups = "/".join([dots] * (len(cache_dir().parts) + 3))
    for target in ("etc/passwd", "etc/hostname"):
        response = client.get(f"/lab/assets/{PYODIDE_VERSION}/{ups}/{target}")
        assert response.status_code == 404, target
        assert b"root:" not in response.data


def test_only_the_sandbox_may_compile_webassembly(client: FlaskClient) -> None:
    sandbox = client.get("/lab/sandbox").headers["Content-Security-Policy"]
    page = client.get("/lab").headers["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in sandbox and "'wasm-unsafe-eval'" not in page
    assert "'unsafe-eval'" not in sandbox.replace("'wasm-unsafe-eval'", "")


def test_the_sandbox_is_an_opaque_origin_that_reaches_only_the_labs_files(client: FlaskClient) -> None:
    response = client.get("/lab/sandbox")
    policy = {
        name: value.strip()
        for name, _, value in (
            d.strip().partition(" ") for d in response.headers["Content-Security-Policy"].split(";")
        )
    }
    assert policy["sandbox"] == "allow-scripts"  # no allow-same-origin: an opaque origin
    assert policy["default-src"] == "'none'"
    # It fetches nothing at all: the page hands it every file it needs.
    assert policy["connect-src"] == "'none'"
    # Its own script by its hash, inlined (no URL: the learner's code, whose worker inherits this
    # policy, could request a URL from the server); the page's files as blob: URLs.
    source = (Path(__file__).resolve().parent.parent / "static/js/workers/lab-sandbox.js").read_text()
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    assert policy["script-src"].split() == [f"'sha256-{digest}'", "blob:", "'wasm-unsafe-eval'"]
    assert f"<script>{source}</script>" in response.get_data(as_text=True)
    assert policy["frame-ancestors"] == "http://localhost"
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_the_lab_page_is_cross_origin_isolated(client: FlaskClient) -> None:
    headers = client.get("/lab").headers
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_only_the_sandboxs_frame_and_script_are_shared_with_its_opaque_origin(client: FlaskClient) -> None:
    # Firefox checks the frame's own document against the frame's opaque origin: without CORP there,
    # it blocks the frame and the lab never starts (e2e/test_firefox.py).
    assert client.get("/lab/sandbox").headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert client.get("/lab/sandbox.js").status_code == 404  # inlined in the frame: no URL to fetch
    for path in (
        "/lab/worker.js",
        "/lab/python/recorder.py",
        f"/lab/assets/{PYODIDE_VERSION}/pyodide/pyodide.mjs",
        "/lab",
        "/log",
        "/api/exchanges",
        "/",
    ):
        headers = client.get(path).headers
        assert "Access-Control-Allow-Origin" not in headers, path
        assert headers.get("Cross-Origin-Resource-Policy") != "cross-origin", path


def test_the_page_downloads_every_file_the_sandbox_needs(client: FlaskClient) -> None:
    page = client.get("/lab").get_data(as_text=True)
    config = json.loads(html.unescape(re.search(r'data-lab-config="([^"]*)"', page)[1]))
    urls = {file["url"] for file in config["files"]}
    needed = {config["worker"], *config["wheels"], *config["sources"].values()}
    needed |= {config["indexURL"] + name for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")}
    assert needed <= urls
    for file in config["files"]:
        response = client.get(file["url"].removeprefix("http://localhost"))
        assert response.status_code == 200 and len(response.data) == file["bytes"], file["url"]


def test_the_session_cookie_is_same_site_strict(app: Flask) -> None:
    # The home page carries a CSRF token, so it starts the session: its cookie stays on this site.
    cookies = app.test_client().get("/").headers.getlist("Set-Cookie")
    assert cookies, "the home page sets the session cookie"
    assert all("SameSite=Strict" in cookie and "HttpOnly" in cookie for cookie in cookies)


def test_a_stored_snapshot_is_kept_under_what_it_was_made_from(tmp_path: Path) -> None:
    # The page keeps the snapshot of a ready Python under this key: any change to Pyodide's release,
    # a wheel, the playground's Python or the worker's script must start afresh, not from an old one.
    wheel = tmp_path / "flask-3.1.3-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    worker = tmp_path / "lab-worker.js"
    worker.write_text("// the worker")
    key = snapshot_key([wheel], worker)
    assert re.fullmatch(r"[0-9a-f]{64}", key) and snapshot_key([wheel], worker) == key
    worker.write_text("// the worker, changed")
    assert snapshot_key([wheel], worker) != key
    worker.write_text("// the worker")
    newer = tmp_path / "flask-3.1.4-py3-none-any.whl"
    wheel.rename(newer)
    assert snapshot_key([newer], worker) != key


def test_the_snapshot_key_follows_the_playgrounds_python(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    worker = tmp_path / "lab-worker.js"
    worker.write_text("// the worker")
    key = snapshot_key([], worker)
    package = tmp_path / "playground"
    for name in lab.PYTHON_SOURCES:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_bytes((lab.PACKAGE / name).read_bytes())
    monkeypatch.setattr(lab, "PACKAGE", package)
    assert snapshot_key([], worker) == key
    (package / "lab" / "runtime.py").write_text("# changed")
    assert snapshot_key([], worker) != key


def test_the_page_hands_its_snapshot_key_to_the_lab(client: FlaskClient) -> None:
    page = client.get("/lab").get_data(as_text=True)
    config = json.loads(html.unescape(re.search(r'data-lab-config="([^"]*)"', page)[1]))
    wheels = sorted((cache_dir() / "wheels").glob("*.whl"))
    worker = Path(client.application.static_folder or "") / "js" / "workers" / "lab-worker.js"
    assert config["snapshotKey"] == snapshot_key(wheels, worker)
