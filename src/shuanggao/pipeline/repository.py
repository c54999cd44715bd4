"""Queries of collaborations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.pipeline.models import Collaboration
from shuanggao.projects.models import Project
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

LOAD = (selectinload(Collaboration.steps),)


def get(
    session: Session, collab_id: int, scope: ColumnElement[bool] | None, *, lock: bool = False
) -> Collaboration | None:
    stmt = select(Collaboration).where(Collaboration.id == collab_id).options(*LOAD)
    if scope is not None:
        stmt = stmt.where(scope)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def find_pair(session: Session, demand_id: int, supply_item_id: int) -> Collaboration | None:
    return session.scalars(
        select(Collaboration)
        .where(Collaboration.demand_id == demand_id, Collaboration.supply_item_id == supply_item_id)
        .options(*LOAD)
    ).first()


def list_page(
    session: Session,
    scope: ColumnElement[bool] | None,
    filters: dict[str, Any],
    page: int,
    page_size: int,
) -> tuple[list[Collaboration], int]:
    stmt = select(Collaboration)
    if scope is not None:
        stmt = stmt.where(scope)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(Collaboration, name) == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(*LOAD)
        .order_by(Collaboration.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), int(total)


def in_scope(
    session: Session, scope: ColumnElement[bool] | None, as_of: dt.date
) -> list[Collaboration]:
    stmt = select(Collaboration).where(Collaboration.intent_date <= as_of)
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt.order_by(Collaboration.id)))


def pairing_of(session: Session, zone_id: int, university_id: int) -> int | None:
    found = session.scalars(
        select(Pairing.id)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(Pairing.zone_id == zone_id, PairingUniversity.university_id == university_id)
        .order_by(Pairing.id.desc())
    ).first()
    return None if found is None else int(found)


def names_of(session: Session, by: str, ids: set[int]) -> dict[int, str]:
    """Display names of zones, universities or pairings (``高新区（批次）``) by id."""
    if not ids:
        return {}
    if by == "zone":
        rows = session.execute(select(Zone.id, Zone.name).where(Zone.id.in_(ids)))
        return {int(i): str(n) for i, n in rows}
    if by == "university":
        rows = session.execute(select(University.id, University.name).where(University.id.in_(ids)))
        return {int(i): str(n) for i, n in rows}
    triples = session.execute(
        select(Pairing.id, Zone.name, Pairing.batch)
        .join(Zone, Zone.id == Pairing.zone_id)
        .where(Pairing.id.in_(ids))
    )
    return {int(i): f"{z}（{b}）" for i, z, b in triples}


def project_origin_counts(
    session: Session, as_of: dt.date, scope: ColumnElement[bool] | None, zone_id: int | None
) -> dict[str | None, int]:
    """Projects started on or before ``as_of`` (the ``projects`` figure's rule), by origin."""
    stmt = select(Project.origin, func.count()).where(Project.start_date <= as_of)
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Project.zone_id == zone_id)
    return {origin: int(n) for origin, n in session.execute(stmt.group_by(Project.origin))}
