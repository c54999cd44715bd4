"""Queries of the planner: the rows the affinity of zones and universities is computed from.

Each query reads plain columns (no ORM objects), so a province-wide computation is a handful of
queries however many zones and universities there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.demand.models import Demand
from shuanggao.matches.models import Match
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.programme.models import ProgrammeFact, ProgrammeFactUniversity
from shuanggao.projects.models import Project
from shuanggao.reference.models import Discipline, Industry
from shuanggao.supply.models import SupplyItem
from shuanggao.talent.models import Resident
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


@dataclass(frozen=True)
class ZoneRow:
    id: int
    name: str
    city: str
    level: str
    industry_codes: tuple[str, ...]
    profile: str


@dataclass(frozen=True)
class UniversityRow:
    id: int
    name: str
    city: str
    discipline_codes: tuple[str, ...]


@dataclass(frozen=True)
class DemandRow:
    id: int
    zone_id: int
    title: str
    industry_code: str | None
    chain_node: str | None


@dataclass(frozen=True)
class ItemCodes:
    id: int
    university_id: int
    title: str
    discipline_codes: tuple[str, ...]
    industry_codes: tuple[str, ...]
    is_public: bool


def zones(session: Session) -> list[ZoneRow]:
    stmt = select(
        Zone.id,
        Zone.name,
        Zone.city,
        Zone.level,
        Zone.industry_codes,
        Zone.leading_industries,
        Zone.future_industries,
    ).order_by(Zone.id)
    return [
        ZoneRow(
            r.id,
            r.name,
            r.city,
            r.level,
            tuple(r.industry_codes or ()),
            "\n".join(t for t in (r.leading_industries, r.future_industries) if t),
        )
        for r in session.execute(stmt)
    ]


def zone(session: Session, zone_id: int) -> ZoneRow | None:
    row = session.get(Zone, zone_id)
    if row is None:
        return None
    profile = "\n".join(t for t in (row.leading_industries, row.future_industries) if t)
    return ZoneRow(row.id, row.name, row.city, row.level, tuple(row.industry_codes or ()), profile)


def candidate_universities(session: Session, province: str) -> list[UniversityRow]:
    """The province's universities and any university already in a pairing."""
    members = select(PairingUniversity.university_id)
    stmt = select(University.id, University.name, University.city, University.discipline_codes)
    stmt = stmt.where(or_(University.province == province, University.id.in_(members)))
    stmt = stmt.order_by(University.id)
    return [
        UniversityRow(r.id, r.name, r.city, tuple(r.discipline_codes or ()))
        for r in session.execute(stmt)
    ]


def university(session: Session, university_id: int) -> UniversityRow | None:
    row = session.get(University, university_id)
    if row is None:
        return None
    return UniversityRow(row.id, row.name, row.city, tuple(row.discipline_codes or ()))


def demands(session: Session, zone_ids: Sequence[int]) -> list[DemandRow]:
    stmt = (
        select(Demand.id, Demand.zone_id, Demand.title, Demand.industry_code, Demand.chain_node)
        .where(Demand.zone_id.in_(list(zone_ids)))
        .order_by(Demand.id)
    )
    return [
        DemandRow(r.id, r.zone_id, r.title, r.industry_code, r.chain_node)
        for r in session.execute(stmt)
    ]


def demands_by_id(session: Session, ids: Sequence[int]) -> list[Demand]:
    """The ORM demands (for the index's query text)."""
    if not ids:
        return []
    return list(session.scalars(select(Demand).where(Demand.id.in_(list(ids)))))


def item_codes(session: Session) -> list[ItemCodes]:
    stmt = select(
        SupplyItem.id,
        SupplyItem.university_id,
        SupplyItem.title,
        SupplyItem.discipline_codes,
        SupplyItem.industry_codes,
        SupplyItem.is_public,
    )
    return [
        ItemCodes(
            r.id,
            r.university_id,
            r.title,
            tuple(r.discipline_codes or ()),
            tuple(r.industry_codes or ()),
            bool(r.is_public),
        )
        for r in session.execute(stmt)
    ]


