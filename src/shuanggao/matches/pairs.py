"""Scores of given demand × supply pairs, and a free text against a given set of supply items:
what a matchmaking event needs (its registered needs against the supply brought to it).

Only scores and ids leave this module; the rows are the caller's to load through its own scope.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.demand import repository as demand_repo
from shuanggao.matches.documents import demand_query, text_query
from shuanggao.matches.filters import ScopedPredicate, supply_visibility
from shuanggao.matches.results import MatchRun
from shuanggao.matches.search import match_run, run_search, supply_hits, synced_index


def _among(supply_ids: Sequence[int]) -> ScopedPredicate:
    wanted = frozenset(str(i) for i in supply_ids)
    return ScopedPredicate(
        f"范围：指定的 {len(wanted)} 条技术供给",
        lambda doc: doc.id in wanted,
        tuple(sorted(wanted)),
    )


def score_pairs(
    session: Session,
    settings: Settings,
    demand_ids: Sequence[int],
    supply_ids: Sequence[int],
) -> dict[tuple[int, int], float]:
    """The match score of every (demand, supply item) pair that shares terms: the matcher's
    coverage (the idf-weighted share of the demand's terms the item holds, 0..1), which unlike
    the fused rank score is comparable across demands, so pairs of different demands can be
    weighed against each other (as a schedule does).

    The caller has already decided the pairs may be compared (both were brought to the same
    event); only scores are returned, so no text of either side leaves its scope.
    """
    if not demand_ids or not supply_ids:
        return {}
    demands = demand_repo.list_by_ids(session, demand_ids, None)
    index = synced_index(session, settings, "supply")
    among = _among(supply_ids)
    scores: dict[tuple[int, int], float] = {}
    top = len(set(supply_ids))
    for demand in demands:
        searched = run_search(session, index, "supply", demand_query(demand), [among], top)
        for match in searched.results.matches:
            coverage = float(match.reasons.scores.coverage)
            if coverage > 0:
                scores[(demand.id, int(match.id))] = coverage
    return scores


def match_text_among(
    session: Session,
    settings: Settings,
    actor: Actor,
    text: str,
    supply_ids: Sequence[int] | None,
    top: int,
) -> MatchRun:
    """A free text → the supply items the actor may see, only among ``supply_ids`` when given."""
    index = synced_index(session, settings, "supply")
    preds = [supply_visibility(actor)]
    if supply_ids is not None:
        preds.append(_among(supply_ids))
    searched = run_search(session, index, "supply", text_query(text), preds, top)
    return match_run(index, searched, supply_hits(session, actor, searched.results, top))
