"""Engine construction and the unit-of-work boundary.

The transaction is the request, the CLI command or the job: ``session_scope`` commits once at the
end and rolls back on error. Services never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.db.errors import CONNECT_TIMEOUT_SECONDS, check_sqlite_directory


def build_engine(url: str, **kwargs: Any) -> Engine:
    """The engine of ``url``. Nothing connects yet; a SQLite file's directory must exist (a typo
    in the address must not create a new, empty database elsewhere): ``DatabaseUnavailable``."""
    if url.startswith("sqlite"):
        check_sqlite_directory(url)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql") and "connect_timeout" not in url:
        # An unreachable host fails in seconds instead of the operating system's TCP timeout.
        connect_args = {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            **kwargs.pop("connect_args", {}),
        }
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, deleted rows overwritten (secure_delete:
    anonymised or deleted personal data is not left in free pages, checklist RES-02), and
    pysqlite's SAVEPOINT workaround."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
