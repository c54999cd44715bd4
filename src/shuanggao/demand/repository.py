"""Demand queries beyond the generic register repository."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, func, literal_column, or_, select
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


# What the duplicate check compares (``matches/dup_index.py``): the texts and codes, and the
# columns the read scope turns on.
DUP_COLUMNS = (
    Demand.id,
    Demand.title,
    Demand.description,
    Demand.technical_indicators,
    Demand.keywords,
    Demand.industry_code,
    Demand.chain_node,
    Demand.chain_node_id,
    Demand.zone_id,
    Demand.enterprise_id,
    Demand.visibility,
    Demand.version,
    Demand.updated_at,
)


def _bucket(size: int) -> Any:
    # A literal divisor: the GROUP BY repeats the very expression (PostgreSQL compares the text).
    return Demand.id.op("/")(literal_column(str(int(size))))


def dup_buckets(session: Session, size: int) -> dict[int, tuple[int, int, Any]]:
    """``{id // size: (rows, sum of versions, latest update)}``: one aggregate query, a row
    per ``size`` ids (what tells the duplicate index which ids to compare)."""
    bucket = _bucket(size)
    rows = session.execute(
        select(bucket, func.count(), func.sum(Demand.version), func.max(Demand.updated_at))
        .group_by(bucket)
    )  # fmt: skip
    return {int(r[0]): (int(r[1]), int(r[2]), r[3]) for r in rows}


def dup_fingerprints(
    session: Session, buckets: Iterable[int] | None = None, size: int = 1
) -> dict[int, tuple[int, Any]]:
    """``{id: (version, updated_at)}`` of every demand, or of those whose ``id // size`` is in
    ``buckets`` (one light query, no ORM objects)."""
    stmt = select(Demand.id, Demand.version, Demand.updated_at)
    if buckets is not None:
        wanted = sorted(set(buckets))
        if not wanted:
            return {}
        stmt = stmt.where(or_(*(Demand.id.between(b * size, (b + 1) * size - 1) for b in wanted)))
    return {row[0]: (row[1], row[2]) for row in session.execute(stmt)}


def dup_rows(session: Session, ids: Iterable[int]) -> list[Row[Any]]:
    """The compared columns of the demands among ``ids`` (plain rows, not ORM objects)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(session.execute(select(*DUP_COLUMNS).where(Demand.id.in_(wanted))))
