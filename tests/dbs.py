"""Test databases: a migrated SQLite file or a fresh PostgreSQL database per test session.

``SHUANGGAO_TEST_DB`` chooses the leg (sqlite by default, or postgresql); the PostgreSQL server is
named by ``SHUANGGAO_TEST_PG_URL``. Each PostgreSQL database gets a unique name so parallel runs
(several developers, CI) never share state; it is dropped at the end.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from shuanggao.db import migrate

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def backend() -> str:
    return os.environ.get("SHUANGGAO_TEST_DB", "sqlite")


def _pg_admin_url() -> str:
    return os.environ.get("SHUANGGAO_TEST_PG_URL", DEFAULT_PG)


@contextmanager
def fresh_database(tmp_dir: Path, *, migrated: bool = True) -> Iterator[str]:
    """Yield the URL of a new, empty (or migrated) database; drop it afterwards."""
    if backend() == "postgresql":
        admin = _pg_admin_url()
        name = f"shuanggao_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = admin.rpartition("/")
        url = f"{base}/{name}"
        try:
            if migrated:
                migrate.upgrade("head", url)
            yield url
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_dir / f"test-{uuid.uuid4().hex[:8]}.sqlite3"
        url = f"sqlite:///{path}"
        if migrated:
            migrate.upgrade("head", url)
        yield url


@contextmanager
def copy_of(url: str, tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of a new database holding what the committed database at ``url`` holds
    (PostgreSQL: ``CREATE DATABASE ... TEMPLATE``; SQLite: the backup API, which copies what
    the WAL holds too); drop it afterwards. Nobody may be writing to ``url`` meanwhile."""
    if backend() == "postgresql":
        admin = _pg_admin_url()
        source = url.rpartition("/")[2]
        name = f"shuanggao_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            # A template must have no other sessions (idle pooled connections of the loaders).
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (source,),
            )
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        base, _, _ = admin.rpartition("/")
        try:
            yield f"{base}/{name}"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_dir / f"test-{uuid.uuid4().hex[:8]}.sqlite3"
        src = sqlite3.connect(url.removeprefix("sqlite:///"))
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        yield f"sqlite:///{path}"
