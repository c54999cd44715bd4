"""Which units owe which reports, and the reminders of reports due and overdue.

A unit (a pilot zone) owes a report for every period the province set. For a day, each
(zone, period) is:

- ``done``: approved;  ``waiting``: submitted, waiting for the province;
- ``overdue``: not submitted and the due date has passed;
- ``due``: not submitted, the period has ended (or the due date is less than ``DUE_SOON_DAYS``
  away) and the due date has not passed;
- ``open``: the period is still running.

``send_reminders`` is the daily job (``shuanggao report remind``): it writes one reminder per
zone, period and kind (due/overdue) and day to the outbox table ``report_reminder`` and the audit
log — there is no mail server; whatever delivers mail reads the outbox. Running it twice on the
same day writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.reports import filling_repository as repo
from shuanggao.reports.models import PeriodicReport, ReportPeriod, ReportReminder
from shuanggao.reports.policy import ReportPolicy

DUE_SOON_DAYS = 14
State = Literal["done", "waiting", "due", "overdue", "open"]
STATE_LABELS: dict[str, str] = {
    "done": "已审核",
    "waiting": "待省级审核",
    "due": "待提交",
    "overdue": "已逾期",
    "open": "填报期未结束",
}


@dataclass(frozen=True)
class UnitStatus:
    zone_id: int
    zone_name: str
    period: ReportPeriod
    report: PeriodicReport | None
    state: State
    pairing_id: int | None = None

    @property
    def state_label(self) -> str:
        report = self.report
        if self.state in ("due", "overdue", "open") and report and report.return_comment:
            return f"{STATE_LABELS[self.state]}（已退回）"
        return STATE_LABELS[self.state]


def state_of(period: ReportPeriod, report: PeriodicReport | None, day: dt.date) -> State:
    if report is not None and report.status == "approved":
        return "done"
    if report is not None and report.status == "submitted":
        return "waiting"
    if day > period.due_date:
        return "overdue"
    if day >= period.period_end or (period.due_date - day).days < DUE_SOON_DAYS:
        return "due"
    return "open"


def unit_statuses(
    session: Session, actor: Actor, day: dt.date, *, zone_id: int | None = None
) -> list[UnitStatus]:
    """Every (zone, period begun by ``day``) the actor may see: a zone administrator its own
    zone; the province and auditors every pilot zone; a university administrator each of its
    university's pairings (pairing-level reports); other roles nothing."""
    if actor.role is Role.UNIVERSITY_ADMIN:
        return _pairing_statuses(session, actor, day)
    if actor.role is Role.ZONE_ADMIN:
        if actor.zone_id is None:
            return []
        zone_id = actor.zone_id
    elif not actor.sees_everything:
        return []
    zones = repo.reporting_zones(session, zone_id)
    periods = repo.periods(session, started_by=day)
    found = repo.zone_reports_for_periods(
        session,
        [z for z, _ in zones],
        [p.period_end for p in periods],
        ReportPolicy().read_filter(actor),
    )
    by_key = {(r.zone_id, r.period_end): r for r in found}
    out: list[UnitStatus] = []
    for period in periods:
        for zid, name in zones:
            report = by_key.get((zid, period.period_end))
            out.append(UnitStatus(zid, name, period, report, state_of(period, report, day)))
    return out


def _pairing_statuses(session: Session, actor: Actor, day: dt.date) -> list[UnitStatus]:
    if actor.university_id is None:
        return []
    pairs = repo.university_pairings(session, actor.university_id)
    periods = repo.periods(session, started_by=day)
    found = repo.pairing_reports_for_periods(
        session,
        [p for p, _, _ in pairs],
        [p.period_end for p in periods],
        ReportPolicy().read_filter(actor),
    )
    by_key = {(r.pairing_id, r.period_end): r for r in found}
    out: list[UnitStatus] = []
    for period in periods:
        for pairing_id, zone_id, zone_name in pairs:
            report = by_key.get((pairing_id, period.period_end))
            out.append(
                UnitStatus(
                    zone_id,
                    f"与{zone_name}的结对",
                    period,
                    report,
                    state_of(period, report, day),
                    pairing_id=pairing_id,
                )
            )
    return out


def _message(status: UnitStatus, day: dt.date) -> str:
    period = status.period
    if status.state == "overdue":
        late = (day - period.due_date).days
        return (
            f"{status.zone_name}：{period.title}填报已逾期 {late} 天"
            f"（截止 {period.due_date.isoformat()}），请尽快提交。"
        )
    return (
        f"{status.zone_name}：{period.title}填报请于 {period.due_date.isoformat()} 前提交"
        f"（还有 {(period.due_date - day).days} 天）。"
    )


def send_reminders(session: Session, day: dt.date) -> list[ReportReminder]:
    """The daily job: a reminder for every zone whose report is due or overdue on ``day``,
    written to the outbox and the audit log once per day. Returns the reminders written now."""
    actor = Actor.system()
    written: list[ReportReminder] = []
    for status in unit_statuses(session, actor, day):
        if status.state not in ("due", "overdue"):
            continue
        if repo.reminder_exists(session, status.zone_id, status.period.id, status.state, day):
            continue
        reminder = ReportReminder(
            zone_id=status.zone_id,
            period_id=status.period.id,
            kind=status.state,
            as_of_date=day,
            message=_message(status, day),
        )
        session.add(reminder)
        session.flush()
        audit.record(
            session,
            actor,
            "remind",
            "report_reminders",
            reminder.id,
            summary=f"填报提醒：{reminder.message}",
        )
        written.append(reminder)
    return written
