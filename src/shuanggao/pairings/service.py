"""Pairing use cases beyond the generic register: upsert for loaders, the 五个一 board, coverage."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.kit import service as kit
from shuanggao.pairings import repository as repo
from shuanggao.pairings.models import Pairing, PilotElement
from shuanggao.pairings.policy import PAIRING_POLICY
from shuanggao.pairings.registers import pairings as pairing_register
from shuanggao.pairings.schemas import (
    BoardRead,
    BoardSlot,
    BoardSummary,
    BoardSummarySlot,
    CoverageGroup,
    CoverageRead,
    CoverageZone,
    PairingCreate,
    PairingRead,
    PairingStatus,
    PairingUpdate,
    PilotElementRead,
)
from shuanggao.programme.enums import FULL_COVERAGE_TARGET_YEAR, Batch, FiveOneKind, ProgressStatus
from shuanggao.programme.service import zone_target
from shuanggao.zones.schemas import ZoneLevel

# Zones the 2027 target covers: every zone at provincial level or above.
TARGET_LEVELS = (ZoneLevel.NATIONAL.value, ZoneLevel.PROVINCIAL.value)
_LEVEL_ORDER = {ZoneLevel.NATIONAL.value: 0, ZoneLevel.PROVINCIAL.value: 1}


def create_or_update_pairing(
    session: Session,
    actor: Actor,
    zone_id: int,
    university_ids: list[int],
    batch: Batch | str,
    *,
    lead_university_id: int | None = None,
    lead_unknown: bool = False,
    replace_universities: bool = False,
    start_date: dt.date | None = None,
    status: PairingStatus | str | None = None,
    industry_direction: str | None = None,
    industry_codes: list[str] | None = None,
    emerging_codes: list[str] | None = None,
    source_url: str | None = None,
    source_date: dt.date | None = None,
    note: str | None = None,
    is_demo: bool = False,
) -> Pairing:
    """Create the zone's pairing of ``batch``, or update it (idempotent, scoped and audited).

    ``lead_unknown`` creates the pairing without a lead when no source names one (otherwise the
    first listed university leads). On update, ``university_ids`` are added to the existing
    members (so loaders can feed one zone–university row at a time) unless
    ``replace_universities``; fields given as None keep their current value, and nothing is
    written when nothing changes.
    """
    batch_value = Batch(Batch.parse(batch)).value
    existing = repo.find_pairing(session, zone_id, batch_value)
    fields: dict[str, Any] = {
        "start_date": start_date,
        "status": status,
        "industry_direction": industry_direction,
        "industry_codes": industry_codes,
        "emerging_codes": emerging_codes,
        "source_url": source_url,
        "source_date": source_date,
        "note": note,
    }
    given = {k: v for k, v in fields.items() if v is not None}
    if existing is None:
        payload = PairingCreate.model_validate(
            {
                "zone_id": zone_id,
                "batch": batch_value,
                "university_ids": university_ids,
                "lead_university_id": lead_university_id,
                "lead_unknown": lead_unknown and lead_university_id is None,
                **given,
            }
        )
        return kit.create_record(session, actor, pairing_register, payload, is_demo=is_demo)
    ids = list(university_ids) if replace_universities else existing.university_ids
    if not replace_universities:
        ids += [uid for uid in university_ids if uid not in ids]
    current = PairingRead.model_validate(existing, from_attributes=True).model_dump()
    changes: dict[str, Any] = {}
    update = PairingUpdate.model_validate(
        {
            **given,
            "university_ids": ids,
            **({"lead_university_id": lead_university_id} if lead_university_id else {}),
        }
    ).model_dump(exclude_unset=True)
    for key, value in update.items():
        if key == "university_ids":
            if value != existing.university_ids:
                changes[key] = value
        elif key == "lead_university_id":
            if value != existing.lead_university_id:
                changes[key] = value
        elif current.get(key) != value:
            changes[key] = value
    if not changes:
        return existing
    return kit.update_record(
        session, actor, pairing_register, existing.id, changes, expected_version=existing.version
    )


def get_board(session: Session, actor: Actor, pairing_id: int) -> BoardRead:
    """The 五个一 board of a pairing: five slots, each with its items (scoped: 404 outside)."""
    pairing = kit.get_record(session, actor, pairing_register, pairing_id)
    return _board(pairing, repo.elements_of_pairing(session, pairing.id))


def get_boards(session: Session, actor: Actor) -> list[BoardRead]:
    """The boards of every pairing the actor may read, by id (a fixed number of queries)."""
    pairings = kit.list_all_records(session, actor, pairing_register, sort="id")
    items: dict[int, list[PilotElement]] = {p.id: [] for p in pairings}
    for item in repo.elements_of_pairings(session, list(items)):
        items[item.pairing_id].append(item)
    return [_board(pairing, items[pairing.id]) for pairing in pairings]


def _board(pairing: Pairing, items: list[PilotElement]) -> BoardRead:
    slots: list[BoardSlot] = []
    for kind in FiveOneKind:
        own = [i for i in items if i.kind == kind.value]
        status = _slot_status([ProgressStatus(i.status) for i in own])
        slots.append(
            BoardSlot(
                kind=kind,
                kind_label=kind.label,
                status=status,
                status_label=status.label,
                items=[PilotElementRead.model_validate(i, from_attributes=True) for i in own],
            )
        )
    return BoardRead(
        pairing=PairingRead.model_validate(pairing, from_attributes=True),
        slots=slots,
        landed=sum(1 for s in slots if s.status is ProgressStatus.LANDED),
    )


def list_boards(
    session: Session, actor: Actor, batch: Batch | str | None = None
) -> list[BoardSummary]:
    """The 五个一 progress of every pairing the actor may read (two queries, however many)."""
    batch_value = Batch(Batch.parse(batch)).value if batch else None
    pairings = repo.pairings_in_scope(session, PAIRING_POLICY.read_filter(actor), batch_value)
    statuses: dict[tuple[int, str], list[ProgressStatus]] = {}
    for pairing_id, kind, status in repo.element_statuses(session, [p.id for p in pairings]):
        statuses.setdefault((pairing_id, kind), []).append(ProgressStatus(status))
    out: list[BoardSummary] = []
    for pairing in pairings:
        slots = [
            BoardSummarySlot(
                kind=kind,
                status=_slot_status(statuses.get((pairing.id, kind.value), [])),
                items=len(statuses.get((pairing.id, kind.value), [])),
            )
            for kind in FiveOneKind
        ]
        out.append(
            BoardSummary(
                pairing_id=pairing.id,
                title=pairing.title,
                zone_id=pairing.zone_id,
                zone_name=pairing.zone_name,
                batch=Batch(pairing.batch),
                status=PairingStatus(pairing.status),
                slots=slots,
                landed=sum(1 for s in slots if s.status is ProgressStatus.LANDED),
            )
        )
    return out


def _slot_status(statuses: list[ProgressStatus]) -> ProgressStatus:
    """A slot has landed when one of its items has; it is in progress when one item is."""
    if ProgressStatus.LANDED in statuses:
        return ProgressStatus.LANDED
    if ProgressStatus.IN_PROGRESS in statuses:
        return ProgressStatus.IN_PROGRESS
    return ProgressStatus.NOT_STARTED


def coverage(session: Session, actor: Actor, as_of: dt.date) -> CoverageRead:
    """Zones paired as of a date against the programme's total of national and provincial zones
    (the 2027 target: 61, a sourced baseline fact); registered zones are listed by city and level.

    A zone counts as paired when one of its pairings started on or before ``as_of`` and has not
    been terminated. Which zones are paired is a published programme fact, so every signed-in
    role sees the same figures (no pairing record is disclosed, only zone names).
    """
    # Sorted here, not in SQL, so SQLite and PostgreSQL (collations differ) list the same order.
    zones = sorted(
        repo.zones_in_levels(session, TARGET_LEVELS),
        key=lambda z: (z.city, _LEVEL_ORDER.get(z.level, 9), z.name),
    )
    paired_ids = repo.zone_ids_paired_as_of(session, as_of, [PairingStatus.TERMINATED.value])
    # The denominator is the programme's stated total (a sourced baseline fact), not the
    # register: zones not registered yet count as unpaired.
    target = zone_target(session)
    registered = len(zones)
    total = max(target.total, registered)
    paired = [z for z in zones if z.id in paired_ids]
    unpaired = [z for z in zones if z.id not in paired_ids]
    city_total = Counter(z.city for z in zones)
    city_paired = Counter(z.city for z in paired)
    level_total = Counter(z.level for z in zones)
    level_paired = Counter(z.level for z in paired)
    years_left = max(FULL_COVERAGE_TARGET_YEAR - as_of.year + 1, 0)
    remaining = total - len(paired)
    needed = round(remaining / years_left, 1) if years_left else float(remaining)
    return CoverageRead(
        as_of=as_of,
        target_year=FULL_COVERAGE_TARGET_YEAR,
        zones_total=total,
        zones_paired=len(paired),
        zones_unpaired=remaining,
        zones_registered=registered,
        zones_unregistered=total - registered,
        target_source=target.source_url,
        coverage_percent=round(len(paired) * 100 / total, 1) if total else 0.0,
        years_left=years_left,
        needed_per_year=needed,
        by_city=[
            CoverageGroup(
                key=city,
                total=city_total[city],
                paired=city_paired[city],
                unpaired=city_total[city] - city_paired[city],
            )
            for city in sorted(city_total)
        ],
        by_level=[
            CoverageGroup(
                key=ZoneLevel(level).label,
                total=level_total[level],
                paired=level_paired[level],
                unpaired=level_total[level] - level_paired[level],
            )
            for level in sorted(level_total, key=lambda lv: _LEVEL_ORDER.get(lv, 9))
        ],
        paired_zones=[
            CoverageZone(id=z.id, name=z.name, city=z.city, level=z.level) for z in paired
        ],
        unpaired_zones=[
            CoverageZone(id=z.id, name=z.name, city=z.city, level=z.level) for z in unpaired
        ],
    )
