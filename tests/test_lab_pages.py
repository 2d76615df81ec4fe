"""The code lab's page and the files it serves: Pyodide and the wheels from the local cache, the
playground's own Python for the explainer, and a clear sentence when the cache is empty."""

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app
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
    assert client.get(f"/lab/assets/{PYODIDE_VERSION}/../../etc/passwd").status_code == 404


def test_only_the_webassembly_worker_may_compile_webassembly(client: FlaskClient) -> None:
    worker = client.get("/lab/worker.js").headers["Content-Security-Policy"]
    page = client.get("/lab").headers["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in worker and "'wasm-unsafe-eval'" not in page
    assert "'unsafe-eval'" not in worker.replace("'wasm-unsafe-eval'", "")


def test_the_lab_serves_only_the_playgrounds_own_modules_it_needs(app: Flask, client: FlaskClient) -> None:
    assert b"class Recorder" in client.get("/lab/python/recorder.py").data
    assert b"def run(" in client.get("/lab/python/lab/runtime.py").data
    for name in ("__init__.py", "classroom/teacher.py", "../requirements.txt"):
        assert client.get(f"/lab/python/{name}").status_code == 404


def test_a_tarball_with_another_hash_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import io

    from playground.lab import fetch

    monkeypatch.setattr(fetch.urllib.request, "urlopen", lambda *a, **k: io.BytesIO(b"not pyodide"))
    with pytest.raises(SystemExit, match="not the pinned"):
        fetch.fetch_pyodide(tmp_path / "pyodide")
    assert not (tmp_path / "pyodide").exists()
