"""A test that hangs fails the run instead of holding it up for ever (pytest-timeout)."""

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


def test_the_suite_runs_under_a_timeout(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.hasplugin("timeout"), "pytest-timeout is not installed"
    assert 0 < float(pytestconfig.getini("timeout")) <= 600


def test_a_stream_that_never_ends_fails_the_test_reading_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        from playground import create_app

        def test_reads_the_live_log_to_its_end():
            app = create_app({"STREAM_SECONDS": 10**9, "STREAM_KEEPALIVE_SECONDS": 0.05})
            app.test_client().get("/api/stream").get_data()
        """
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    result = pytester.runpytest_subprocess("-p", "timeout", "-o", "timeout=2")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Timeout (>2.0s) from pytest-timeout*"])
