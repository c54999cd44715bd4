"""Queries of the chain map: demands and supply items by scope, demands' placements."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from shuanggao.demand.models import Demand
from shuanggao.supply.models import SupplyItem
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


def demands_in_zones(
    session: Session, zone_ids: Collection[int] | None, scope: ColumnElement[bool] | None
) -> list[Demand]:
    """Demands of the given zones (all zones: None) inside ``scope``, by id."""
    stmt = select(Demand).options(joinedload(Demand.enterprise), joinedload(Demand.zone))
    if zone_ids is not None:
        if not zone_ids:
            return []
        stmt = stmt.where(Demand.zone_id.in_(list(zone_ids)))
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt.order_by(Demand.id)).unique())


def supply_of_universities(
    session: Session, university_ids: Collection[int] | None, scope: ColumnElement[bool] | None
) -> list[SupplyItem]:
    """Supply items of the given universities (all: None) inside ``scope``, by id."""
    stmt = select(SupplyItem).options(joinedload(SupplyItem.university))
    if university_ids is not None:
        if not university_ids:
            return []
        stmt = stmt.where(SupplyItem.university_id.in_(list(university_ids)))
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt.order_by(SupplyItem.id)).unique())


def demand_for_update(session: Session, demand_id: int) -> Demand | None:
    return session.get(Demand, demand_id)


def university_by_id(session: Session, university_id: int) -> University | None:
    return session.get(University, university_id)


def university_by_name(session: Session, name: str) -> University | None:
    stmt = select(University).where(University.name == name.strip())
    return session.scalars(stmt).first()


def zone_by_name(session: Session, name: str) -> Zone | None:
    text = name.strip()
    stmt = select(Zone).where((Zone.name == text) | (Zone.full_name == text))
    return session.scalars(stmt).first()


def zone_by_id(session: Session, zone_id: int) -> Zone | None:
    return session.get(Zone, zone_id)


def demands_by_ids(
    session: Session, ids: Collection[int], scope: ColumnElement[bool] | None
) -> list[Demand]:
    if not ids:
        return []
    stmt = (
        select(Demand)
        .where(Demand.id.in_(list(ids)))
        .options(joinedload(Demand.enterprise), joinedload(Demand.zone))
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt).unique())
