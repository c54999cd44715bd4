"""Use cases of the reports domain: the report workflow (submit → approve, or return) and the
programme statistics (数说双高协同) that set approved reported figures beside record counts."""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.errors import NotFound, ValidationFailed
from shuanggao.funds import repository as funds_repo
from shuanggao.kit.register import get_register
from shuanggao.kit.service import read_scope
from shuanggao.reports import repository as repo
from shuanggao.reports.errors import UnknownZone
from shuanggao.reports.models import FIGURE_NAMES, PeriodicReport
from shuanggao.reports.registers import reports
from shuanggao.reports.schemas import FIGURE_LABELS, FIGURE_UNITS
from shuanggao.reports.workflow import approve_report, return_report, submit_report
from shuanggao.talent import repository as talent_repo
from shuanggao.talent import service as talent_service

# The report workflow lives in ``reports.workflow``; these names stay importable from here.
__all__ = ["approve_report", "return_report", "submit_report"]

# ---- statistics -------------------------------------------------------------------------------


Source = Literal["reports", "records"]
Number = int | Decimal


def json_number(value: Number) -> int | float:
    """A figure as a JSON number: whole values as integers, yuan with fen as a float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(frozen=True)
class Figure:
    name: str
    value: Number
    source: Source
    records: Number
    qualifier: str | None = None
    report_id: int | None = None
    report_as_of: dt.date | None = None

    @property
    def label(self) -> str:
        return FIGURE_LABELS[self.name]

    @property
    def unit(self) -> str:
        return FIGURE_UNITS[self.name]

    @property
    def gap(self) -> Number:
        """Reported minus recorded (0 when the value comes from records)."""
        return self.value - self.records

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": json_number(self.value),
            "source": self.source,
            "records": json_number(self.records),
            "label": self.label,
            "unit": self.unit,
        }
        if self.source == "reports":
            out["qualifier"] = self.qualifier
            out["report_id"] = self.report_id
            out["report_as_of"] = self.report_as_of.isoformat() if self.report_as_of else None
        return out


@dataclass(frozen=True)
class Stats:
    as_of: dt.date
    zone_id: int | None
    zone_name: str | None
    figures: dict[str, Figure] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "zone_id": self.zone_id,
            "zone_name": self.zone_name,
            "figures": {name: fig.to_json() for name, fig in self.figures.items()},
        }


def _scope(name: str, actor: Actor) -> Any:
    return read_scope(get_register(name), actor)


def resolve_zone(session: Session, actor: Actor, zone_id: int | None) -> int | None:
    """The zone the statistics cover: a zone administrator's own zone, whatever was asked."""
    if actor.role is Role.ZONE_ADMIN:
        if actor.zone_id is None or (zone_id is not None and zone_id != actor.zone_id):
            raise UnknownZone()
        return actor.zone_id
    if zone_id is not None and repo.zone_name(session, zone_id) is None:
        raise UnknownZone()
    return zone_id


def _running(
    dated: Sequence[tuple[dt.date, Number]], days: Sequence[dt.date], zero: Number
) -> list[Number]:
    """For each day, the sum of the values dated on or before it."""
    ordered = sorted(dated, key=lambda pair: pair[0])
    dates = [day for day, _ in ordered]
    totals: list[Number] = [zero]
    for _, value in ordered:
        totals.append(totals[-1] + value)
    return [totals[bisect_right(dates, day)] for day in days]


def _first_by(
    firsts: dict[int, dt.date], always: set[int], days: Sequence[dt.date]
) -> list[Number]:
    """For each day, the ids counted from their first day on, with ``always`` counted throughout."""
    return [len(always | {key for key, first in firsts.items() if first <= day}) for day in days]


