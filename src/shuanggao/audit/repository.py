"""Queries of the audit trail (read-only: the trail is append-only)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import CONTENT_FIELDS, PAYLOAD_FIELDS, AuditEvent


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None  # part of the actor's name
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    start: dt.datetime | None = None  # inclusive
    end: dt.datetime | None = None  # exclusive
    # Separation of duties: which actors' rows a reader may see (set by the service, not users).
    only_roles: tuple[str, ...] | None = None
    except_roles: tuple[str, ...] = ()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _select(query: AuditQuery) -> Select[AuditEvent]:
    stmt = select(AuditEvent)
    if query.actor:
        stmt = stmt.where(AuditEvent.actor_name.like(f"%{_escape_like(query.actor)}%", escape="\\"))
    if query.action:
        stmt = stmt.where(AuditEvent.action == query.action)
    if query.entity:
        stmt = stmt.where(AuditEvent.entity == query.entity)
    if query.entity_id:
        stmt = stmt.where(AuditEvent.entity_id == query.entity_id)
    if query.start is not None:
        stmt = stmt.where(AuditEvent.at >= query.start)
    if query.end is not None:
        stmt = stmt.where(AuditEvent.at < query.end)
    if query.only_roles is not None:
        stmt = stmt.where(AuditEvent.actor_role.in_(query.only_roles))
    if query.except_roles:
        stmt = stmt.where(AuditEvent.actor_role.not_in(query.except_roles))
    return stmt


def page(
    session: Session, query: AuditQuery, *, page: int, page_size: int
) -> tuple[list[AuditEvent], int]:
    stmt = _select(query)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return list(rows), int(total)


def all_matching(session: Session, query: AuditQuery, limit: int) -> Sequence[AuditEvent]:
    return session.scalars(_select(query).order_by(AuditEvent.at, AuditEvent.id).limit(limit)).all()


def distinct_values(session: Session, column: str) -> list[str]:
    col = getattr(AuditEvent, column)
    return [v for v in session.scalars(select(col).distinct().order_by(col)) if v]


# --------------------------------------------------------------------------- the hash chain

_CHAIN_COLUMNS = (
    "id",
    "seq",
    "prev_hash",
    "row_hash",
    "payload_salt",
    "erased_by_seq",
    *CONTENT_FIELDS,
    *PAYLOAD_FIELDS,
)


def chain_head(session: Session) -> tuple[int, str] | None:
    """``(seq, row_hash)`` of the newest row (one index lookup), or None when the trail is empty."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.row_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def chain_batch(session: Session, after_seq: int | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` rows after ``after_seq`` in chain order, as plain values (no ORM objects)."""
    stmt = select(*(getattr(AuditEvent, c) for c in _CHAIN_COLUMNS)).order_by(AuditEvent.seq)
    if after_seq is not None:
        stmt = stmt.where(AuditEvent.seq > after_seq)
    return [dict(row._mapping) for row in session.execute(stmt.limit(limit))]


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _mentions(term: str) -> list[ColumnElement[bool]]:
    """Conditions: a row names ``term`` — as its actor, in its summary, or as a whole text value
    in before/after (JSON, stored with ASCII escapes; a value merely containing it is not
    matched, so "user1" does not take the rows of "user12")."""
    value = f"%{_escape_like(json.dumps(term))}%"
    return [
        AuditEvent.actor_name == term,
        AuditEvent.summary.like(f"%{_escape_like(term)}%", escape="\\"),
        cast(AuditEvent.before, Text).like(value, escape="\\"),
        cast(AuditEvent.after, Text).like(value, escape="\\"),
    ]


def rows_about(
    session: Session,
    *,
    user_id: int | None,
    entity: str,
    entity_ids: Sequence[str],
    terms: Sequence[str],
) -> list[AuditEvent]:
    """Rows not yet erased that hold someone's personal information: the actions of ``user_id``,
    the rows about the records ``entity``/``entity_ids``, and rows naming one of ``terms``."""
    conditions: list[ColumnElement[bool]] = []
    if user_id is not None:
        conditions.append(AuditEvent.actor_user_id == user_id)
    if entity_ids:
        conditions.append(
            and_(AuditEvent.entity == entity, AuditEvent.entity_id.in_(list(entity_ids)))
        )
    for term in terms:
        conditions += _mentions(term)
    if not conditions:
        return []
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.erased_by_seq.is_(None), or_(*conditions))
        .order_by(AuditEvent.seq)
    )
    return list(session.scalars(stmt))
