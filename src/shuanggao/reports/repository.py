"""Queries of the reports domain: reports, and the record counts the statistics set beside them.

Every count takes the actor's read scope of the register it counts (``scope``) and an optional
zone. A record dated after the day asked about, or not dated at all, is not counted for that day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, select, union
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


def count_pairings(
    session: Session,
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
    university_id: int | None = None,
) -> int:
    """Zone–university pairs (结对), as the programme counts them: 一区多校 counts each school.

    The article's "18 家高新区与 37 所高校结成 51 个对子" counts links, not pairing records.
    """
    stmt = (
        select(func.count(PairingUniversity.university_id))
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(_started_pairings(day, scope, zone_id))
    )
    if university_id is not None:
        stmt = stmt.where(PairingUniversity.university_id == university_id)
    return int(session.scalar(stmt) or 0)


def count_zones(
    session: Session,
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
    *,
    with_pilot_flag: bool,
) -> int:
    """Zones with a pairing started by ``day``, and (``with_pilot_flag``) zones marked as pilots."""
    paired = select(Pairing.zone_id.label("zid")).where(_started_pairings(day, scope, zone_id))
    parts = [paired]
    if with_pilot_flag:
        pilots = select(Zone.id.label("zid")).where(Zone.is_pilot.is_(True))
        if zone_id is not None:
            pilots = pilots.where(Zone.id == zone_id)
        parts.append(pilots)
    sub = union(*parts).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def count_universities(
    session: Session,
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
    *,
    with_pilot_flag: bool,
) -> int:
    """Universities in pairings started by ``day``, and (``with_pilot_flag``, programme-wide
    only) universities marked as pilots."""
    members = (
        select(PairingUniversity.university_id.label("uid"))
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(_started_pairings(day, scope, zone_id))
    )
    parts = [members]
    if with_pilot_flag and zone_id is None:
        parts.append(select(University.id.label("uid")).where(University.is_pilot.is_(True)))
    sub = union(*parts).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def count_projects(session: Session, day: dt.date, scope: Scope, zone_id: int | None) -> int:
    return _count_dated(session, Project, Project.start_date, day, scope, zone_id)


def count_platforms(session: Session, day: dt.date, scope: Scope, zone_id: int | None) -> int:
    return _count_dated(session, Platform, Platform.established_date, day, scope, zone_id)


def _count_dated(
    session: Session,
    model: type[Project] | type[Platform],
    date: InstrumentedAttribute[dt.date | None],
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
) -> int:
    """Rows of ``model`` whose ``date`` is known and on or before ``day`` (in scope, in a zone)."""
    stmt = select(func.count(model.id)).where(date.is_not(None), date <= day)
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(model.zone_id == zone_id)
    return int(session.scalar(stmt) or 0)


def count_enterprises_served(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None
) -> int:
    """Distinct enterprises with at least one service on or before ``day``."""
    stmt = select(func.count(func.distinct(EnterpriseService.enterprise_id))).where(
        EnterpriseService.service_date <= day
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(EnterpriseService.zone_id == zone_id)
    return int(session.scalar(stmt) or 0)
