"""Run ``shuanggao serve`` as a child process on a loopback port (load benchmark, tests).

Loopback only: the server listens on 127.0.0.1 and nothing here opens any other address.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def cli_path() -> str:
    """The ``shuanggao`` script next to this interpreter (the project's virtualenv)."""
    script = Path(sys.executable).with_name("shuanggao")
    return str(script)


def server_env(
    database_url: str, var_dir: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SHUANGGAO_DATABASE_URL": database_url,
            "SHUANGGAO_VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def run_cli(args: list[str], env: Mapping[str, str], *, timeout: float = 600) -> str:
    """Run one ``shuanggao`` command to completion; its output, or an error with the output."""
    done = subprocess.run(  # noqa: S603 - this project's own command, fixed arguments
        [cli_path(), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"shuanggao {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    base_url: str
    log: IO[bytes]

    def stop(self, *, limit: float = 30.0) -> float:
        """SIGTERM, then wait; the seconds it took to exit (killed after ``limit``: ``inf``)."""
        if self.proc.poll() is not None:
            return 0.0
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return float("inf")
        return time.monotonic() - started


def wait_ready(base_url: str, proc: subprocess.Popen[bytes], *, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited at start (code {proc.returncode})")
        try:
            httpx.get(f"{base_url}/api/v1/openapi.json", timeout=5.0)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


@contextmanager
def running_server(env: Mapping[str, str], log_path: Path) -> Iterator[ServerProcess]:
    """``shuanggao serve`` on a free loopback port; stopped (SIGTERM) on leaving."""
    port = free_port()
    log = log_path.open("wb")
    proc = subprocess.Popen(  # noqa: S603 - this project's own command, fixed arguments
        [cli_path(), "serve", "--host", LOOPBACK, "--port", str(port)],
        env=dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = ServerProcess(proc, f"http://{LOOPBACK}:{port}", log)
    try:
        wait_ready(server.base_url, proc)
        yield server
    finally:
        server.stop()
        log.close()


# The commands that make a demo database a server can sign demo users in to.
DEMO_SETUP = (
    ["db", "upgrade"],
    ["reference", "load"],
    ["demo", "load"],
    ["matching", "reindex", "--incremental"],
    ["user", "demo-accounts"],
)


@contextmanager
def scratch_database(kind: str, tmp: Path, pg_admin_url: str) -> Iterator[str]:
    """A new, empty database: a SQLite file under ``tmp``, or a uniquely named PostgreSQL
    database on the server of ``pg_admin_url`` (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'load.sqlite3'}"
        return
    import uuid

    import psycopg

    name = f"shuanggao_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = pg_admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
