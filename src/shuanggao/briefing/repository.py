"""Queries of the briefing: records per task area, the best matches and the benchmark projects.

Every query takes the actor's read scope of each register it reads (``scope``) and an optional
zone; a record dated after the day asked about, or not dated, is not counted for that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import EnterpriseService
from shuanggao.matches.models import Match
from shuanggao.platforms.models import Platform
from shuanggao.projects.models import Project
from shuanggao.supply.models import SupplyItem

Scope = ColumnElement[bool] | None
# (task area, zone id) -> count
PerAreaZone = dict[tuple[str, int], int]


def _per_area_zone(
    session: Session,
    model: type[Project] | type[Platform] | type[EnterpriseService],
    date: InstrumentedAttribute[Any],
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
) -> PerAreaZone:
    stmt = (
        select(model.task_area, model.zone_id, func.count(model.id))
        .where(model.task_area.is_not(None), date.is_not(None), date <= day)
        .group_by(model.task_area, model.zone_id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(model.zone_id == zone_id)
    return {(str(area), int(zid)): int(n) for area, zid, n in session.execute(stmt)}


def projects_per_area(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None
) -> PerAreaZone:
    return _per_area_zone(session, Project, Project.start_date, day, scope, zone_id)


def platforms_per_area(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None
) -> PerAreaZone:
    return _per_area_zone(session, Platform, Platform.established_date, day, scope, zone_id)


def services_per_area(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None
) -> PerAreaZone:
    return _per_area_zone(
        session, EnterpriseService, EnterpriseService.service_date, day, scope, zone_id
    )


def top_matches(
    session: Session,
    until: dt.datetime,
    demand_scope: Scope,
    supply_scope: Scope,
    zone_id: int | None,
    states: Sequence[str],
    limit: int,
) -> list[Match]:
    """The best-scored matches made by ``until`` in ``states`` whose demand and supply item the
    actor may both read (demand, supply item and its university loaded)."""
    stmt = (
        select(Match)
        .join(Demand, Demand.id == Match.demand_id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(Match.created_at <= until, Match.state.in_(list(states)))
        .options(
            joinedload(Match.demand).joinedload(Demand.zone),
            joinedload(Match.supply_item).joinedload(SupplyItem.university),
        )
        .order_by(Match.score.desc(), Match.id)
        .limit(limit)
    )
    for scope in (demand_scope, supply_scope):
        if scope is not None:
            stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Demand.zone_id == zone_id)
    return list(session.scalars(stmt).unique())


def benchmark_projects(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, limit: int
) -> list[Project]:
    """Benchmark projects (标杆项目) started by ``day``, latest first (zone and university
    loaded)."""
    stmt = (
        select(Project)
        .where(
            Project.is_benchmark.is_(True),
            Project.start_date.is_not(None),
            Project.start_date <= day,
        )
        .options(joinedload(Project.zone), joinedload(Project.university))
        .order_by(Project.start_date.desc(), Project.id)
        .limit(limit)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Project.zone_id == zone_id)
    return list(session.scalars(stmt).unique())
