"""Database failures that are about load or concurrency, not bugs: named, never a 500.

``translate`` turns them into ``AppError``s the unit of work re-raises (``session_scope``, the
background tasks, the accounts middleware):

- a stale optimistic-lock write (``StaleDataError``), a PostgreSQL serialization failure or
  deadlock → 409 ``conflict``: somebody else changed the row first;
- SQLite ``database is locked``/busy, an exhausted connection pool, a PostgreSQL lock or
  statement timeout, too many connections → 503 ``database_busy`` with ``Retry-After``;
- a database that went away (connection refused or lost, server shutting down, SQLite file gone)
  → 503 ``database_unavailable`` with ``Retry-After``.

Anything else is left alone (and stays an unexpected error).
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from shuanggao.db.errors import DatabaseUnavailable
from shuanggao.errors import AppError, Conflict, DatabaseBusy

# PostgreSQL SQLSTATEs: retry later (503) or somebody else won (409).
_PG_BUSY = {
    "55P03",  # lock_not_available (lock_timeout)
    "57014",  # query_canceled (statement_timeout)
    "53300",  # too_many_connections
    "57P03",  # cannot_connect_now
}
_PG_CONFLICT = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
}
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
# SQLSTATE class 08 (connection exception) and the server going down.
_PG_GONE = {"08000", "08001", "08003", "08004", "08006", "57P01", "57P02"}
_GONE = (
    "connection refused",
    "could not connect",
    "server closed the connection",
    "terminating connection",
    "connection already closed",
    "connection is closed",
    "the connection is lost",
    "ssl connection has been closed",
    "no connection to the server",
    "consuming input failed",
    "cannot operate on a closed database",
    "unable to open database file",
)


def translate(exc: BaseException) -> AppError | None:
    """The ``AppError`` a database failure stands for, or None when it is not one we name."""
    if isinstance(exc, AppError):
        return None
    if isinstance(exc, StaleDataError):
        return Conflict()
    if isinstance(exc, PoolTimeout):
        return DatabaseBusy()
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        if state in _PG_CONFLICT:
            return Conflict("该记录正被他人同时修改，请刷新后重试。")
        if state in _PG_BUSY:
            return DatabaseBusy()
        text = str(orig).lower()
        if any(marker in text for marker in _SQLITE_BUSY):
            return DatabaseBusy()
        if exc.connection_invalidated or state in _PG_GONE or any(m in text for m in _GONE):
            return DatabaseUnavailable()
    return None
