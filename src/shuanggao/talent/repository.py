"""Queries of the talent domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.talent.models import Resident


def present_on(day: dt.date) -> ColumnElement[bool]:
    """Residents in the zone on ``day``: arrived by then and not yet gone."""
    return and_(
        Resident.from_date <= day,
        or_(Resident.to_date.is_(None), Resident.to_date >= day),
    )


def count_present(
    session: Session,
    day: dt.date,
    *,
    scope: ColumnElement[bool] | None = None,
    zone_id: int | None = None,
) -> int:
    stmt = select(func.count(Resident.id)).where(present_on(day))
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Resident.zone_id == zone_id)
    return int(session.scalar(stmt) or 0)
