"""Queries the pages need beyond the register services: the values a list filter can take."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.kit.register import Register
from shuanggao.kit.service import read_scope


def distinct_values(
    session: Session, actor: Actor, reg: Register[Any], attr: str, limit: int
) -> list[Any] | None:
    """The distinct values of ``attr`` among the rows the actor can read (None when too many)."""
    column = getattr(reg.model, attr)
    stmt = select(column).where(column.is_not(None)).distinct().order_by(column).limit(limit + 1)
    scope = read_scope(reg, actor)
    if scope is not None:
        stmt = stmt.where(scope)
    values = list(session.scalars(stmt))
    if len(values) > limit:
        return None
    return values


def title_options(
    session: Session, actor: Actor, reg: Register[Any], limit: int
) -> list[tuple[int, str]] | None:
    """``[(id, title)]`` of the rows the actor can read, ordered by title, in one query.

    Only for registers whose title is a plain column; raises ``LookupError`` otherwise. None when
    there are more than ``limit`` rows.
    """
    if reg.title_attr not in reg.model.__mapper__.column_attrs:
        raise LookupError(reg.title_attr)
    title = getattr(reg.model, reg.title_attr)
    stmt = select(reg.model.id, title).order_by(title, reg.model.id).limit(limit + 1)
    scope = read_scope(reg, actor)
    if scope is not None:
        stmt = stmt.where(scope)
    rows = [(int(row[0]), str(row[1])) for row in session.execute(stmt)]
    if len(rows) > limit:
        return None
    return rows


def pairing_options(session: Session, actor: Actor, limit: int) -> list[tuple[int, str]] | None:
    """Pairings named as files name them, ``高新区（批次）``, in one query."""
    from shuanggao.kit.enums import LabeledEnum
    from shuanggao.kit.register import get_register
    from shuanggao.pairings.models import Pairing
    from shuanggao.programme.enums import Batch
    from shuanggao.zones.models import Zone

    stmt = (
        select(Pairing.id, Zone.name, Pairing.batch)
        .join(Zone, Zone.id == Pairing.zone_id)
        .order_by(Zone.name, Pairing.batch, Pairing.id)
        .limit(limit + 1)
    )
    scope = read_scope(get_register("pairings"), actor)
    if scope is not None:
        stmt = stmt.where(scope)
    rows = list(session.execute(stmt))
    if len(rows) > limit:
        return None
    out: list[tuple[int, str]] = []
    for pairing_id, zone_name, batch in rows:
        parsed = Batch.parse(batch)
        label = parsed.label if isinstance(parsed, LabeledEnum) else str(batch)
        out.append((int(pairing_id), f"{zone_name}（{label}）"))
    return out
