"""Queries of the reports domain: reports, and the record counts the statistics set beside them.

Every count takes the actor's read scope of the register it counts (``scope``) and an optional
zone. A record dated after the day asked about, or not dated at all, is not counted for that day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from shuanggao.enterprises.models import EnterpriseService
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.platforms.models import Platform
from shuanggao.projects.models import Project
from shuanggao.reports.models import PeriodicReport
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

Scope = ColumnElement[bool] | None


def get_report_for_update(session: Session, report_id: int, scope: Scope) -> PeriodicReport | None:
    stmt = (
        select(PeriodicReport)
        .where(PeriodicReport.id == report_id)
        .options(joinedload(PeriodicReport.zone), joinedload(PeriodicReport.pairing))
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return session.scalars(stmt).unique().one_or_none()


def approved_reports(
    session: Session, scope: Scope, *, zone_id: int | None, as_of: dt.date
) -> list[PeriodicReport]:
    """Approved reports of the programme (no zone) or of one zone, as of ``as_of`` or earlier,
    latest first."""
    stmt = select(PeriodicReport).where(
        PeriodicReport.status == "approved", PeriodicReport.as_of_date <= as_of
    )
    if zone_id is None:
        stmt = stmt.where(PeriodicReport.scope == "programme")
    else:
        stmt = stmt.where(PeriodicReport.scope == "zone", PeriodicReport.zone_id == zone_id)
    if scope is not None:
        stmt = stmt.where(scope)
    stmt = stmt.order_by(
        PeriodicReport.as_of_date.desc(), PeriodicReport.period_end.desc(), PeriodicReport.id.desc()
    )
    return list(session.scalars(stmt))


def zone_name(session: Session, zone_id: int) -> str | None:
    return session.scalar(select(Zone.name).where(Zone.id == zone_id))


def zone_id_by_name(session: Session, name: str) -> int | None:
    found = session.scalar(
        select(Zone.id).where((Zone.name == name.strip()) | (Zone.full_name == name.strip()))
    )
    return int(found) if found is not None else None


def _started_pairings(day: dt.date, scope: Scope, zone_id: int | None) -> ColumnElement[bool]:
    cond = Pairing.start_date.is_not(None) & (Pairing.start_date <= day)
    if scope is not None:
        cond = cond & scope
    if zone_id is not None:
        cond = cond & (Pairing.zone_id == zone_id)
    return cond


# Trend figures: each query reads a whole period at once (counts per day, or each record's first
# day), and the service sums them for every day asked about, so a 24-point trend costs the same
# handful of queries as one day.

Dated = list[tuple[dt.date, int]]


def pairs_by_start(
    session: Session,
    until: dt.date,
    scope: Scope,
    zone_id: int | None,
    university_id: int | None = None,
) -> Dated:
    """Zone–university pairs (结对) per pairing start date, up to ``until``: the programme counts
    links, 一区多校 counts each school (the article's "18 家高新区与 37 所高校结成 51 个对子")."""
    stmt = (
        select(Pairing.start_date, func.count(PairingUniversity.university_id))
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(_started_pairings(until, scope, zone_id))
        .group_by(Pairing.start_date)
    )
    if university_id is not None:
        stmt = stmt.where(PairingUniversity.university_id == university_id)
    return [(day, int(n)) for day, n in session.execute(stmt) if day is not None]


def zones_first_paired(
    session: Session, until: dt.date, scope: Scope, zone_id: int | None
) -> dict[int, dt.date]:
    """Each zone with a pairing started by ``until``: the day its first pairing started."""
    stmt = (
        select(Pairing.zone_id, func.min(Pairing.start_date))
        .where(_started_pairings(until, scope, zone_id))
        .group_by(Pairing.zone_id)
    )
    return {int(zid): day for zid, day in session.execute(stmt) if day is not None}


def pilot_zone_ids(session: Session, zone_id: int | None) -> set[int]:
    stmt = select(Zone.id).where(Zone.is_pilot.is_(True))
    if zone_id is not None:
        stmt = stmt.where(Zone.id == zone_id)
    return set(session.scalars(stmt))


def universities_first_paired(
    session: Session, until: dt.date, scope: Scope, zone_id: int | None
) -> dict[int, dt.date]:
    """Each university in a pairing started by ``until``: the day its first pairing started."""
    stmt = (
        select(PairingUniversity.university_id, func.min(Pairing.start_date))
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(_started_pairings(until, scope, zone_id))
        .group_by(PairingUniversity.university_id)
    )
    return {int(uid): day for uid, day in session.execute(stmt) if day is not None}


def pilot_university_ids(session: Session) -> set[int]:
    return set(session.scalars(select(University.id).where(University.is_pilot.is_(True))))


def projects_by_start(session: Session, until: dt.date, scope: Scope, zone_id: int | None) -> Dated:
    return _dated(session, Project, Project.start_date, until, scope, zone_id)


def platforms_by_establishment(
    session: Session, until: dt.date, scope: Scope, zone_id: int | None
) -> Dated:
    return _dated(session, Platform, Platform.established_date, until, scope, zone_id)


def _dated(
    session: Session,
    model: type[Project] | type[Platform],
    date: InstrumentedAttribute[dt.date | None],
    until: dt.date,
    scope: Scope,
    zone_id: int | None,
) -> Dated:
    """Rows of ``model`` per known ``date`` up to ``until`` (in scope, in a zone); undated rows
    are never counted."""
    stmt = select(date, func.count(model.id)).where(date.is_not(None), date <= until).group_by(date)
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(model.zone_id == zone_id)
    return [(day, int(n)) for day, n in session.execute(stmt) if day is not None]


def enterprises_by_first_service(
    session: Session, until: dt.date, scope: Scope, zone_id: int | None
) -> Dated:
    """Enterprises per day of their first service (up to ``until``): an enterprise served counts
    from its first service on."""
    first = select(func.min(EnterpriseService.service_date).label("first")).where(
        EnterpriseService.service_date <= until,
        EnterpriseService.enterprise_id.is_not(None),
    )
    if scope is not None:
        first = first.where(scope)
    if zone_id is not None:
        first = first.where(EnterpriseService.zone_id == zone_id)
    sub = first.group_by(EnterpriseService.enterprise_id).subquery()
    stmt = select(sub.c.first, func.count()).group_by(sub.c.first)
    return [(day, int(n)) for day, n in session.execute(stmt) if day is not None]


# Figures of many zones at one day (a city's table): one query per figure, grouped by zone.

PerZone = dict[int, int]


def approved_zone_reports(
    session: Session, scope: Scope, zone_ids: list[int], as_of: dt.date
) -> list[PeriodicReport]:
    """``approved_reports`` of each of ``zone_ids`` at once, latest first."""
    stmt = select(PeriodicReport).where(
        PeriodicReport.status == "approved",
        PeriodicReport.as_of_date <= as_of,
        PeriodicReport.scope == "zone",
        PeriodicReport.zone_id.in_(zone_ids),
    )
    if scope is not None:
        stmt = stmt.where(scope)
    stmt = stmt.order_by(
        PeriodicReport.as_of_date.desc(), PeriodicReport.period_end.desc(), PeriodicReport.id.desc()
    )
    return list(session.scalars(stmt))


def pairs_per_zone(
    session: Session,
    day: dt.date,
    scope: Scope,
    zone_ids: list[int],
    university_id: int | None = None,
) -> PerZone:
    stmt = (
        select(Pairing.zone_id, func.count(PairingUniversity.university_id))
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(_started_pairings(day, scope, None), Pairing.zone_id.in_(zone_ids))
        .group_by(Pairing.zone_id)
    )
    if university_id is not None:
        stmt = stmt.where(PairingUniversity.university_id == university_id)
    return {int(zid): int(n) for zid, n in session.execute(stmt)}


def projects_per_zone(session: Session, day: dt.date, scope: Scope, zone_ids: list[int]) -> PerZone:
    return _dated_per_zone(session, Project, Project.start_date, day, scope, zone_ids)


def platforms_per_zone(
    session: Session, day: dt.date, scope: Scope, zone_ids: list[int]
) -> PerZone:
    return _dated_per_zone(session, Platform, Platform.established_date, day, scope, zone_ids)


def _dated_per_zone(
    session: Session,
    model: type[Project] | type[Platform],
    date: InstrumentedAttribute[dt.date | None],
    day: dt.date,
    scope: Scope,
    zone_ids: list[int],
) -> PerZone:
    stmt = (
        select(model.zone_id, func.count(model.id))
        .where(date.is_not(None), date <= day, model.zone_id.in_(zone_ids))
        .group_by(model.zone_id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return {int(zid): int(n) for zid, n in session.execute(stmt)}


def enterprises_served_per_zone(
    session: Session, day: dt.date, scope: Scope, zone_ids: list[int]
) -> PerZone:
    stmt = (
        select(
            EnterpriseService.zone_id, func.count(func.distinct(EnterpriseService.enterprise_id))
        )
        .where(EnterpriseService.service_date <= day, EnterpriseService.zone_id.in_(zone_ids))
        .group_by(EnterpriseService.zone_id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return {int(zid): int(n) for zid, n in session.execute(stmt)}
