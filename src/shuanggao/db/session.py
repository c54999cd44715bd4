"""Engine construction and the unit-of-work boundary.

The transaction is the request, the CLI command or the job: ``session_scope`` commits once at the
end and rolls back on error. Services never commit.

Concurrency. SQLite allows one writer at a time: its connections use WAL (readers never wait for
the writer) and a busy timeout, and a unit of work that will write (``session_scope(...,
write=True)``) first queues for this process's writer lock and then starts with
``BEGIN IMMEDIATE``, so writers wait their turn at their start instead of failing half-way (a
deferred transaction that read first cannot wait for the lock: SQLite refuses it at once).
PostgreSQL gets a pool sized for the server's worker threads and a pool timeout. What still
fails for load or concurrency is translated by ``db.errors`` into 409/503 answers, never a 500.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.db.busy import translate
from shuanggao.db.changes import WROTE
from shuanggao.db.errors import CONNECT_TIMEOUT_SECONDS, check_sqlite_directory
from shuanggao.errors import DatabaseBusy

# How long a SQLite writer of this process waits its turn (the writer lock, below), and how long
# SQLite itself waits for a writer of another process (a CLI import), before answering 503.
WRITER_WAIT_SECONDS = 20.0
SQLITE_BUSY_TIMEOUT_MS = 10_000
# PostgreSQL pool: the server runs up to 40 requests at once (Starlette's thread pool), each with
# one session, plus the short sign-in lookup; beyond that a request waits ``pool_timeout`` seconds
# for a connection, then is answered 503.
PG_POOL = {"pool_size": 20, "max_overflow": 30, "pool_timeout": 10}
# session.info key: the session is a ``session_scope`` unit of work (which releases the lock).
_SCOPED = "shuanggao.scoped"
# Execution option that makes the SQLite ``begin`` listener take the write lock at once.
IMMEDIATE = "shuanggao_begin_immediate"


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
    kwargs = {**PG_POOL, **kwargs}
    if url.startswith("postgresql") and "connect_timeout" not in url:
        # An unreachable host fails in seconds instead of the operating system's TCP timeout.
        connect_args = {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            **kwargs.pop("connect_args", {}),
        }
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, a busy timeout, deleted rows overwritten
    (secure_delete: anonymised or deleted personal data is not left in free pages, checklist
    RES-02), and pysqlite's SAVEPOINT workaround (SQLAlchemy emits BEGIN itself: IMMEDIATE for
    units of work that write)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


# One writer at a time per SQLite engine, queued in the process: a blocked thread waits on a lock
# (woken as soon as it is free) instead of SQLite's busy handler polling with sleeps.
_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def _writer_lock(session: Session) -> threading.Lock | None:
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return None
    return _WRITER_LOCKS.setdefault(bind, threading.Lock())


# session.info key: the process writer lock this unit of work holds (released at its end).
_HELD = "shuanggao.writer_lock"


def take_writer(session: Session) -> None:
    """From here on this unit of work writes: on SQLite, end its read-only transaction, queue for
    the process's writer lock and start again with ``BEGIN IMMEDIATE``, so its writes wait their
    turn instead of failing at once (a deferred transaction that has read cannot wait for the
    write lock: SQLite answers "database is locked" at once). For a unit of work that read
    first and computed before writing (a search that records its results). A no-op on
    PostgreSQL, in a unit of work that already holds the writer or has already written, and for
    sessions outside ``session_scope`` (nobody would release the lock)."""
    if session.info.get(_HELD) is not None or not session.info.get(_SCOPED):
        return
    lock = _writer_lock(session)
    if lock is None:
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get(WROTE):
            return  # it holds SQLite's write lock already
        session.commit()  # read-only: nothing changes (objects are not expired on commit)
    if not lock.acquire(timeout=WRITER_WAIT_SECONDS):
        raise DatabaseBusy()
    session.info[_HELD] = lock
    begin_write(session)


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: ``BEGIN IMMEDIATE``; a no-op
    elsewhere, and when the session already joined an outer transaction, as in tests)."""
    if session.in_transaction():
        return
    session.connection(execution_options={IMMEDIATE: True})


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit at the end, roll back on error.

    ``write=True`` queues for the SQLite writer lock and takes SQLite's write lock at the start.
    Database failures that stand for load or concurrency (locked, pool exhausted, stale version)
    are re-raised as ``AppError``s.
    """
    session = factory()
    session.info[_SCOPED] = True
    try:
        if write:
            lock = _writer_lock(session)
            if lock is not None:
                if not lock.acquire(timeout=WRITER_WAIT_SECONDS):
                    raise DatabaseBusy()
                session.info[_HELD] = lock
            begin_write(session)
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        mapped = translate(exc)
        if mapped is not None:
            raise mapped from exc
        raise
    finally:
        session.close()
        held: threading.Lock | None = session.info.pop(_HELD, None)
        if held is not None:
            held.release()
