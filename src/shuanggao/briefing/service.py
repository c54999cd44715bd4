"""The briefing (工作简报) for the province's scheduling meetings: what it holds, from the domains'
services, always in the actor's scope. ``write_briefing`` renders it as .docx, .pdf or .xlsx.

Its figures (数说双高协同) are ``reports.service.compute_stats`` for the same date and zone, the
figures ``shuanggao stats --as-of`` prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.briefing import progress
from shuanggao.briefing import repository as repo
from shuanggao.briefing.errors import BriefingForbidden
from shuanggao.errors import ValidationFailed
from shuanggao.kit.register import get_register
from shuanggao.kit.service import read_scope
from shuanggao.matches.schemas import MatchState
from shuanggao.pairings import service as pairings
from shuanggao.pairings.schemas import CoverageRead
from shuanggao.pipeline.funnel import funnel as pipeline_funnel
from shuanggao.projects.schemas import ProjectStatus
from shuanggao.reports import service as reports
from shuanggao.reports.service import Figure, Stats

READERS = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR, Role.ZONE_ADMIN})
FORMATS = ("docx", "pdf", "xlsx")
TOP_MATCHES = 10
TOP_CASES = 10
LAGGING_ITEMS = 15
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class PilotRow:
    zone_id: int
    zone_name: str
    city: str
    figures: dict[str, Figure]


@dataclass(frozen=True)
class MatchRow:
    demand: str
    zone: str
    supply: str
    university: str
    score: float
    state_label: str


@dataclass(frozen=True)
class CaseRow:
    title: str
    zone: str
    university: str
    start_date: dt.date | None
    status: str
    description: str | None


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the collaboration funnel (``pipeline.funnel``) of the briefing's scope."""

    label: str
    reached: int
    conversion: float | None  # share of the stage before
    median_days: float | None  # from the stage before
    declined_here: int


@dataclass(frozen=True)
class Briefing:
    as_of: dt.date
    zone_id: int | None
    zone_name: str | None
    stats: Stats
    pilots: list[PilotRow]
    five_ones: list[progress.PilotProgress]
    task_areas: list[progress.TaskAreaProgress]
    coverage: CoverageRead | None
    lagging: list[progress.ItemNote]
    top_matches: list[MatchRow]
    cases: list[CaseRow]
    funnel: list[FunnelStage] = field(default_factory=list)
    stalled_days: int = progress.DEFAULT_STALLED_DAYS

    @property
    def scope_name(self) -> str:
        return self.zone_name or "全省"

    @property
    def title(self) -> str:
        day = self.as_of
        return f"“双高协同”工作简报（{self.scope_name}，截至{day.year}年{day.month}月{day.day}日）"


def _day_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL_TZ).astimezone(dt.UTC)


def _matches(session: Session, actor: Actor, as_of: dt.date, zone_id: int | None) -> list[MatchRow]:
    found = repo.top_matches(
        session,
        _day_end(as_of),
        read_scope(get_register("demands"), actor),
        read_scope(get_register("supply_items"), actor),
        zone_id,
        [s.value for s in MatchState if s is not MatchState.DISMISSED],
        TOP_MATCHES,
    )
    # Interested pairs first: they are what a meeting follows up.
    found.sort(key=lambda m: (m.state != MatchState.INTERESTED.value, -m.score, m.id))
    return [
        MatchRow(
            demand=m.demand.title,
            zone=m.demand.zone.name,
            supply=m.supply_item.title,
            university=m.supply_item.university.name,
            score=m.score,
            state_label=MatchState(m.state).label,
        )
        for m in found
    ]


def _cases(session: Session, actor: Actor, as_of: dt.date, zone_id: int | None) -> list[CaseRow]:
    found = repo.benchmark_projects(
        session, as_of, read_scope(get_register("projects"), actor), zone_id, TOP_CASES
    )
    return [
        CaseRow(
            title=p.title,
            zone=p.zone.name,
            university=p.university.name,
            start_date=p.start_date,
            status=ProjectStatus(p.status).label,
            description=p.description,
        )
        for p in found
    ]


def _funnel(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None
) -> list[FunnelStage]:
    """The collaboration funnel as of the date: the whole programme's, or the zone's group."""
    result = pipeline_funnel(session, actor, by="zone", as_of=as_of)
    if zone_id is None:
        group = result.overall
    else:
        found = [g for g in result.groups if g.key == str(zone_id)]
        if not found:
            return [FunnelStage(s.label, 0, None, None, 0) for s in result.overall.stages]
        group = found[0]
    return [
        FunnelStage(s.label, s.reached, s.conversion, s.median_days, s.declined_here)
        for s in group.stages
    ]


def build_briefing(
    session: Session,
    actor: Actor,
    as_of: dt.date,
    zone_id: int | None = None,
    *,
    stalled_days: int = progress.DEFAULT_STALLED_DAYS,
) -> Briefing:
    """The briefing as of ``as_of`` for the whole programme, or one zone (a zone administrator
    always gets their own zone's)."""
    if actor.role not in READERS:
        raise BriefingForbidden()
    if stalled_days < 1 or stalled_days > 3650:
        raise ValidationFailed(fields={"stalled_days": "停滞天数应为 1 到 3650 之间的整数"})
    zone_id = reports.resolve_zone(session, actor, zone_id)
    stats = reports.compute_stats(session, actor, as_of, zone_id)
    five_ones = progress.five_one_ranking(
        session, actor, as_of, zone_id=zone_id, stalled_days=stalled_days
    )
    pilot_zones: dict[int, tuple[str, str]] = {}
    for p in five_ones:
        pilot_zones.setdefault(p.zone_id, (p.zone_name, p.city))
    table = reports.zone_table(session, actor, as_of, list(pilot_zones))
    pilots = sorted(
        (
            PilotRow(zid, name, city, table[zid])
            for zid, (name, city) in pilot_zones.items()
            if zid in table
        ),
        key=lambda r: (r.city, r.zone_name),
    )
    lagging = sorted(
        (note for p in five_ones for note in p.stalled),
        key=lambda n: (-(n.days if n.days is not None else 10**6), n.zone_name, n.kind_label),
    )[:LAGGING_ITEMS]
    return Briefing(
        as_of=as_of,
        zone_id=zone_id,
        zone_name=stats.zone_name,
        stats=stats,
        pilots=pilots,
        five_ones=five_ones,
        task_areas=progress.task_area_progress(session, actor, as_of, zone_id=zone_id),
        coverage=pairings.coverage(session, actor, as_of) if zone_id is None else None,
        lagging=lagging,
        top_matches=_matches(session, actor, as_of, zone_id),
        cases=_cases(session, actor, as_of, zone_id),
        funnel=_funnel(session, actor, as_of, zone_id),
        stalled_days=stalled_days,
    )
