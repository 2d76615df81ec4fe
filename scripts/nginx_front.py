"""The nginx front of the school deployment: deploy/nginx.conf filled in for this machine, and run.

`make host` runs it in front of gunicorn (scripts/host_locally.py), and so do the deployment's
tests and bench/storm.py, so that what they check is what a school runs. Debian's nginx with its
stream module (`apt-get install nginx libnginx-mod-stream`; `make host` installs both as root).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
MODULES = Path("/usr/lib/nginx/modules")
MISSING = (
    "The school deployment's front needs Debian's nginx and its stream module: run `make host` as root "
    "(it installs them), or `apt-get install nginx libnginx-mod-stream`."
)


def nginx_binary() -> str | None:
    """nginx, if it and its stream module are installed."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    return binary if binary and (MODULES / "ngx_stream_module.so").exists() else None


def render(template: str, listen: str, upstream: str, runtime: Path, user: str | None) -> str:
    """deploy/nginx.conf with its @...@ values filled in."""
    values = {
        "@LISTEN@": listen,
        "@UPSTREAM@": upstream,
        "@RUNTIME@": str(runtime),
        "@MODULES@": str(MODULES),
        # Started as root, nginx's workers run as Debian's web server user, never as root.
        "@USER@": f"user {user};" if user else "# Not started as root: the workers run as this user.",
    }
    for name, value in values.items():
        template = template.replace(name, value)
    return template


class Front:
    """One nginx on `listen`, passing to gunicorn on `upstream`; start() waits until it answers."""

    def __init__(self, listen: str, upstream: str, template: str | None = None) -> None:
        self.listen = listen
        self.upstream = upstream
        self.template = template if template is not None else TEMPLATE.read_text()
        self.process: subprocess.Popen | None = None
        self.runtime: Path | None = None

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    def start(self) -> "Front":
        binary = nginx_binary()
        if binary is None:
            raise SystemExit(MISSING)
        # Outside the checkout (and its parents' permissions): the workers must reach the inner
        # socket and write the temporary files, whoever they run as.
        self.runtime = Path(tempfile.mkdtemp(prefix="playground-nginx-"))
        self.runtime.chmod(0o711)
        user = "www-data" if os.geteuid() == 0 else None
        config = self.runtime / "nginx.conf"
        config.write_text(render(self.template, self.listen, self.upstream, self.runtime, user))
        self.process = subprocess.Popen(
            [binary, "-c", str(config), "-p", str(self.runtime), "-e", "stderr", "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
        )
        host = self.listen.rpartition(":")[0]
        deadline = time.monotonic() + 30
        while not _accepts("127.0.0.1" if host in ("0.0.0.0", "", "*") else host, self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"nginx did not start on {self.listen} (is the port taken?).")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop nginx (its workers end with its master) and remove its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.runtime is not None:
            shutil.rmtree(self.runtime, ignore_errors=True)
            self.runtime = None


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