def record_series(
    session: Session, actor: Actor, days: Sequence[dt.date], zone_id: int | None
) -> list[dict[str, Number]]:
    """For each day, the count or sum of records for each figure, as of that day, in the actor's
    scope. One query per figure, whatever the number of days."""
    until = max(days)
    pairing_scope = _scope("pairings", actor)
    pilot_flags = actor.sees_everything or actor.role is Role.ZONE_ADMIN
    pilot_zones = repo.pilot_zone_ids(session, zone_id) if pilot_flags else set()
    # Pilot universities count programme-wide only.
    pilot_universities = (
        repo.pilot_university_ids(session) if pilot_flags and zone_id is None else set()
    )
    residents = talent_repo.presence_spans(
        session, until, scope=talent_service.count_scope(actor), zone_id=zone_id
    )
    series: dict[str, list[Number]] = {
        "zones": _first_by(
            repo.zones_first_paired(session, until, pairing_scope, zone_id), pilot_zones, days
        ),
        "universities": _first_by(
            repo.universities_first_paired(session, until, pairing_scope, zone_id),
            pilot_universities,
            days,
        ),
        # A university's own users count the pairs their university is in.
        "pairings": _running(
            repo.pairs_by_start(
                session,
                until,
                pairing_scope,
                zone_id,
                None if actor.sees_everything else actor.university_id,
            ),
            days,
            0,
        ),
        "projects": _running(
            repo.projects_by_start(session, until, _scope("projects", actor), zone_id), days, 0
        ),
        "platforms": _running(
            repo.platforms_by_establishment(session, until, _scope("platforms", actor), zone_id),
            days,
            0,
        ),
        "residents": [
            sum(n for start, end, n in residents if start <= day and (end is None or end >= day))
            for day in days
        ],
        "enterprises_served": _running(
            repo.enterprises_by_first_service(
                session, until, _scope("enterprise_services", actor), zone_id
            ),
            days,
            0,
        ),
        "funding_yuan": [
            Decimal(total).quantize(Decimal("0.01"))
            for total in _running(
                funds_repo.funding_by_date(
                    session, until, scope=_scope("fundings", actor), zone_id=zone_id
                ),
                days,
                Decimal(0),
            )
        ],
    }
    return [{name: values[i] for name, values in series.items()} for i in range(len(days))]


def record_figures(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None
) -> dict[str, Number]:
    """The count or sum of records for each figure, as of ``as_of``, in the actor's scope."""
    return record_series(session, actor, [as_of], zone_id)[0]


def compute_stats(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None = None
) -> Stats:
    """The programme's figures as of ``as_of`` (the whole programme, or one zone).

    For each figure, ``value`` is the figure of the latest approved report of the same scope
    (programme-wide without a zone, zone-level with one) whose ``as_of_date`` is on or before
    ``as_of`` and that reports this figure; otherwise the records' count or sum. ``records`` is
    always the records' count or sum. Reports are used only where the actor's records cover the
    whole scope (the province and auditors; a zone administrator for its zone); other roles see
    the records of their own tenancy.
    """
    zone_id = resolve_zone(session, actor, zone_id)
    return _stats_at(session, actor, [as_of], zone_id)[0]


def _stats_at(
    session: Session, actor: Actor, days: Sequence[dt.date], zone_id: int | None
) -> list[Stats]:
    """``compute_stats`` for each of ``days`` (``zone_id`` already resolved), in a fixed number
    of queries."""
    counted = record_series(session, actor, days, zone_id)
    whole_scope = actor.sees_everything or actor.role is Role.ZONE_ADMIN
    reports_until = (
        repo.approved_reports(session, read_scope(reports, actor), zone_id=zone_id, as_of=max(days))
        if whole_scope
        else []
    )
    name_of_zone = repo.zone_name(session, zone_id) if zone_id is not None else None
    out: list[Stats] = []
    for day, records in zip(days, counted, strict=True):
        candidates = [r for r in reports_until if r.as_of_date <= day]
        out.append(
            Stats(
                as_of=day,
                zone_id=zone_id,
                zone_name=name_of_zone,
                figures=_figures(records, candidates),
            )
        )
    return out


# The figures a city's table shows for each of its zones.
ZONE_TABLE_FIGURES = (
    "pairings",
    "projects",
    "platforms",
    "residents",
    "enterprises_served",
    "funding_yuan",
)


