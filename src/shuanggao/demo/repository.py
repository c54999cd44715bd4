"""Queries of the demo loader."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shuanggao.db.base import Base
from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import Enterprise
from shuanggao.kit.register import all_registers
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.platforms.models import Platform
from shuanggao.projects.models import Project
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


def demo_models() -> list[type[Any]]:
    """Every mapped class that has an ``is_demo`` column."""
    out = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if "is_demo" in mapper.columns:
            out.append(cls)
    return sorted(out, key=lambda c: c.__name__)


def id_by_natural_key(
    session: Session, model: Any, key: tuple[str, ...], values: Any
) -> int | None:
    """The id of the row whose natural-key columns equal ``values`` (NULL matches NULL)."""
    stmt = select(model.id)
    for attr in key:
        stmt = stmt.where(getattr(model, attr) == values.get(attr))
    found = session.scalar(stmt.limit(1))
    return int(found) if found is not None else None


def has_demo_rows(session: Session) -> bool:
    """Whether any register holds demo rows (demo sign-in accounts do not count: they are
    created by ``shuanggao user demo-accounts``, not by the demo loader)."""
    registered = {reg.model for reg in all_registers()}
    for model in demo_models():
        if model not in registered:
            continue
        if session.scalar(select(exists().where(model.is_demo.is_(True)))):
            return True
    return False


def zones_by_name(session: Session, names: list[str]) -> dict[str, Zone]:
    rows = session.scalars(select(Zone).where(Zone.name.in_(names)))
    return {z.name: z for z in rows}


def universities_by_name(session: Session, names: list[str]) -> dict[str, int]:
    rows = session.execute(select(University.name, University.id).where(University.name.in_(names)))
    return {name: int(uid) for name, uid in rows}


def pairings_of_zone(session: Session, zone_id: int) -> list[Pairing]:
    """The zone's pairings, the first pilot batch first."""
    stmt = (
        select(Pairing)
        .where(Pairing.zone_id == zone_id)
        .order_by((Pairing.batch != "pilot_2025"), Pairing.id)
    )
    return list(session.scalars(stmt))


def member_universities(session: Session, pairing_id: int) -> list[tuple[int, str]]:
    """(id, name) of a pairing's universities, in the pairing's order."""
    stmt = (
        select(University.id, University.name)
        .join(PairingUniversity, PairingUniversity.university_id == University.id)
        .where(PairingUniversity.pairing_id == pairing_id)
        .order_by(PairingUniversity.position, University.name)
    )
    return [(int(uid), name) for uid, name in session.execute(stmt)]


def demo_enterprises_of_zone(session: Session, zone_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Enterprise.id, Enterprise.name)
        .where(Enterprise.zone_id == zone_id, Enterprise.is_demo.is_(True))
        .order_by(Enterprise.credit_code)
    )
    return [(int(eid), name) for eid, name in session.execute(stmt)]


def demo_projects_of_zone(session: Session, zone_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Project.id, Project.title)
        .where(Project.zone_id == zone_id, Project.is_demo.is_(True))
        .order_by(Project.title)
    )
    return [(int(pid), title) for pid, title in session.execute(stmt)]


def demo_platforms_of_zone(session: Session, zone_id: int) -> list[str]:
    stmt = (
        select(Platform.name)
        .where(Platform.zone_id == zone_id, Platform.is_demo.is_(True))
        .order_by(Platform.name)
    )
    return list(session.scalars(stmt))


def demand_by_title(session: Session, zone_id: int, title: str) -> Demand | None:
    stmt = select(Demand).where(Demand.zone_id == zone_id, Demand.title == title)
    return session.scalars(stmt.limit(1)).first()


def demand_id_of(session: Session, enterprise_name: str, title: str) -> int | None:
    from shuanggao.demand.models import Demand

    found = session.scalar(
        select(Demand.id)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(Enterprise.name == enterprise_name, Demand.title == title)
    )
    return None if found is None else int(found)


def supply_item_id_of(session: Session, university_name: str, title: str) -> int | None:
    from shuanggao.supply.models import SupplyItem

    found = session.scalar(
        select(SupplyItem.id)
        .join(University, University.id == SupplyItem.university_id)
        .where(University.name == university_name, SupplyItem.title == title)
    )
    return None if found is None else int(found)


def enterprise_id_of(session: Session, name: str) -> int | None:
    found = session.scalar(select(Enterprise.id).where(Enterprise.name == name))
    return None if found is None else int(found)
