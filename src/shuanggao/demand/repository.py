"""Demand queries beyond the generic register repository."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session, joinedload

from shuanggao.demand.models import Demand, DemandTriage
from shuanggao.demand.policy import paired_zone_ids


def paired_zones_of_university(session: Session, university_id: int) -> frozenset[int]:
    return frozenset(session.scalars(paired_zone_ids(university_id)))


# Built once: every demand search loads its demand with it.
_BY_ID = select(Demand).where(Demand.id == bindparam("demand_id"))


def get_in_scope(
    session: Session, demand_id: int, scope: ColumnElement[bool] | None
) -> Demand | None:
    """The demand if ``scope`` (its register's read scope) lets it be read, without its
    relationships (a search reads only its own columns)."""
    stmt = _BY_ID if scope is None else _BY_ID.where(scope)
    return session.scalars(stmt, {"demand_id": demand_id}).one_or_none()


def list_by_ids(
    session: Session, ids: Iterable[int], scope: ColumnElement[bool] | None
) -> list[Demand]:
    """The demands among ``ids`` inside ``scope``, with enterprise and zone loaded."""
    wanted = list(set(ids))
    if not wanted:
        return []
    stmt = (
        select(Demand)
        .where(Demand.id.in_(wanted))
        .options(joinedload(Demand.enterprise), joinedload(Demand.zone))
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt).unique())


def list_for_zone(
    session: Session, zone_id: int, scope: ColumnElement[bool] | None
) -> list[Demand]:
    stmt = (
        select(Demand)
        .where(Demand.zone_id == zone_id)
        .options(joinedload(Demand.enterprise), joinedload(Demand.zone))
        .order_by(Demand.id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt).unique())


def list_all_for_index(session: Session) -> list[Demand]:
    return list(session.scalars(select(Demand).order_by(Demand.id)))


def fingerprints(session: Session) -> dict[int, str]:
    """``{id: "version:updated_at"}`` for every demand: what the search index compares."""
    rows = session.execute(select(Demand.id, Demand.version, Demand.updated_at))
    return {row.id: f"{row.version}:{row.updated_at.isoformat()}" for row in rows}


def find_by_title(session: Session, enterprise_id: int, title: str) -> Demand | None:
    return session.scalar(
        select(Demand).where(Demand.enterprise_id == enterprise_id, Demand.title == title)
    )


def triage_moves(session: Session, demand_id: int) -> list[DemandTriage]:
    return list(
        session.scalars(
            select(DemandTriage)
            .where(DemandTriage.demand_id == demand_id)
            .order_by(DemandTriage.moved_at, DemandTriage.id)
        )
    )


def list_in_scope(
    session: Session,
    scope: ColumnElement[bool] | None,
    *,
    zone_id: int | None = None,
    state: str | None = None,
) -> list[Demand]:
    """Demands inside ``scope`` (optionally of one zone, in one triage state), enterprise and
    zone loaded, oldest first."""
    stmt = (
        select(Demand)
        .options(joinedload(Demand.enterprise), joinedload(Demand.zone))
        .order_by(Demand.id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Demand.zone_id == zone_id)
    if state is not None:
        stmt = stmt.where(Demand.triage_state == state)
    return list(session.scalars(stmt).unique())
