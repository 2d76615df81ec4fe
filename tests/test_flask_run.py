"""`flask --app playground run`, which the README offers, prints a teacher link that works: with
Flask's reloader too (--debug), where the app is built in two processes and served by the second."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"Teacher link \(clears the log; keep it to yourself\): (http://\S+/teacher/\S+)")


def printed_link(server: subprocess.Popen, seconds: float = 60) -> str:
    """The teacher link from what the server printed, read line by line as it starts."""
    deadline = time.monotonic() + seconds
    seen = []
    assert server.stdout is not None
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        seen.append(line)
        if found := LINK.search(line):
            return found.group(1)
    raise AssertionError(f"no teacher link in what flask run printed: {seen}")


def opens_the_teachers_log(link: str, seconds: float = 30) -> str:
    """Open the link as a browser would (cookies kept, the redirect followed); the page it lands on."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    deadline = time.monotonic() + seconds
    while True:
        try:
            with opener.open(link, timeout=5) as answer:
                return answer.read().decode()
        except OSError:  # the server (the reloader's child) is not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("options", [[], ["--debug"]], ids=["plain", "reloader"])
def test_flask_run_prints_a_teacher_link_that_works(options: list[str]) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("FLASK_TEACHER_KEY", None)
    env.pop("FLASK_REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "playground", "run", "--port", str(port), *options],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        link = printed_link(server)
        assert link.startswith(f"http://127.0.0.1:{port}/teacher/")
        page = opens_the_teachers_log(link)
        assert "Clear the log" in page and "Reset the predictions" in page
    finally:
        server.terminate()
        server.wait(10)


def test_other_flask_commands_print_no_link() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "playground", "routes"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "Teacher link" not in shown.stdout + shown.stderr
