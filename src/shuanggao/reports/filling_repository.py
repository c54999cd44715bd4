"""Queries of the 填报 workflow: periods, indicators, a unit's report for a period, its history,
and the reminders outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.reports.models import (
    PeriodicReport,
    ReportEvent,
    ReportIndicator,
    ReportPeriod,
    ReportReminder,
)
from shuanggao.zones.models import Zone

Scope = ColumnElement[bool] | None


def active_indicators(session: Session) -> list[ReportIndicator]:
    stmt = (
        select(ReportIndicator)
        .where(ReportIndicator.active.is_(True))
        .order_by(ReportIndicator.position, ReportIndicator.id)
    )
    return list(session.scalars(stmt))


def indicator_by_code(session: Session, code: str) -> ReportIndicator | None:
    return session.scalar(select(ReportIndicator).where(ReportIndicator.code == code))


def period(session: Session, period_id: int) -> ReportPeriod | None:
    return session.get(ReportPeriod, period_id)


def periods(session: Session, *, started_by: dt.date | None = None) -> list[ReportPeriod]:
    """Periods, latest first; with ``started_by`` only those begun by that day."""
    stmt = select(ReportPeriod).order_by(ReportPeriod.period_end.desc(), ReportPeriod.id.desc())
    if started_by is not None:
        stmt = stmt.where(ReportPeriod.period_start <= started_by)
    return list(session.scalars(stmt))


def zone_report_for_period(
    session: Session, zone_id: int, period_end: dt.date
) -> PeriodicReport | None:
    stmt = select(PeriodicReport).where(
        PeriodicReport.scope == "zone",
        PeriodicReport.zone_id == zone_id,
        PeriodicReport.pairing_id.is_(None),
        PeriodicReport.period_end == period_end,
    )
    return session.scalars(stmt).first()


def pairing_report_for_period(
    session: Session, pairing_id: int, period_end: dt.date
) -> PeriodicReport | None:
    stmt = select(PeriodicReport).where(
        PeriodicReport.scope == "pairing",
        PeriodicReport.pairing_id == pairing_id,
        PeriodicReport.period_end == period_end,
    )
    return session.scalars(stmt).first()


def pairing_reports_for_periods(
    session: Session, pairing_ids: list[int], period_ends: list[dt.date], scope: Scope
) -> list[PeriodicReport]:
    if not pairing_ids or not period_ends:
        return []
    stmt = select(PeriodicReport).where(
        PeriodicReport.scope == "pairing",
        PeriodicReport.pairing_id.in_(pairing_ids),
        PeriodicReport.period_end.in_(period_ends),
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt))


def university_pairings(session: Session, university_id: int) -> list[tuple[int, int, str]]:
    """``(pairing id, zone id, zone name)`` of the pairings a university is a member of."""
    stmt = (
        select(Pairing.id, Pairing.zone_id, Zone.name)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .join(Zone, Zone.id == Pairing.zone_id)
        .where(PairingUniversity.university_id == university_id)
        .order_by(Zone.name, Pairing.id)
    )
    return [(int(p), int(z), str(n)) for p, z, n in session.execute(stmt)]


def zone_reports_for_periods(
    session: Session, zone_ids: list[int], period_ends: list[dt.date], scope: Scope
) -> list[PeriodicReport]:
    if not zone_ids or not period_ends:
        return []
    stmt = select(PeriodicReport).where(
        PeriodicReport.scope == "zone",
        PeriodicReport.pairing_id.is_(None),
        PeriodicReport.zone_id.in_(zone_ids),
        PeriodicReport.period_end.in_(period_ends),
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt))


def reporting_zones(session: Session, zone_id: int | None = None) -> list[tuple[int, str]]:
    """The units asked to report: pilot zones (one zone when ``zone_id`` is given)."""
    stmt = select(Zone.id, Zone.name).where(Zone.is_pilot.is_(True)).order_by(Zone.name)
    if zone_id is not None:
        stmt = stmt.where(Zone.id == zone_id)
    return [(int(i), str(n)) for i, n in session.execute(stmt)]


def events(session: Session, report_id: int) -> list[ReportEvent]:
    # In the order they were written: two events of one request can share a timestamp.
    stmt = select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
    return list(session.scalars(stmt))


def reminder_exists(
    session: Session, zone_id: int, period_id: int, kind: str, as_of: dt.date
) -> bool:
    stmt = select(ReportReminder.id).where(
        ReportReminder.zone_id == zone_id,
        ReportReminder.period_id == period_id,
        ReportReminder.kind == kind,
        ReportReminder.as_of_date == as_of,
    )
    return session.scalar(stmt) is not None


def reminders(session: Session, as_of: dt.date | None = None) -> list[ReportReminder]:
    stmt = select(ReportReminder).order_by(ReportReminder.id)
    if as_of is not None:
        stmt = stmt.where(ReportReminder.as_of_date == as_of)
    return list(session.scalars(stmt))


def zone_name(session: Session, zone_id: int) -> str | None:
    return session.scalar(select(Zone.name).where(Zone.id == zone_id))
