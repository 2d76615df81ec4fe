"""`make host`: the school deployment on this machine: nginx in front of gunicorn workers that share
a log on a local Redis.

It starts Debian's redis-server on 127.0.0.1:REDIS_PORT with deploy/redis.conf (a memory ceiling that
never drops a key, bounded client buffers, append-only, data in .host/redis), keeps one
FLASK_SECRET_KEY in .host/secret-key, runs gunicorn from the repository root with gunicorn.conf.py
on a loopback port of its own (FLASK_PROXY_HOPS=1), and nginx with deploy/nginx.conf on HOST:PORT,
where the class connects (scripts/nginx_front.py). Ctrl+C stops all three.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from scripts.nginx_front import Front, nginx_binary

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".host"
REDIS_CONF = ROOT / "deploy" / "redis.conf"


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(port: int) -> subprocess.Popen | None:
    """A redis-server of our own, unless one already answers on the port (then it is used)."""
    if redis_answers(port):
        print(f"Using the redis-server already on 127.0.0.1:{port}.")
        return None
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit(
            "make host needs redis-server: run it as root (it installs it) or `apt-get install redis-server`."
        )
    data = STATE / "redis"
    data.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [binary, str(REDIS_CONF), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not redis_answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"redis-server did not start on 127.0.0.1:{port} (is the port taken?).")
        time.sleep(0.1)
    print(f"Started redis-server on 127.0.0.1:{port} (data in {data.relative_to(ROOT)}).")
    return process


def secret_key() -> str:
    """One key for every worker, kept across runs so that sessions survive a restart."""
    path = STATE / "secret-key"
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
    workers, redis_port = os.environ.get("WORKERS", "4"), int(os.environ.get("REDIS_PORT", "6390"))
    if nginx_binary() is None:
        sys.exit(
            "make host needs nginx and its stream module: run it as root (it installs them) or "
            "`apt-get install nginx libnginx-mod-stream`."
        )
    redis = start_redis(redis_port)
    from playground.serving.deploy import student_urls

    gunicorn_bind = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "FLASK_REDIS_URL": os.environ.get("FLASK_REDIS_URL", f"redis://127.0.0.1:{redis_port}/0"),
        "FLASK_SECRET_KEY": os.environ.get("FLASK_SECRET_KEY") or secret_key(),
        # nginx is the one proxy in front: the app counts the address nginx hands it.
        "FLASK_PROXY_HOPS": "1",
        # Students open nginx's address, not gunicorn's (gunicorn.conf.py prints this one).
        "FLASK_CLASSROOM_URL": os.environ.get("FLASK_CLASSROOM_URL") or student_urls([f"{host}:{port}"])[0],
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", workers, "-b", gunicorn_bind]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    front = None
    try:
        front = Front(f"{host}:{port}", gunicorn_bind).start()
        print(f"nginx on {host}:{port} in front of gunicorn on {gunicorn_bind} (deploy/nginx.conf).")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if front is not None:
            front.stop()
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait()
        if redis is not None:
            redis.terminate()
            redis.wait()


if __name__ == "__main__":
    main()
