"""Find a Chromium for the e2e suite, installing one if there is none.

``python -m e2e.chromium`` (run by ``make test``) makes sure one exists, in this order:
1. a Chromium that Playwright itself manages (``playwright install chromium`` ran before);
2. ``python -m playwright install chromium``, which works wherever Playwright's CDN is reachable;
3. a system Chromium, installing Debian's ``chromium`` package with apt-get when run as root.
The e2e suite's conftest calls :func:`launch_args`, which hands Playwright that system Chromium.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# What a system Chromium needs on a locked-down CI machine: no sandbox as root, no GPU, and no
# background connections to Google (they are refused offline and only slow the start).
SYSTEM_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def managed_chromium() -> Path | None:
    """The Chromium Playwright downloaded itself, if it did."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = Path(playwright.chromium.executable_path)
    return path if path.exists() else None


def system_chromium() -> str | None:
    """A Chromium installed by the system: $PLAYGROUND_CHROMIUM, or one on the PATH."""
    configured = os.environ.get("PLAYGROUND_CHROMIUM")
    if configured:
        return configured
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_args() -> dict:
    """Playwright launch options: none for its own Chromium, else the system one with its flags."""
    if os.environ.get("PLAYGROUND_CHROMIUM") is None and managed_chromium() is not None:
        return {}
    path = system_chromium()
    if path is None:
        raise RuntimeError("No Chromium found: run `make test` (it installs one) or set PLAYGROUND_CHROMIUM.")
    return {"executable_path": path, "args": SYSTEM_CHROMIUM_ARGS}


def _run(command: list[str]) -> bool:
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode == 0


def apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=False, env=env)


def ensure_curl() -> None:
    """The e2e suite runs the tutorial's curl commands for real: install curl where it is missing."""
    if (
        shutil.which("curl") is None
        and shutil.which("apt-get")
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
    ):
        apt_install("curl")
    if shutil.which("curl") is None:
        sys.exit("The e2e suite needs curl: install it (Debian: apt-get install curl).")


def ensure() -> str:
    """Make sure a Chromium exists; say which one the suite will use."""
    ensure_curl()
    if managed_chromium():
        return "Playwright's own Chromium"
    # As root, --with-deps also installs the system libraries Playwright's Chromium needs.
    with_deps = ["--with-deps"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    if _run([sys.executable, "-m", "playwright", "install", *with_deps, "chromium"]) and managed_chromium():
        return "Playwright's own Chromium (just installed)"
    if system_chromium() is None and shutil.which("apt-get") and with_deps:
        apt_install("chromium")
    path = system_chromium()
    if path is None:
        sys.exit(
            "No Chromium: `playwright install chromium` failed and no system Chromium was found.\n"
            "Install one (Debian: apt-get install chromium) or set PLAYGROUND_CHROMIUM to its path."
        )
    return f"the system Chromium at {path}"


if __name__ == "__main__":
    print(f"e2e browser: {ensure()}")
