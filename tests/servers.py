"""Real servers for the scale-out test and the throughput benchmark: gunicorn running the portal
under its production settings, and Redis. Everything binds to 127.0.0.1 on a free port and is
stopped when its block ends.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(*, database_url: str, folder: Path, redis_url: str | None = None) -> dict[str, str]:
    """The environment of a production deployment on this machine, with example secrets."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dei_portal.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            # Plain HTTP on 127.0.0.1: no TLS-terminating proxy in front here.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_VAR_DIR": str(folder),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run a management command with `env`; its output is not shown."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def gunicorn(
    args: list[str], env: dict[str, str], *, workers: int = 2, ready_path: str = "/healthz"
) -> Iterator[tuple[int, subprocess.Popen]]:
    """(port, process) of a gunicorn serving `args` on 127.0.0.1 until the block ends."""
    port = free_port()
    command = [str(BIN / "gunicorn"), *args, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {' '.join(args)} did not start") from None
                time.sleep(0.2)
        yield port, process
    finally:
        _stop(process)


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a throw-away Redis (Debian's redis-server, nothing saved to disk)."""
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with closing(socket.create_connection(("127.0.0.1", port), timeout=1)) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
