"""Database failures of load and concurrency are named errors (409/503), never a 500."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from shuanggao.db import session as db_session
from shuanggao.db.busy import translate
from shuanggao.db.session import build_engine, make_session_factory, session_scope
from shuanggao.errors import Conflict, DatabaseBusy


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(orig: Exception) -> OperationalError:
    return OperationalError("UPDATE …", {}, orig)


@pytest.mark.parametrize(
    ("exc", "code", "status"),
    [
        (StaleDataError("0 rows matched"), "conflict", 409),
        (PoolTimeout("QueuePool limit reached"), "database_busy", 503),
        (_wrapped(sqlite3.OperationalError("database is locked")), "database_busy", 503),
        (_wrapped(_PgError("55P03")), "database_busy", 503),
        (_wrapped(_PgError("57014")), "database_busy", 503),
        (_wrapped(_PgError("40001")), "conflict", 409),
        (_wrapped(_PgError("40P01")), "conflict", 409),
    ],
)
def test_translate_names_load_and_concurrency_failures(
    exc: Exception, code: str, status: int
) -> None:
    mapped = translate(exc)
    assert mapped is not None
    assert (str(mapped.code), mapped.status) == (code, status)
    if status == 503:
        assert dict(mapped.headers) == {"Retry-After": "2"}


def test_other_failures_are_left_alone() -> None:
    assert translate(_wrapped(sqlite3.OperationalError("no such table: x"))) is None
    assert translate(ValueError("bug")) is None


def test_a_writer_that_cannot_get_its_turn_is_told_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'busy.sqlite3'}")
    factory = make_session_factory(engine)
    monkeypatch.setattr(db_session, "WRITER_WAIT_SECONDS", 0.05)
    try:
        with session_scope(factory, write=True) as first:
            first.connection()
            with pytest.raises(DatabaseBusy), session_scope(factory, write=True):
                pass
        # The first writer finished: the next one gets its turn.
        with session_scope(factory, write=True) as again:
            again.connection()
    finally:
        engine.dispose()


def test_a_stale_flush_inside_the_unit_of_work_becomes_conflict(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'stale.sqlite3'}")
    try:
        with pytest.raises(Conflict), session_scope(make_session_factory(engine)):
            raise StaleDataError("UPDATE statement on table 'demand' expected to update 1 row")
    finally:
        engine.dispose()
