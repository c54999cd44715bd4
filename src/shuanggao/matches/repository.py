"""Queries of stored matches and of the pairing facts matching needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Table,
    bindparam,
    cast,
    exists,
    func,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import QueryableAttribute, Session, joinedload, selectinload

from shuanggao.accounts.repository import OPTED_OUT
from shuanggao.db.changes import ChangeStamp
from shuanggao.demand.models import Demand
from shuanggao.matches.models import Match, MatchJudgement
from shuanggao.matches.schemas import JudgementSide, MatchState
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.pairings.schemas import PairingStatus
from shuanggao.supply.models import SupplyItem
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

# The supply side's change stamp and the items of people who opted out of machine matching,
# in one statement: every supply search reads both before it scores.
_STAMP: Table = ChangeStamp.__table__  # type: ignore[assignment]
_SUPPLY: Table = SupplyItem.__table__  # type: ignore[assignment]
_STAMP_AND_OPTED_OUT = union_all(
    select(_STAMP.c.stamp, cast(null(), Integer)).where(
        _STAMP.c.table_name == SupplyItem.__tablename__
    ),
    select(cast(null(), String), _SUPPLY.c.id).where(
        _SUPPLY.c.owner_user_id.in_(OPTED_OUT.scalar_subquery())
    ),
)


def supply_stamp_and_opted_out(session: Session) -> tuple[str | None, list[int]]:
    """The supply items' change stamp (``db.changes.stamps``; None: never stamped) and the
    items whose responsible person opted out of machine matching (``accounts.repository``)."""
    stamp: str | None = None
    opted_out: list[int] = []
    for row_stamp, item_id in session.execute(_STAMP_AND_OPTED_OUT):
        if item_id is None:
            stamp = row_stamp
        else:
            opted_out.append(int(item_id))
    return stamp, opted_out


def paired_universities(session: Session, zone_id: int) -> list[University]:
    """The universities paired with a zone (any batch; not through a terminated pairing)."""
    stmt = (
        select(University)
        .join(PairingUniversity, PairingUniversity.university_id == University.id)
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(Pairing.zone_id == zone_id, Pairing.status != PairingStatus.TERMINATED.value)
        .order_by(PairingUniversity.position, University.id)
    )
    seen: dict[int, University] = {}
    for uni in session.scalars(stmt):
        seen.setdefault(uni.id, uni)
    return list(seen.values())


def paired_zone_ids(session: Session, university_id: int) -> list[int]:
    stmt = (
        select(Pairing.zone_id)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(
            PairingUniversity.university_id == university_id,
            Pairing.status != PairingStatus.TERMINATED.value,
        )
        .distinct()
    )
    return list(session.scalars(stmt))


def find_pairs(
    session: Session, pairs: Iterable[tuple[int, int]], *, fresh: bool = False
) -> dict[tuple[int, int], Match]:
    """Stored matches for ``(demand_id, supply_item_id)`` pairs, with their judgements.
    ``fresh``: overwrite what the session already holds of them (they were written by
    statements that bypass the session, ``insert_matches``/``update_matches``)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    stmt = _pairs_where(select(Match), wanted).options(selectinload(Match.judgements))
    if fresh:
        stmt = stmt.execution_options(populate_existing=True)
    return {
        (m.demand_id, m.supply_item_id): m
        for m in session.scalars(stmt)
        if (m.demand_id, m.supply_item_id) in wanted
    }


def _pairs_where(stmt: Any, wanted: set[tuple[int, int]]) -> Any:
    # Both sides narrow the read: a demand's stored matches grow with every run over time.
    demand_ids = {d for d, _ in wanted}
    item_ids = {s for _, s in wanted}
    return stmt.where(Match.demand_id.in_(demand_ids), Match.supply_item_id.in_(item_ids))


# What ``stored_pairs`` reads of a stored match: enough to tell whether a refresh changes it.
# Built once: every recorded search runs it, and building it cost as much as running it.
_MATCH: Table = Match.__table__  # type: ignore[assignment]
_STORED = select(
    _MATCH.c.id,
    _MATCH.c.demand_id,
    _MATCH.c.supply_item_id,
    _MATCH.c.version,
    _MATCH.c.score,
    _MATCH.c.rank,
    _MATCH.c.method,
    _MATCH.c.reasons,
).where(
    # Both sides narrow the read: a demand's stored matches grow with every run over time.
    _MATCH.c.demand_id.in_(bindparam("demand_ids", expanding=True)),
    _MATCH.c.supply_item_id.in_(bindparam("item_ids", expanding=True)),
)