def judged_matches(session: Session, states: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(demand industry code, supply discipline codes) of stored matches in ``states``."""
    stmt = (
        select(Demand.industry_code, SupplyItem.discipline_codes)
        .join(Match, Match.demand_id == Demand.id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(Match.state.in_(list(states)), Demand.industry_code.is_not(None))
    )
    return [(str(r[0]), tuple(r[1] or ())) for r in session.execute(stmt)]


def pairs_as_of(session: Session, as_of: dt.date, ended: Sequence[str]) -> list[tuple[int, int]]:
    """(zone id, university id) of every pairing started by ``as_of`` and not ended."""
    stmt = (
        select(Pairing.zone_id, PairingUniversity.university_id)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(
            Pairing.start_date.is_not(None),
            Pairing.start_date <= as_of,
            Pairing.status.not_in(list(ended)),
        )
        .distinct()
    )
    return [(int(r[0]), int(r[1])) for r in session.execute(stmt)]


def project_counts(session: Session) -> dict[tuple[int, int], int]:
    stmt = select(Project.zone_id, Project.university_id, func.count()).group_by(
        Project.zone_id, Project.university_id
    )
    return {(int(z), int(u)): int(n) for z, u, n in session.execute(stmt)}


def resident_counts(session: Session) -> dict[tuple[int, int], int]:
    stmt = select(Resident.zone_id, Resident.university_id, func.count()).group_by(
        Resident.zone_id, Resident.university_id
    )
    return {(int(z), int(u)): int(n) for z, u, n in session.execute(stmt)}


def fact_counts(session: Session) -> dict[tuple[int, int], int]:
    """Public programme facts (events, agreements, platforms ...) naming a zone and a university."""
    stmt = (
        select(ProgrammeFact.zone_id, ProgrammeFactUniversity.university_id, func.count())
        .join(ProgrammeFactUniversity, ProgrammeFactUniversity.fact_id == ProgrammeFact.id)
        .where(ProgrammeFact.zone_id.is_not(None))
        .group_by(ProgrammeFact.zone_id, ProgrammeFactUniversity.university_id)
    )
    return {(int(z or 0), int(u)): int(n) for z, u, n in session.execute(stmt)}


def industry_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    stmt = select(Industry.code, Industry.name).where(Industry.code.in_(list(codes)))
    return {str(c): str(n) for c, n in session.execute(stmt)}


def discipline_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    stmt = select(Discipline.code, Discipline.name).where(Discipline.code.in_(list(codes)))
    return {str(c): str(n) for c, n in session.execute(stmt)}


def data_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a row the affinity reads is written: counts and last update times."""
    parts: list[Any] = []
    for model in (Zone, University, Demand, SupplyItem, Pairing, Project, Resident, ProgrammeFact):
        parts.append(select(func.count(), func.max(model.updated_at)).select_from(model))
    parts.append(select(func.count(), func.max(Match.updated_at)).select_from(Match))
    parts.append(select(func.count(), func.max(PairingUniversity.pairing_id)))
    out: list[Any] = []
    for stmt in parts:
        out.extend(session.execute(stmt).one())
    return tuple(str(v) for v in out)


def visible_item_ids(
    session: Session, ids: Sequence[int], scope: ColumnElement[bool] | None
) -> set[int]:
    if not ids:
        return set()
    stmt = select(SupplyItem.id).where(SupplyItem.id.in_(list(ids)))
    if scope is not None:
        stmt = stmt.where(scope)
    return {int(i) for i in session.scalars(stmt)}


def visible_demand_ids(
    session: Session, ids: Sequence[int], scope: ColumnElement[bool] | None
) -> set[int]:
    if not ids:
        return set()
    stmt = select(Demand.id).where(Demand.id.in_(list(ids)))
    if scope is not None:
        stmt = stmt.where(scope)
    return {int(i) for i in session.scalars(stmt)}


def zone_ids_by_name(session: Session, names: Sequence[str]) -> dict[str, int]:
    stmt = select(Zone.name, Zone.id).where(Zone.name.in_(list(names)))
    return {str(n): int(i) for n, i in session.execute(stmt)}


def university_ids_by_name_or_code(session: Session, texts: Sequence[str]) -> dict[str, int]:
    wanted = list(texts)
    stmt = select(University.name, University.code, University.id).where(
        or_(University.name.in_(wanted), University.code.in_(wanted))
    )
    out: dict[str, int] = {}
    for name, code, uid in session.execute(stmt):
        out[str(name)] = int(uid)
        out[str(code)] = int(uid)
    return out
