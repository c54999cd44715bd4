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


def presence_spans(
    session: Session,
    until: dt.date,
    *,
    scope: ColumnElement[bool] | None = None,
    zone_id: int | None = None,
) -> list[tuple[dt.date, dt.date | None, int]]:
    """``(from_date, to_date, residents)`` of residents who arrived by ``until``: who is present
    on any day up to then follows from these, in one query (``present_on`` per day)."""
    stmt = (
        select(Resident.from_date, Resident.to_date, func.count(Resident.id))
        .where(Resident.from_date <= until)
        .group_by(Resident.from_date, Resident.to_date)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Resident.zone_id == zone_id)
    return [(start, end, int(n)) for start, end, n in session.execute(stmt)]


def present_per_zone(
    session: Session, day: dt.date, *, scope: ColumnElement[bool] | None, zone_ids: list[int]
) -> dict[int, int]:
    """``count_present`` of each of ``zone_ids``, in one query."""
    stmt = (
        select(Resident.zone_id, func.count(Resident.id))
        .where(present_on(day), Resident.zone_id.in_(zone_ids))
        .group_by(Resident.zone_id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return {int(zid): int(n) for zid, n in session.execute(stmt)}
