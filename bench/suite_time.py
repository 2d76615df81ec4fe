"""The test suites' wall time: the unit tests and the e2e suite, each run once, headless."""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args], cwd=ROOT, capture_output=True, text=True
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-200:]
    return time.perf_counter() - started, summary


for name, target in (("unit tests (tests/)", "tests"), ("e2e suite (e2e/)", "e2e")):
    seconds, summary = timed(target)
    print(f"{name}: {seconds:.1f} s wall time ({summary})")
