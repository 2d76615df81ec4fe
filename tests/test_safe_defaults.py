"""Safe defaults: no debugger, no committed secret, CSRF on every state-changing playground route,
bounded memory, and no route that makes the server fetch a URL."""

import ast
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app
from playground.endpoints import LISTINGS
from tests.support.csrf import csrf_token

ROOT = Path(__file__).resolve().parent.parent
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# "classes": the 404 page for a wrong class code answers any method (a student's curl to a wrong
# class) and changes nothing, as a 404 of the router would.
PUBLIC_BLUEPRINTS = {bp.name for bp in LISTINGS.values()} | {"status_codes", "respond", "classes"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tutorials_500(port: int, tries: int) -> bytes:
    """The body of the tutorial's own 500 (GET /userDetails), once the server starting on `port` answers."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/userDetails", timeout=2)
        except urllib.error.HTTPError as error:
            assert error.code == 500
            body = error.read()
            assert b"Internal Server Error" in body
            return body
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port}")


@pytest.mark.parametrize("module", ["playground", "playground.serve"])
def test_make_run_and_make_serve_never_start_the_debugger(module: str) -> None:
    port = free_port()
    # Even with FLASK_DEBUG set in the environment, as a teacher's shell might have it.
    env = {**os.environ, "FLASK_DEBUG": "1", "FLASK_RUN_FROM_CLI": "true"}
    server = subprocess.Popen(
        [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        body = tutorials_500(port, tries=100)
        assert b"Traceback" not in body and b"Debugger" not in body and b"console" not in body
    finally:
        server.terminate()
        server.wait(10)


def test_the_secret_key_is_generated_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    first, second = create_app().config["SECRET_KEY"], create_app().config["SECRET_KEY"]
    assert first != second and len(first) >= 32


def test_the_secret_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"


def test_no_secret_key_is_committed() -> None:
    for path in (ROOT / "playground").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                assert "SECRET_KEY" not in keys, f"{path} sets SECRET_KEY"


def state_changing_routes(app: Flask) -> list[tuple[str, str]]:
    """Every rule of the playground's own (non-public) blueprints that takes a state-changing method."""
    routes = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint in PUBLIC_BLUEPRINTS or rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            path = rule.rule.replace("<int:exchange_id>", "1").replace("<endpoint>", "x")
            routes.append((method, path))
    return routes


def test_there_are_state_changing_routes_to_check(app: Flask) -> None:
    assert {("POST", "/log/clear"), ("POST", "/api/predictions"), ("POST", "/builder")} <= set(
        state_changing_routes(app)
    )


@pytest.mark.parametrize(("method", "path"), state_changing_routes(create_app({"SECRET_KEY": "t"})))
def test_every_state_changing_route_needs_a_csrf_token(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, json={"exchange_id": 1, "predicted": 200})
    assert response.status_code == 400
    assert b"CSRF" in response.data


def test_the_teacher_with_a_token_can_clear_the_log(teacher: FlaskClient) -> None:
    teacher.post("/userSignUp")
    assert teacher.post("/log/clear", headers={"X-CSRFToken": csrf_token(teacher)}).status_code == 204
    assert teacher.get("/api/exchanges").json == []


def test_no_route_makes_the_server_fetch_a_url() -> None:
    clients = {"urllib.request", "http.client", "requests", "httpx", "urllib3", "aiohttp", "socket"}
    for path in (ROOT / "playground").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            where = path.relative_to(ROOT).as_posix()
            allowed = (
                (where == "playground/serving/run.py" and names == ["socket"])  # its own host name
                # The code lab's fetcher: a command-line step (make lab), which no route imports.
                or (where == "playground/lab/fetch.py" and names == ["urllib.request"])
                # The pipeline to the Redis the operator configured (FLASK_REDIS_URL), never a URL sent.
                or (where == "playground/stores/pipe.py" and names == ["socket"])
            )
            assert allowed or not clients & set(names), f"{path} imports {names}"
            if where not in ("playground/serving/cli.py", "playground/lab/fetch.py") and names:
                assert not any(name.endswith("fetch") and "lab" in name for name in names), (
                    f"{path} imports the fetcher"
                )


def test_a_forwarded_address_counts_only_behind_the_proxies_configured(
    make_app: Callable[..., Flask],
) -> None:
    forwarded = {"X-Forwarded-For": "10.1.2.3"}
    direct = make_app().test_client()
    direct.post("/userSignUp", headers=forwarded)
    assert direct.get("/api/exchanges").json[0]["client"] == "127.0.0.1"  # a client can't pick its address
    proxied = make_app({"PROXY_HOPS": 1}).test_client()
    proxied.post("/userSignUp", headers=forwarded)
    assert proxied.get("/api/exchanges", headers=forwarded).json[0]["client"] == "10.1.2.3"


def _flask_run(*args: str, debug_env: bool = True) -> subprocess.Popen:
    """`flask --app playground ...` as docs/HOSTING.md offers it, by default with FLASK_DEBUG=1 (so the
    reloader too: its child is in the same new session, and stopped with it)."""
    env = {**os.environ, "FLASK_DEBUG": "1"} if debug_env else dict(os.environ)
    env.pop("FLASK_RUN_HOST", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "playground", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip


def _stop(server: subprocess.Popen) -> str:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    return server.communicate(timeout=30)[0]


def test_flask_run_in_debug_mode_shows_no_debugger_on_the_tutorials_500() -> None:
    port = free_port()
    server = _flask_run("run", "--port", str(port))
    try:
        body = tutorials_500(port, tries=150)
        assert b"Traceback" not in body and b"Debugger" not in body and b"__debugger__" not in body
    finally:
        _stop(server)


@pytest.mark.parametrize(
    ("args", "debug_env"),
    [
        (("run", "--host", "0.0.0.0"), True),
        (("run", "--host", "192.0.2.7"), True),
        (("--debug", "run", "--host", "::"), False),
    ],
)
def test_flask_run_in_debug_mode_refuses_a_network_address(args: tuple[str, ...], debug_env: bool) -> None:
    server = _flask_run(*args, "--port", str(free_port()), debug_env=debug_env)
    try:
        server.wait(timeout=30)
    finally:
        output = _stop(server)
    assert server.returncode == 1, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and "would let anyone on the network reach Werkzeug's debugger" in lines[0], output


def test_debug_mode_answers_the_tutorials_500_itself() -> None:
    app = create_app({"SECRET_KEY": "t", "DEBUG": True})
    # Not re-raised for a debugger to catch: Flask's own 500, as without debug.
    response = app.test_client().get("/userDetails")
    assert response.status_code == 500 and b"Internal Server Error" in response.data
