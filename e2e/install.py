"""Install what the e2e suite needs from the system's packages, saying one line per step.

`make test` calls these through ``python -m e2e.chromium`` and ``python -m e2e.firefox``. A step that
fails and is recovered from (another way is tried next) says so in one line, never with the tool's
whole output: the developer's terminal is the front door.
"""

import os
import shutil
import subprocess


def can_apt_install() -> bool:
    """Debian's apt-get, run as root: the only case in which the suite installs system packages."""
    return shutil.which("apt-get") is not None and hasattr(os, "geteuid") and os.geteuid() == 0


def quietly(command: list[str], env: dict[str, str] | None = None) -> tuple[bool, str]:
    """Run a command with its output kept; give whether it worked and its last line (the reason)."""
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env)
    lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    return done.returncode == 0, lines[-1] if lines else f"exit status {done.returncode}"


def apt_install(*packages: str) -> bool:
    """apt-get install, with apt-get update first only if the package lists are too old to have them."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *packages]
    print(f"+ apt-get install {' '.join(packages)}", flush=True)
    worked, _ = quietly(install, env)
    if not worked:
        quietly(["apt-get", "update", "-q"], env)
        worked, why = quietly(install, env)
        if not worked:
            print(f"  apt-get could not install {' '.join(packages)}: {why}", flush=True)
    return worked