def zone_table(
    session: Session, actor: Actor, as_of: dt.date, zone_ids: Sequence[int]
) -> dict[int, dict[str, Figure]]:
    """``compute_stats(zone).figures`` of each zone for ``ZONE_TABLE_FIGURES``, in one query
    per figure (a city's table), not one set of queries per zone."""
    ids = list(zone_ids)
    if actor.role is Role.ZONE_ADMIN and any(z != actor.zone_id for z in ids):
        raise UnknownZone()
    if not ids:
        return {}
    pairs = repo.pairs_per_zone(
        session,
        as_of,
        _scope("pairings", actor),
        ids,
        None if actor.sees_everything else actor.university_id,
    )
    projects = repo.projects_per_zone(session, as_of, _scope("projects", actor), ids)
    platforms = repo.platforms_per_zone(session, as_of, _scope("platforms", actor), ids)
    residents = talent_repo.present_per_zone(
        session, as_of, scope=talent_service.count_scope(actor), zone_ids=ids
    )
    served = repo.enterprises_served_per_zone(
        session, as_of, _scope("enterprise_services", actor), ids
    )
    funding = funds_repo.funding_per_zone(
        session, as_of, scope=_scope("fundings", actor), zone_ids=ids
    )
    whole_scope = actor.sees_everything or actor.role is Role.ZONE_ADMIN
    reported = (
        repo.approved_zone_reports(session, read_scope(reports, actor), ids, as_of)
        if whole_scope
        else []
    )
    out: dict[int, dict[str, Figure]] = {}
    for zid in ids:
        counted: dict[str, Number] = {
            "pairings": pairs.get(zid, 0),
            "projects": projects.get(zid, 0),
            "platforms": platforms.get(zid, 0),
            "residents": residents.get(zid, 0),
            "enterprises_served": served.get(zid, 0),
            "funding_yuan": funding.get(zid, Decimal("0.00")),
        }
        candidates = [r for r in reported if r.zone_id == zid]
        out[zid] = _figures(counted, candidates, ZONE_TABLE_FIGURES)
    return out


def _figures(
    counted: dict[str, Number],
    candidates: list[PeriodicReport],
    names: Sequence[str] = FIGURE_NAMES,
) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    for name in names:
        report = next((r for r in candidates if r.figure(name) is not None), None)
        if report is not None:
            reported = report.figure(name)
            assert reported is not None
            figures[name] = Figure(
                name=name,
                value=reported,
                source="reports",
                records=counted[name],
                qualifier=(report.qualifiers or {}).get(name),
                report_id=report.id,
                report_as_of=report.as_of_date,
            )
        else:
            figures[name] = Figure(
                name=name, value=counted[name], source="records", records=counted[name]
            )
    return figures


MAX_POINTS = 120
Step = Literal["month", "quarter"]


def period_ends(start: dt.date, end: dt.date, step: Step) -> list[dt.date]:
    """Month-ends (or quarter-ends) from ``start`` to ``end``; ``end`` itself closes the series
    when it is not one."""
    months = 1 if step == "month" else 3
    points: list[dt.date] = []
    year, month = start.year, start.month
    if step == "quarter":
        month = ((month - 1) // 3) * 3 + 3
    while True:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            break
        if last >= start:
            points.append(last)
        month += months
        if month > 12:
            year, month = year + 1, month - 12
        if year > dt.MAXYEAR:
            break
    if not points or points[-1] != end:
        points.append(end)
    return points


def compute_series(
    session: Session,
    actor: Actor,
    start: dt.date,
    end: dt.date,
    *,
    step: Step = "month",
    zone_id: int | None = None,
) -> list[Stats]:
    """The figures at each month-end (or quarter-end) in ``start..end``, for trend charts."""
    if end < start:
        raise ValidationFailed(fields={"to": "结束日期不能早于开始日期"})
    months = (end.year - start.year) * 12 + end.month - start.month
    dates = period_ends(start, end, step) if months <= MAX_POINTS * 3 else []
    if not dates or len(dates) > MAX_POINTS:
        raise ValidationFailed(fields={"to": f"时间跨度过长（最多 {MAX_POINTS} 个时间点）"})
    zone_id = resolve_zone(session, actor, zone_id)
    return _stats_at(session, actor, dates, zone_id)


def find_zone_id(session: Session, name: str) -> int:
    """A zone by its name (or full name) for the CLI; refuses an unknown one."""
    found = repo.zone_id_by_name(session, name)
    if found is None:
        raise NotFound(f"高新区“{name}”不存在，请检查名称。")
    return found
