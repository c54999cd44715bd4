"""Queries of saved duplicate groups (合并需求组), their members' needs loaded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from shuanggao.demand.models import Demand
from shuanggao.matches.models import DemandGroup, DemandGroupMember

_LOAD = (
    selectinload(DemandGroup.members)
    .joinedload(DemandGroupMember.demand)
    .options(joinedload(Demand.enterprise), joinedload(Demand.zone)),
)


def _groups(session: Session, *where: Any) -> list[DemandGroup]:
    stmt = select(DemandGroup).where(*where).options(*_LOAD).order_by(DemandGroup.id)
    return list(session.scalars(stmt).unique())


def _holds(demand_where: Any) -> Any:
    """SQL: the group holds a need matching ``demand_where``."""
    return exists(
        select(DemandGroupMember.group_id)
        .join(Demand, Demand.id == DemandGroupMember.demand_id)
        .where(DemandGroupMember.group_id == DemandGroup.id, demand_where)
    )


def all_groups(session: Session) -> list[DemandGroup]:
    return _groups(session)


def groups_of_zone(session: Session, zone_id: int) -> list[DemandGroup]:
    """The zone's own groups and the groups (the province's) holding one of its needs."""
    return _groups(session, or_(DemandGroup.zone_id == zone_id, _holds(Demand.zone_id == zone_id)))


def groups_of_demand(session: Session, demand_id: int) -> list[DemandGroup]:
    return _groups(session, _holds(Demand.id == demand_id))


def group_by_id(session: Session, group_id: int) -> DemandGroup | None:
    found = _groups(session, DemandGroup.id == group_id)
    return found[0] if found else None
