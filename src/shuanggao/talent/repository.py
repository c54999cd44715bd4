"""Queries of the talent domain, and the lookups its checks need (zones, universities, pairings)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.talent.models import Resident
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


def zone_exists(session: Session, zone_id: int) -> bool:
    return session.scalar(select(Zone.id).where(Zone.id == zone_id)) is not None


def university_exists(session: Session, university_id: int) -> bool:
    found = session.scalar(select(University.id).where(University.id == university_id))
    return found is not None


def pairing_membership(session: Session, pairing_id: int) -> tuple[int, set[int]] | None:
    """``(zone_id, {university_id, ...})`` of a pairing, or None if it does not exist."""
    zone_id = session.scalar(select(Pairing.zone_id).where(Pairing.id == pairing_id))
    if zone_id is None:
        return None
    members = session.scalars(
        select(PairingUniversity.university_id).where(PairingUniversity.pairing_id == pairing_id)
    )
    return int(zone_id), set(members)


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
