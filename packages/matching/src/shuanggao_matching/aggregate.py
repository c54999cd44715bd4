"""Pure functions over search results: people ranked from their items, and the batch map of many
demands against supply with coverage and gaps (卡脖子 candidates)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .types import Match, SearchResults

__all__ = ["CoverageReport", "OwnerScore", "coverage_report", "is_good_answer", "rank_owners"]


@dataclass(frozen=True, slots=True)
class OwnerScore:
    """A person (or team) ranked from their matching items."""

    owner: str
    score: float
    items: tuple[str, ...]


def rank_owners(
    matches: SearchResults | Sequence[Match],
    *,
    top_items: int = 3,
    decay: float = 0.5,
    limit: int | None = None,
) -> list[OwnerScore]:
    """Rank owners by their best items: ``s1 + decay·s2 + decay²·s3`` over their ``top_items``
    best item scores (so one excellent item beats many weak ones, and breadth still counts).

    Scores are shifted so the weakest listed match counts as 0 (fused scores can be negative).
    Items without an owner are skipped.
    """
    items = list(matches.matches if isinstance(matches, SearchResults) else matches)
    if not items:
        return []
    floor = min(m.score for m in items)
    by_owner: dict[str, list[Match]] = defaultdict(list)
    for m in items:
        if m.owner is not None:
            by_owner[m.owner].append(m)
    out: list[OwnerScore] = []
    for owner, owned in by_owner.items():
        owned.sort(key=lambda m: -m.score)
        best = owned[:top_items]
        score = sum((m.score - floor) * decay**i for i, m in enumerate(best))
        out.append(OwnerScore(owner, round(score, 6), tuple(m.id for m in best)))
    out.sort(key=lambda o: (-o.score, o.owner))
    return out if limit is None else out[:limit]


def is_good_answer(
    match: Match, *, min_coverage: float = 0.5, min_dense: float | None = None
) -> bool:
    """A match answers its demand well if it covers ``min_coverage`` of the demand's term weight,
    or (when given) its dense cosine similarity reaches ``min_dense``."""
    s = match.reasons.scores
    if s.coverage >= min_coverage:
        return True
    return min_dense is not None and s.dense is not None and s.dense >= min_dense


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """The batch map's summary: which demands have a good answer and which are gaps."""

    covered: tuple[str, ...]
    gaps: tuple[str, ...]
    best: Mapping[str, Match | None]

    @property
    def coverage(self) -> float:
        total = len(self.covered) + len(self.gaps)
        return len(self.covered) / total if total else 0.0


def coverage_report(
    results: Mapping[str, SearchResults],
    *,
    min_coverage: float = 0.5,
    min_dense: float | None = None,
) -> CoverageReport:
    """Summarise a batch map (demand id → its results over the supply): a demand whose best
    match is not a good answer (see :func:`is_good_answer`) is a gap, a 卡脖子 candidate."""
    covered: list[str] = []
    gaps: list[str] = []
    best: dict[str, Match | None] = {}
    for demand_id, res in results.items():
        good = [
            m
            for m in res.matches
            if is_good_answer(m, min_coverage=min_coverage, min_dense=min_dense)
        ]
        best[demand_id] = good[0] if good else (res.matches[0] if res.matches else None)
        (covered if good else gaps).append(demand_id)
    return CoverageReport(tuple(covered), tuple(gaps), best)
