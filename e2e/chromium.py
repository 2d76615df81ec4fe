"""Find a Chromium for the e2e suite, installing one if there is none.

``python -m e2e.chromium`` (run by ``make test``) makes sure one exists, looking before installing:
1. a Chromium that Playwright itself manages (``playwright install chromium`` ran before);
2. a system Chromium that starts ($PLAYGROUND_CHROMIUM, or one on the PATH);
3. Debian's ``chromium`` package, installed with apt-get when run as root;
4. ``python -m playwright install chromium``, where Playwright's download site is reachable.
A step that fails says so in one line and the next is tried. The e2e suite's conftest calls
:func:`launch_args`, which hands Playwright that system Chromium.
"""

import os
import shutil
import sys
from pathlib import Path

from .install import apt_install, can_apt_install, quietly

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


def starts(path: str) -> bool:
    """Whether a system Chromium starts under Playwright, headless, with the suite's flags."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            playwright.chromium.launch(executable_path=path, args=SYSTEM_CHROMIUM_ARGS).close()
    except Error as error:
        print(f"  the Chromium at {path} does not start: {str(error).splitlines()[0]}", flush=True)
        return False
    return True


def ensure_curl() -> None:
    """The e2e suite runs the tutorial's curl commands for real: install curl where it is missing."""
    if shutil.which("curl") is None and can_apt_install():
        apt_install("curl")
    if shutil.which("curl") is None:
        sys.exit("The e2e suite needs curl: install it (Debian: apt-get install curl).")


def ensure() -> str:
    """Make sure a Chromium exists; say which one the suite will use."""
    ensure_curl()
    if os.environ.get("PLAYGROUND_CHROMIUM") is None and managed_chromium():
        return "Playwright's own Chromium"
    path = system_chromium()
    if path and starts(path):
        return f"the system Chromium at {path}"
    if can_apt_install() and apt_install("chromium"):
        path = system_chromium()
        if path and starts(path):
            return f"the system Chromium at {path} (just installed)"
    print("+ python -m playwright install chromium", flush=True)
    worked, why = quietly([sys.executable, "-m", "playwright", "install", "chromium"])
    if worked and managed_chromium():
        return "Playwright's own Chromium (just installed)"
    print(f"  playwright install chromium failed: {why}", flush=True)
    sys.exit(
        "No Chromium was found and none could be installed: install one (Debian: apt-get install "
        "chromium) or set PLAYGROUND_CHROMIUM to its path."
    )


if __name__ == "__main__":
    print(f"e2e browser: {ensure()}")
