"""Searching many needs at once and shaping the answers: the one path behind the chain map,
node details, the gap reports and the batch map.

Every need is scored against the supply index twice — among the scope's universities (the
zone's paired ones) and province-wide (every item the reader may see) — under the index's lock,
without a database round trip per need; the answers of all needs are then read in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shuanggao_matching import Match as LibMatch
from shuanggao_matching import Predicate, Query, SearchResults, is_good_answer
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.changes import release_connection
from shuanggao.demand.models import Demand
from shuanggao.demandmap.schemas import NeedRow, Placement, SupplyBrief
from shuanggao.matches.documents import capped, demand_query
from shuanggao.matches.filters import supply_visibility, universities_predicate
from shuanggao.matches.index import MatchIndex
from shuanggao.matches.results import MIN_COVERAGE, SUPPLY_POLICY, Hit
from shuanggao.matches.search import Searched as MatchSearched
from shuanggao.matches.search import (
    demand_owner,
    hits_for,
    result_note,
    run_search,
    supply_owner,
    synced_index,
)
from shuanggao.supply import repository as supply_repo
from shuanggao.supply.models import SupplyItem

# How many answers of each need are kept (paired and province-wide).
TOP = 5
Progress = Callable[[int, int], None]


@dataclass
class Answers:
    """A need's ranked answers: among the scope's universities and province-wide."""

    paired: list[Hit] = field(default_factory=list)
    province: list[Hit] = field(default_factory=list)


@dataclass
class Searched:
    method: str
    note: str | None
    answers: dict[int, Answers]


def strong(match: LibMatch) -> bool:
    """A good answer (see ``shuanggao_matching.is_good_answer``; the zone map's threshold)."""
    return is_good_answer(match, min_coverage=MIN_COVERAGE)


def brief(hit: Hit, *, reasons: bool = False) -> SupplyBrief:
    item: SupplyItem = hit.obj
    return SupplyBrief(
        id=item.id,
        title=item.title,
        owner=hit.owner,
        university_id=item.university_id,
        university_name=item.university.name,
        score=hit.score,
        coverage=round(hit.lib.reasons.scores.coverage, 4),
        strong=strong(hit.lib),
        reasons=hit.reasons if reasons else {},
    )


def _ranked(
    actor: Actor, method: str, matches: list[LibMatch], rows: dict[int, SupplyItem], top: int
) -> list[Hit]:
    return hits_for(
        SearchResults(method, tuple(matches)),
        rows,
        "supply_item",
        lambda i: supply_owner(i, actor),
        top,
    )


# Query vectors are embedded this many at a time (one encoder call each, not one per query).
EMBED_BATCH = 64


def search_many(
    session: Session,
    index: MatchIndex,
    side: str,
    queries: Sequence[Query],
    predicates: Sequence[Sequence[Predicate | None]],
    top: int,
    progress: Progress | None = None,
) -> list[list[SearchResults]]:
    """The batch path of ``matches.search.run_search``: every query's vector is embedded in
    batches of ``EMBED_BATCH`` (outside the index lock), then each query is scored once per
    predicate set in ``predicates`` with that vector. While the index is rebuilt, each query
    falls back to ``run_search`` (the database answers)."""
    capped_queries = [capped(q)[0] for q in queries]
    if index.rebuilding(side):
        return [
            [run_search(session, index, side, q, preds, top).results for preds in predicates]
            for q in capped_queries
        ]
    release_connection(session)
    matcher = index.matchers[side]
    dense = matcher.has_dense and matcher.encoder is not None
    out: list[list[SearchResults]] = []
    total = len(capped_queries)
    for start in range(0, total, EMBED_BATCH):
        chunk = capped_queries[start : start + EMBED_BATCH]
        vectors: list[Any] = [None] * len(chunk)
        if dense and matcher.encoder is not None:
            # One batch for the texts not embedded before (the query-vector cache has the rest).
            vectors = list(matcher.encode_queries(chunk) or vectors)
        for query, vector in zip(chunk, vectors, strict=True):
            row: list[SearchResults] = []
            for preds in predicates:
                filters = [p for p in preds if p is not None]
                with index.lock:
                    if len(matcher) == 0 or not query.text.strip():
                        row.append(
                            SearchResults(
                                index.method, (), tuple(f.describe() for f in filters), index.note
                            )
                        )
                        continue
                    row.append(
                        matcher.search(query, top_k=top + 10, filters=filters, query_vector=vector)
                    )
            out.append(row)
            if progress is not None:
                progress(len(out), total)
    return out


def search_needs(
    session: Session,
    settings: Settings,
    actor: Actor,
    demands: Sequence[Demand],
    universities: Sequence[object] | None,
    *,
    province: bool = True,
    top: int = TOP,
    progress: Progress | None = None,
) -> Searched:
    """Each need's answers among ``universities`` (None: every university) and, with
    ``province``, among all supply the actor may see."""
    index: MatchIndex = synced_index(session, settings, "supply")
    visible = supply_visibility(actor)
    scoped: list[Predicate | None] = [visible]
    if universities is not None:
        scoped.append(universities_predicate(universities))
    raw: dict[int, tuple[list[LibMatch], list[LibMatch]]] = {}
    method, note = index.method, index.note
    sets: list[Sequence[Predicate | None]] = [scoped]
    if province and universities is not None:
        sets.append([visible])
    found = search_many(
        session, index, "supply", [demand_query(d) for d in demands], sets, top, progress
    )
    for demand, results in zip(demands, found, strict=True):
        first = results[0]
        method = first.method
        note = result_note(index, MatchSearched(first))
        wide: list[LibMatch] = []
        if len(results) > 1:
            wide = list(results[1].matches)
        elif province:
            wide = list(first.matches)
        raw[demand.id] = (list(first.matches), wide)
    ids = {int(m.id) for a, b in raw.values() for m in (*a, *b)}
    rows = {
        r.id: r for r in supply_repo.list_by_ids(session, ids, SUPPLY_POLICY.read_filter(actor))
    }
    answers = {
        demand_id: Answers(
            _ranked(actor, method, a, rows, top), _ranked(actor, method, b, rows, top)
        )
        for demand_id, (a, b) in raw.items()
    }
    return Searched(method, note, answers)


def placement_of(demand: Demand, node_ids: set[int]) -> tuple[int | None, str | None]:
    """The node a need sits on among ``node_ids``: confirmed first, else the proposal."""
    if demand.chain_node_id is not None and demand.chain_node_id in node_ids:
        return demand.chain_node_id, Placement.CONFIRMED.value
    if demand.proposed_chain_node_id is not None and demand.proposed_chain_node_id in node_ids:
        return demand.proposed_chain_node_id, Placement.PROPOSED.value
    return None, None


def need_row(
    demand: Demand,
    actor: Actor,
    answers: Answers,
    node_ids: set[int],
    paired_ids: set[int] | None,
    *,
    reasons: bool = False,
) -> NeedRow:
    node_id, placement = placement_of(demand, node_ids)
    strong_paired = [h for h in answers.paired if strong(h.lib)]
    best = strong_paired[0] if strong_paired else (answers.paired[0] if answers.paired else None)
    outside = [
        h
        for h in answers.province
        if strong(h.lib) and (paired_ids is None or h.obj.university_id not in paired_ids)
    ]
    elsewhere = outside[0] if outside else None
    return NeedRow(
        demand_id=demand.id,
        title=demand.title,
        owner=demand_owner(demand, actor),
        node_id=node_id,
        placement=placement,
        triage_state=demand.triage_state,
        version=demand.version,
        answered=bool(strong_paired),
        answered_elsewhere=not strong_paired and elsewhere is not None,
        strong_matches=len(strong_paired),
        best=brief(best, reasons=reasons) if best else None,
        best_elsewhere=brief(elsewhere) if elsewhere else None,
        top=[brief(h, reasons=reasons) for h in answers.paired],
    )