def stored_pairs(
    session: Session, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], dict[str, Any]]:
    """``{(demand_id, supply_item_id): {id, version, score, rank, method, reasons}}`` of the
    stored matches among ``pairs``, as plain values (one query, no ORM objects)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    params = {
        "demand_ids": sorted({d for d, _ in wanted}),
        "item_ids": sorted({s for _, s in wanted}),
    }
    rows = session.execute(_STORED, params)
    return {
        (r.demand_id, r.supply_item_id): dict(r._mapping)
        for r in rows
        if (r.demand_id, r.supply_item_id) in wanted
    }


def insert_matches(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert new recommendations in one statement (columns not given take their defaults). A
    pair another transaction stored meanwhile (two searches of one demand at once: a page and
    the after-save job) is left as that one stored it, not a unique-key error."""
    table: Table = Match.__table__  # type: ignore[assignment]
    dialect = session.get_bind().dialect.name
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = stmt.on_conflict_do_nothing(index_elements=[table.c.demand_id, table.c.supply_item_id])
    session.execute(stmt, rows)


def update_matches(session: Session, rows: list[dict[str, Any]]) -> int:
    """Refresh score, rank, method and reasons of stored matches, each only if its version is
    still the one read (``rows``: id, version, score, rank, method, reasons); the version moves
    on and ``updated_at`` is set, as for any write of a match. Returns how many rows changed."""
    table: Table = Match.__table__  # type: ignore[assignment]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            score=bindparam("score"),
            rank=bindparam("rank"),
            method=bindparam("method"),
            reasons=bindparam("reasons"),
            version=table.c.version + 1,
        )
    )
    params = [
        {"b_id": r["id"], "b_version": r["version"], **{k: r[k] for k in _REFRESHED}} for r in rows
    ]
    result = session.execute(stmt, params)
    return int(getattr(result, "rowcount", 0))


_REFRESHED = ("score", "rank", "method", "reasons")


def get_with_sides(session: Session, match_id: int) -> Match | None:
    stmt = (
        select(Match)
        .where(Match.id == match_id)
        .options(
            joinedload(Match.demand).joinedload(Demand.enterprise),
            joinedload(Match.demand).joinedload(Demand.zone),
            joinedload(Match.supply_item).joinedload(SupplyItem.university),
            selectinload(Match.judgements),
        )
    )
    return session.scalars(stmt).unique().one_or_none()


def state_counts(
    session: Session,
    demand_scope: ColumnElement[bool] | None,
    supply_scope: ColumnElement[bool] | None,
    *,
    zone_id: int | None = None,
    demand_id: int | None = None,
) -> dict[str, int]:
    conditions = _conditions(demand_scope, supply_scope, zone_id, demand_id)
    return dict(_counts_by(session, Match.state, conditions))


