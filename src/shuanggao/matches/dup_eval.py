"""Precision and recall of the duplicate-need flag on the labelled set
(``data/duplicate_pairs.csv``, built by ``scripts/build_duplicate_pairs.py``).

A pair labelled ``same`` or ``near`` should be flagged (score ≥ ``duplicates.FLAG_AT``); a pair
labelled ``not`` should not. Term rarity is taken over every need of the set, as the broker list
takes it over the needs it compares.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from shuanggao.matches import duplicates as dup

DEFAULT_PAIRS = Path(__file__).parent / "data" / "duplicate_pairs.csv"
POSITIVE = frozenset({"same", "near"})


@dataclass(frozen=True, slots=True)
class Scored:
    label: str
    origin: str
    score: float
    a_title: str
    b_title: str


@dataclass(frozen=True, slots=True)
class PR:
    threshold: float
    precision: float
    recall: float
    f1: float
    flagged: int
    positives: int


def _need(row: dict[str, str], side: str) -> dup.NeedText:
    keywords = [k for k in row[f"{side}_keywords"].replace(";", "；").split("；") if k.strip()]
    return dup.NeedText(
        title=row[f"{side}_title"],
        description=row[f"{side}_description"],
        keywords=tuple(keywords),
        industry_code=row[f"{side}_industry_code"] or None,
        chain_node=row[f"{side}_chain_node"] or None,
    )


def score_pairs(path: Path = DEFAULT_PAIRS) -> list[Scored]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pairs = [(_need(r, "a"), _need(r, "b"), r["label"], r["origin"]) for r in rows]
    cache: dict[dup.NeedText, dup.Features] = {}
    for a, b, _, _ in pairs:
        for n in (a, b):
            if n not in cache:
                cache[n] = dup.features(n)
    corpus = dup.corpus_of(cache.values())
    return [
        Scored(label, origin, dup.similarity(cache[a], cache[b], corpus).score, a.title, b.title)
        for a, b, label, origin in pairs
    ]


def at_threshold(scored: list[Scored], threshold: float) -> PR:
    positives = sum(s.label in POSITIVE for s in scored)
    flagged = [s for s in scored if s.score >= threshold]
    hits = sum(s.label in POSITIVE for s in flagged)
    precision = hits / len(flagged) if flagged else 1.0
    recall = hits / positives if positives else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PR(
        threshold, round(precision, 4), round(recall, 4), round(f1, 4), len(flagged), positives
    )


def sweep(
    scored: list[Scored], start: float = 0.2, stop: float = 0.9, step: float = 0.02
) -> list[PR]:
    out: list[PR] = []
    t = start
    while t <= stop + 1e-9:
        out.append(at_threshold(scored, round(t, 2)))
        t += step
    return out


def best(scored: list[Scored]) -> PR:
    """The threshold with the best F1 on ``scored`` (ties: the higher precision)."""
    return max(sweep(scored), key=lambda p: (p.f1, p.precision, p.threshold))


def two_fold(scored: list[Scored]) -> list[tuple[float, PR]]:
    """Choose the threshold on half the pairs (even rows), measure it on the other half (odd
    rows), and the other way round: how much the figure owes to choosing on the same pairs."""
    halves = (scored[0::2], scored[1::2])
    out: list[tuple[float, PR]] = []
    for pick, measure in (halves, halves[::-1]):
        chosen = best(pick).threshold
        out.append((chosen, at_threshold(measure, chosen)))
    return out
