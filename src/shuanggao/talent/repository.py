"""Queries of the talent domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, TableClause, and_, column, func, or_, select, table, union
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


# Tables of higher or sibling layers, named rather than imported (docs/architecture.md);
# ``tests/enterprises/test_named_tables.py`` checks the names against the models.
ENTERPRISE = table("enterprise", column("id"), column("zone_id"))
PLATFORM = table("platform", column("id"), column("zone_id"))
PRACTICE_PROJECT = table(
    "practice_project",
    column("student_user_id"),
    column("university_mentor_id"),
    column("enterprise_mentor_id"),
)


def zone_of(session: Session, named: TableClause, row_id: int) -> int | None:
    """The zone of an enterprise or platform (``ENTERPRISE``/``PLATFORM``), None if absent."""
    found = session.execute(
        select(named.c.zone_id).where(named.c.id == row_id)
    ).scalar_one_or_none()
    return None if found is None else int(found)


def own_or_project_people(user_id: int) -> ColumnElement[bool]:
    """Residents who are ``user_id`` or a mentor of one of their practice projects."""
    pp = PRACTICE_PROJECT
    mine = pp.c.student_user_id == user_id
    people = union(
        select(pp.c.university_mentor_id).where(mine),
        select(pp.c.enterprise_mentor_id).where(mine),
    )
    return or_(Resident.user_id == user_id, Resident.user_id.in_(select(people.subquery().c[0])))


def present_per_pairing(
    session: Session, day: dt.date, *, scope: ColumnElement[bool] | None
) -> dict[tuple[int, int | None], dict[str, int]]:
    """Residents present on ``day`` by ``(zone_id, pairing_id)`` and kind."""
    stmt = (
        select(Resident.zone_id, Resident.pairing_id, Resident.kind, func.count(Resident.id))
        .where(present_on(day))
        .group_by(Resident.zone_id, Resident.pairing_id, Resident.kind)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    out: dict[tuple[int, int | None], dict[str, int]] = {}
    for zid, pid, kind, n in session.execute(stmt):
        out.setdefault((int(zid), None if pid is None else int(pid)), {})[str(kind)] = int(n)
    return out
