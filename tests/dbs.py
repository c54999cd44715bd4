"""Test databases: a migrated SQLite file or a fresh PostgreSQL database per test session.

``SHUANGGAO_TEST_DB`` chooses the leg (sqlite by default, or postgresql); the PostgreSQL server is
named by ``SHUANGGAO_TEST_PG_URL``. Each PostgreSQL database gets a unique name so parallel runs
(several developers, CI) never share state; it is dropped at the end.
"""

from __future__ import annotations

import os
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
