"""五个一 completeness per pilot and progress of the six task areas across pilots.

A pairing's 五个一 board has five slots (``programme.enums.FiveOneKind``); a slot has landed when
one of its items has, is in progress when one is. As of a date, an item counts with its
recorded status when its status date is on or before that date (or it has none); an item whose
status date is later was not yet recorded then and is left out. Completeness is landed slots
plus half of those in progress, over five.

An item is stalled when it has not landed and its last change (its status date, else the
pairing's start) is ``stalled_days`` or more before the date: the officer chases these at the
scheduling meeting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.briefing import repository as repo
from shuanggao.kit.register import get_register
from shuanggao.kit.service import read_scope
from shuanggao.pairings import service as pairings
from shuanggao.pairings.schemas import BoardRead, PilotElementRead
from shuanggao.programme.enums import FiveOneKind, ProgressStatus, TaskArea

DEFAULT_STALLED_DAYS = 90
_WEIGHT = {
    ProgressStatus.LANDED: Decimal(1),
    ProgressStatus.IN_PROGRESS: Decimal("0.5"),
    ProgressStatus.NOT_STARTED: Decimal(0),
}


@dataclass(frozen=True)
class SlotState:
    kind: FiveOneKind
    status: ProgressStatus

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class ItemNote:
    """A 五个一 item as the briefing cites it: stalled, or landed with dated evidence."""

    pairing_id: int
    zone_name: str
    kind: FiveOneKind
    title: str
    status: ProgressStatus
    last_change: dt.date | None
    days: int | None  # since the last change, as of the date
    evidence: str | None = None
    evidence_url: str | None = None

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class PilotProgress:
    pairing_id: int
    zone_id: int
    zone_name: str
    city: str
    universities: list[str]
    slots: list[SlotState]
    stalled: list[ItemNote] = field(default_factory=list)
    evidence: list[ItemNote] = field(default_factory=list)

    @property
    def landed(self) -> int:
        return sum(1 for s in self.slots if s.status is ProgressStatus.LANDED)

    @property
    def in_progress(self) -> int:
        return sum(1 for s in self.slots if s.status is ProgressStatus.IN_PROGRESS)

    @property
    def completeness(self) -> Decimal:
        """Percent, one decimal: landed slots and half of those in progress, over five."""
        score = sum((_WEIGHT[s.status] for s in self.slots), Decimal(0))
        return (score * 100 / len(FiveOneKind)).quantize(Decimal("0.1"))


def _slot_status(statuses: list[ProgressStatus]) -> ProgressStatus:
    if ProgressStatus.LANDED in statuses:
        return ProgressStatus.LANDED
    if ProgressStatus.IN_PROGRESS in statuses:
        return ProgressStatus.IN_PROGRESS
    return ProgressStatus.NOT_STARTED


def _pilot(board: BoardRead, as_of: dt.date, stalled_days: int) -> PilotProgress:
    pairing = board.pairing
    slots: list[SlotState] = []
    stalled: list[ItemNote] = []
    evidence: list[ItemNote] = []
    for slot in board.slots:
        known: list[PilotElementRead] = [
            i for i in slot.items if i.status_date is None or i.status_date <= as_of
        ]
        slots.append(SlotState(slot.kind, _slot_status([ProgressStatus(i.status) for i in known])))
        for item in known:
            status = ProgressStatus(item.status)
            last = item.status_date or pairing.start_date
            days = (as_of - last).days if last is not None and last <= as_of else None
            note = ItemNote(
                pairing_id=pairing.id,
                zone_name=pairing.zone_name,
                kind=slot.kind,
                title=item.title,
                status=status,
                last_change=last,
                days=days,
                evidence=item.evidence,
                evidence_url=item.evidence_url,
            )
            if status is not ProgressStatus.LANDED and (days is None or days >= stalled_days):
                stalled.append(note)
            if item.evidence and item.status_date is not None:
                evidence.append(note)
    stalled.sort(key=lambda n: (-(n.days if n.days is not None else 10**6), n.kind_label))
    evidence.sort(key=lambda n: n.last_change or dt.date.min, reverse=True)
    return PilotProgress(
        pairing_id=pairing.id,
        zone_id=pairing.zone_id,
        zone_name=pairing.zone_name,
        city=pairing.zone_city,
        universities=list(pairing.university_names),
        slots=slots,
        stalled=stalled,
        evidence=evidence,
    )


def five_one_ranking(
    session: Session,
    actor: Actor,
    as_of: dt.date,
    *,
    zone_id: int | None = None,
    stalled_days: int = DEFAULT_STALLED_DAYS,
) -> list[PilotProgress]:
    """Every pairing the actor may read that started by ``as_of`` (of one zone, or all),
    ranked by 五个一 completeness, then landed slots, then city and zone."""
    boards = [
        b
        for b in pairings.get_boards(session, actor)
        if (zone_id is None or b.pairing.zone_id == zone_id)
        and (b.pairing.start_date is None or b.pairing.start_date <= as_of)
        and b.pairing.status != "terminated"
    ]
    pilots = [_pilot(b, as_of, stalled_days) for b in boards]
    pilots.sort(key=lambda p: (-p.completeness, -p.landed, p.city, p.zone_name, p.pairing_id))
    return pilots


@dataclass(frozen=True)
class TaskAreaProgress:
    area: TaskArea
    projects: int
    platforms: int
    services: int
    pilots: int  # zones with at least one record of the area

    @property
    def label(self) -> str:
        return self.area.label

    @property
    def total(self) -> int:
        return self.projects + self.platforms + self.services


def task_area_progress(
    session: Session, actor: Actor, as_of: dt.date, *, zone_id: int | None = None
) -> list[TaskAreaProgress]:
    """For each of the six task areas: projects started, platforms established and enterprise
    services given by ``as_of`` (in the actor's scope), and how many zones have any."""
    projects = repo.projects_per_area(
        session, as_of, read_scope(get_register("projects"), actor), zone_id
    )
    platforms = repo.platforms_per_area(
        session, as_of, read_scope(get_register("platforms"), actor), zone_id
    )
    services = repo.services_per_area(
        session, as_of, read_scope(get_register("enterprise_services"), actor), zone_id
    )
    zones: dict[str, set[int]] = defaultdict(set)
    for counted in (projects, platforms, services):
        for area, zid in counted:
            zones[area].add(zid)

    def total(counted: repo.PerAreaZone, area: str) -> int:
        return sum(n for (a, _), n in counted.items() if a == area)

    return [
        TaskAreaProgress(
            area=area,
            projects=total(projects, area.value),
            platforms=total(platforms, area.value),
            services=total(services, area.value),
            pilots=len(zones[area.value]),
        )
        for area in TaskArea
    ]
