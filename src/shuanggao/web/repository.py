"""Queries the pages need beyond the register services: the values a list filter can take."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor
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
