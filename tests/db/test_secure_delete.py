"""Deleted personal data is not recoverable from the SQLite files (checklist RES-02)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from shuanggao.db.session import build_engine
from tests.dbs import backend, fresh_database
from tests.factories import create_enterprise

CANARY = "金丝雀联系人7f3a9c"


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite files only")
def test_a_deleted_name_leaves_no_trace_in_the_database_files(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        try:
            from sqlalchemy.orm import Session

            with Session(engine) as s:
                ent_id = create_enterprise(s, contact_person=CANARY).id
                s.commit()
            with engine.begin() as conn:
                assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
                conn.execute(text("DELETE FROM enterprise WHERE id = :id"), {"id": ent_id})
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        path = Path(url.removeprefix("sqlite:///"))
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        assert path in files
        for file in files:
            assert CANARY.encode("utf-8") not in file.read_bytes(), file.name


def test_the_check_finds_residue_when_secure_delete_is_off(tmp_path: Path) -> None:
    """The control: the same check does find a deleted value left in a free page (this Python's
    SQLite defaults to secure_delete on, which is why the app sets it rather than relying on it)."""
    import sqlite3

    path = tmp_path / "control.sqlite3"
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA secure_delete=OFF")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t (v) VALUES (?)", [(CANARY,), ("其他",)])
        conn.commit()
        conn.execute("DELETE FROM t WHERE id = 1")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    assert CANARY.encode("utf-8") in path.read_bytes()