def judgement_counts(
    session: Session,
    demand_scope: ColumnElement[bool] | None,
    supply_scope: ColumnElement[bool] | None,
    *,
    zone_id: int | None = None,
    demand_id: int | None = None,
) -> dict[tuple[str, str], int]:
    """Judgements counted by (side, state), among the matches in scope."""
    stmt = (
        select(MatchJudgement.side, MatchJudgement.state, func.count())
        .join(Match, Match.id == MatchJudgement.match_id)
        .join(Demand, Demand.id == Match.demand_id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(*_conditions(demand_scope, supply_scope, zone_id, demand_id))
        .group_by(MatchJudgement.side, MatchJudgement.state)
    )
    return {(side, state): int(n) for side, state, n in session.execute(stmt).all()}


def dismiss_reason_counts(
    session: Session,
    demand_scope: ColumnElement[bool] | None,
    supply_scope: ColumnElement[bool] | None,
    reason_scope: ColumnElement[bool] | None,
    *,
    zone_id: int | None = None,
    demand_id: int | None = None,
) -> dict[str, int]:
    """Reasons of the 不相关 judgements in ``reason_scope``, among the matches in scope."""
    conditions = [
        MatchJudgement.state == "dismissed",
        *_conditions(demand_scope, supply_scope, zone_id, demand_id),
    ]
    if reason_scope is not None:
        conditions.append(reason_scope)
    stmt = (
        select(MatchJudgement.reason, func.count())
        .join(Match, Match.id == MatchJudgement.match_id)
        .join(Demand, Demand.id == Match.demand_id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(*conditions)
        .group_by(MatchJudgement.reason)
    )
    return {reason or "": int(n) for reason, n in session.execute(stmt).all()}


def _counts_by(
    session: Session, column: QueryableAttribute[Any], conditions: Iterable[ColumnElement[bool]]
) -> list[tuple[Any, int]]:
    """Matches counted by ``column`` (their demand and supply item joined for the scopes)."""
    stmt = (
        select(column, func.count())
        .join(Demand, Demand.id == Match.demand_id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(*conditions)
        .group_by(column)
    )
    return [(value, int(n)) for value, n in session.execute(stmt).all()]


def _conditions(
    demand_scope: ColumnElement[bool] | None,
    supply_scope: ColumnElement[bool] | None,
    zone_id: int | None,
    demand_id: int | None,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [c for c in (demand_scope, supply_scope) if c is not None]
    if zone_id is not None:
        conds.append(Demand.zone_id == zone_id)
    if demand_id is not None:
        conds.append(Demand.id == demand_id)
    return conds


def paired_zones(session: Session) -> list[Zone]:
    stmt = (
        select(Zone)
        .where(
            Zone.id.in_(
                select(Pairing.zone_id).where(Pairing.status != PairingStatus.TERMINATED.value)
            )
        )
        .order_by(Zone.city, Zone.name)
    )
    return list(session.scalars(stmt))


def recent_recommended(
    session: Session,
    demand_scope: ColumnElement[bool] | None,
    supply_scope: ColumnElement[bool] | None,
    side: ColumnElement[bool],
    which: str,
    limit: int,
) -> tuple[int, list[tuple[Match, Demand, SupplyItem]]]:
    """Recommendations on ``side`` (the actor's demands or items) that nobody on that side
    (``which``: "demand" or "supply") has looked at yet, newest first, with both records; and
    how many there are."""
    seen = exists().where(MatchJudgement.match_id == Match.id, MatchJudgement.side == which)
    conds = [
        ~seen,
        side,
        *_conditions(demand_scope, supply_scope, None, None),
    ]
    total = session.scalar(
        select(func.count())
        .select_from(Match)
        .join(Demand, Demand.id == Match.demand_id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(*conds)
    )
    stmt = (
        select(Match, Demand, SupplyItem)
        .join(Demand, Demand.id == Match.demand_id)
        .join(SupplyItem, SupplyItem.id == Match.supply_item_id)
        .where(*conds)
        .order_by(Match.updated_at.desc(), Match.id.desc())
        .limit(limit)
    )
    rows = [(m, d, s) for m, d, s in session.execute(stmt).all()]
    return int(total or 0), rows


def interested_on_node(
    session: Session,
    node_id: int,
    demand_scope: ColumnElement[bool] | None,
    exclude_demand_id: int,
) -> list[int]:
    """Supply items that the demand's side or the province judged 有意向 for another demand
    confirmed on chain node ``node_id``, among the demands ``demand_scope`` lets the reader
    read (so a hidden need lends nothing)."""
    stmt = (
        select(Match.supply_item_id)
        .join(Demand, Demand.id == Match.demand_id)
        .join(MatchJudgement, MatchJudgement.match_id == Match.id)
        .where(
            Demand.chain_node_id == node_id,
            Demand.id != exclude_demand_id,
            MatchJudgement.state == MatchState.INTERESTED.value,
            MatchJudgement.side.in_((JudgementSide.DEMAND.value, JudgementSide.PROVINCE.value)),
        )
        .distinct()
        .order_by(Match.supply_item_id)
    )
    if demand_scope is not None:
        stmt = stmt.where(demand_scope)
    return [int(i) for i in session.scalars(stmt)]
