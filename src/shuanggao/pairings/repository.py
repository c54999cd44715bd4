"""Queries of pairings, their university links, their 五个一 items and coverage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, column, or_, select, table
from sqlalchemy.orm import Session, selectinload

from shuanggao.pairings.models import Pairing, PairingUniversity, PilotElement
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

# The enterprise table, named rather than imported: enterprises sit above pairings in the layers
# (docs/architecture.md). ``tests/enterprises/test_named_tables.py`` keeps it in step.
ENTERPRISE = table("enterprise", column("id"), column("zone_id"))

PAIRING_LOAD = (
    selectinload(Pairing.zone),
    selectinload(Pairing.members).selectinload(PairingUniversity.university),
)
ELEMENT_LOAD = (
    selectinload(PilotElement.pairing).selectinload(Pairing.zone),
    selectinload(PilotElement.pairing)
    .selectinload(Pairing.members)
    .selectinload(PairingUniversity.university),
)


def zone_by_name(session: Session, name: str) -> Zone | None:
    return session.scalars(select(Zone).where(Zone.name == name.strip())).one_or_none()


def university_id_by_name_or_code(session: Session, text: str) -> int | None:
    stmt = select(University.id).where(or_(University.name == text, University.code == text))
    found = session.scalar(stmt)
    return int(found) if found is not None else None


def university_name(session: Session, university_id: int) -> str | None:
    found = session.scalar(select(University.name).where(University.id == university_id))
    return str(found) if found is not None else None


def get_pairing(session: Session, pairing_id: Any) -> Pairing | None:
    stmt = select(Pairing).where(Pairing.id == pairing_id).options(*PAIRING_LOAD)
    return session.scalars(stmt).one_or_none()


def find_pairing(session: Session, zone_id: int, batch: str) -> Pairing | None:
    stmt = (
        select(Pairing)
        .where(Pairing.zone_id == zone_id, Pairing.batch == batch)
        .options(*PAIRING_LOAD)
    )
    return session.scalars(stmt).one_or_none()


def pairings_of_zone(session: Session, zone_id: int) -> list[Pairing]:
    stmt = select(Pairing).where(Pairing.zone_id == zone_id).order_by(Pairing.id)
    return list(session.scalars(stmt.options(*PAIRING_LOAD)))


def pairing_links(session: Session, pairing_id: int) -> list[PairingUniversity]:
    stmt = (
        select(PairingUniversity)
        .where(PairingUniversity.pairing_id == pairing_id)
        .order_by(PairingUniversity.position, PairingUniversity.university_id)
    )
    return list(session.scalars(stmt))


def pairing_ids_with_university(university_id: int) -> Any:
    """Subquery: ids of the pairings a university belongs to."""
    return select(PairingUniversity.pairing_id).where(
        PairingUniversity.university_id == university_id
    )


def zone_ids_paired_with_university(university_id: int) -> Any:
    """Subquery: ids of the zones paired (in any batch) with a university."""
    return select(Pairing.zone_id).where(Pairing.id.in_(pairing_ids_with_university(university_id)))


def sync_links(
    session: Session,
    link_model: Any,
    owner_attr: str,
    owner_id: int,
    member_ids: Sequence[int],
    *,
    member_attr: str = "university_id",
    lead_id: int | None = None,
) -> None:
    """Make the link rows of ``owner_id`` exactly ``member_ids``, in that order.

    Links with a ``position`` keep the order; links with ``is_lead`` mark ``lead_id``. Rows are
    updated in place, so an unchanged membership writes nothing.
    """
    owner_col = getattr(link_model, owner_attr)
    current = {
        getattr(link, member_attr): link
        for link in session.scalars(select(link_model).where(owner_col == owner_id))
    }
    for member_id, link in current.items():
        if member_id not in member_ids:
            session.delete(link)
    session.flush()
    has_position = hasattr(link_model, "position")
    has_lead = hasattr(link_model, "is_lead")
    for position, member_id in enumerate(member_ids):
        link = current.get(member_id)
        if link is None:
            link = link_model()
            setattr(link, owner_attr, owner_id)
            setattr(link, member_attr, member_id)
            session.add(link)
        if has_position and link.position != position:
            link.position = position
        if has_lead and link.is_lead != (member_id == lead_id):
            link.is_lead = member_id == lead_id


def elements_of_pairing(session: Session, pairing_id: int) -> list[PilotElement]:
    stmt = (
        select(PilotElement)
        .where(PilotElement.pairing_id == pairing_id)
        .order_by(PilotElement.kind, PilotElement.id)
        .options(*ELEMENT_LOAD)
    )
    return list(session.scalars(stmt))


def elements_of_pairings(session: Session, pairing_ids: list[int]) -> list[PilotElement]:
    """The 五个一 items of many pairings in one query (boards overview)."""
    if not pairing_ids:
        return []
    stmt = (
        select(PilotElement)
        .where(PilotElement.pairing_id.in_(pairing_ids))
        .order_by(PilotElement.kind, PilotElement.id)
        .options(*ELEMENT_LOAD)
    )
    return list(session.scalars(stmt))


def pairings_in_scope(
    session: Session, scope: ColumnElement[bool] | None, batch: str | None
) -> list[Pairing]:
    stmt = select(Pairing).options(*PAIRING_LOAD).order_by(Pairing.id)
    if scope is not None:
        stmt = stmt.where(scope)
    if batch is not None:
        stmt = stmt.where(Pairing.batch == batch)
    return list(session.scalars(stmt))


def element_statuses(session: Session, pairing_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(pairing id, kind, status) of every 五个一 item of the given pairings."""
    stmt = select(PilotElement.pairing_id, PilotElement.kind, PilotElement.status).where(
        PilotElement.pairing_id.in_(list(pairing_ids))
    )
    return [(int(pid), str(kind), str(status)) for pid, kind, status in session.execute(stmt)]


def zones_in_levels(session: Session, levels: Sequence[str]) -> list[Zone]:
    stmt = select(Zone).where(Zone.level.in_(list(levels))).order_by(Zone.city, Zone.name)
    return list(session.scalars(stmt))


def zone_ids_paired_as_of(
    session: Session, as_of: dt.date, excluded_statuses: Sequence[str]
) -> set[int]:
    stmt = select(Pairing.zone_id).where(
        Pairing.start_date.is_not(None),
        Pairing.start_date <= as_of,
        Pairing.status.not_in(list(excluded_statuses)),
    )
    return set(session.scalars(stmt))


def pairing_in_scope(session: Session, pairing_id: int, scope: ColumnElement[bool] | None) -> bool:
    stmt = select(Pairing.id).where(Pairing.id == pairing_id)
    if scope is not None:
        stmt = stmt.where(scope)
    return session.scalar(stmt) is not None


def pairing_membership(session: Session, pairing_id: int) -> tuple[int, set[int]] | None:
    """``(zone_id, {university_id, ...})`` of a pairing, or None if it does not exist."""
    zone_id = session.scalar(select(Pairing.zone_id).where(Pairing.id == pairing_id))
    if zone_id is None:
        return None
    members = session.scalars(
        select(PairingUniversity.university_id).where(PairingUniversity.pairing_id == pairing_id)
    )
    return int(zone_id), set(members)


def zone_ids_of_enterprise(enterprise_id: int) -> Select[Any]:
    """Subquery: the zone of an enterprise (for the pairings an enterprise user sees)."""
    return select(ENTERPRISE.c.zone_id).where(ENTERPRISE.c.id == enterprise_id)
