"""Change stamps: one cheap query tells a reader whether a table changed since it last looked.

A model opts in by inheriting ``ChangeStamped``. Every flush (and every bulk ``insert`` /
``update`` / ``delete`` run through a session) that touches such a table writes a fresh random
stamp into its ``change_stamp`` row, in the same transaction as the rows themselves, whoever
writes them (API, pages, imports, CLI, demo loader). A reader that remembers the stamp it saw
compares it with ``stamps()`` (one indexed query) and only compares the rows themselves when the
stamp moved. The stamp is random, not a counter: a rolled-back write can never make a later
stamp look like one already seen. Read the stamp *before* the rows, so a write committed in
between only costs one more comparison next time.

This is bookkeeping, not business logic (like ``updated_at``'s ``onupdate``), hence an ORM event.

``release_connection`` ends a transaction that has read only, so a long computation (a search's
scoring) does not keep a pooled connection checked out; a transaction that wrote is left alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, Table, bindparam, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    mapped_column,
)

from shuanggao.db.base import Base

# session.info key: this session's current transaction has written something.
WROTE = "shuanggao.wrote"


class ChangeStamped:
    """Mixin: changes of this table are stamped (see the module docstring)."""

    __change_stamped__ = True


class ChangeStamp(Base):
    """The latest change stamp of one stamped table (a row per table, written on change)."""

    __tablename__ = "change_stamp"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32), nullable=False)


def _stamped_table(obj: Any) -> str | None:
    cls = type(obj)
    if getattr(cls, "__change_stamped__", False):
        return str(cls.__tablename__)
    return None


def _write(session: Session, names: Iterable[str]) -> None:
    table: Table = ChangeStamp.__table__  # type: ignore[assignment]
    conn = session.connection()
    dialect = conn.dialect.name
    for name in sorted(set(names)):  # a fixed order: two writers never lock in opposite orders
        stamp = secrets.token_hex(16)
        if dialect == "postgresql":
            stmt: Any = postgresql.insert(table)
        elif dialect == "sqlite":
            stmt = sqlite.insert(table)
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise RuntimeError(f"unsupported database {dialect!r}")
        stmt = stmt.values(table_name=name, stamp=stamp).on_conflict_do_update(
            index_elements=[table.c.table_name], set_={"stamp": stamp}
        )
        conn.execute(stmt)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    touched = {
        name
        for obj in (*session.new, *session.dirty, *session.deleted)
        if (name := _stamped_table(obj)) is not None
    }
    session.info[WROTE] = True
    if touched:
        _write(session, touched)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    state.session.info[WROTE] = True
    mapper = state.bind_mapper
    if mapper is not None and getattr(mapper.class_, "__change_stamped__", False):
        _write(state.session, [str(mapper.class_.__tablename__)])


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


# Built once: a search reads a stamp on every request, and building the statement cost as much
# as running it.
_STAMPS = select(ChangeStamp.__table__.c.table_name, ChangeStamp.__table__.c.stamp).where(
    ChangeStamp.__table__.c.table_name.in_(bindparam("names", expanding=True))
)


def stamps(session: Session, names: Iterable[str]) -> dict[str, str | None]:
    """The current stamp of each table (None: never written since stamps were kept)."""
    wanted = list(names)
    rows = session.execute(_STAMPS, {"names": wanted})
    found = {row.table_name: row.stamp for row in rows}
    return {name: found.get(name) for name in wanted}


def release_connection(session: Session) -> bool:
    """End the session's transaction if it has only read (a read-only commit changes nothing;
    sessions here do not expire objects on commit), so its connection goes back to the pool.
    Returns whether it did; a transaction that wrote or has pending changes is left alone, and
    so is a session that expires its objects on commit (their relationships would be gone)."""
    if not session.in_transaction():
        return True
    if session.expire_on_commit:
        return False
    if session.new or session.dirty or session.deleted or session.info.get(WROTE):
        return False
    session.commit()
    return True
