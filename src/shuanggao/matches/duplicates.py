"""Duplicate and near-duplicate needs: the same problem entered twice (by one enterprise, by two
firms of a zone, by zones across the province).

Two needs are compared on their text through the matching engine's tokenizer
(``shuanggao_matching``: jieba with the domain dictionary, search mode), each term weighted by
its rarity among the needs compared (IDF, so the templates every need shares — 希望联合高校开展攻关
— count little), and on their codes: the same chain node or the same GB/T 4754 class raises the
score, two different industries lower it. Pure functions over objects with the demand's fields
(``Demand`` rows or ``NeedText`` for the labelled set); the threshold was chosen on
``data/duplicate_pairs.csv`` (``shuanggao matching duplicates-eval`` prints precision/recall).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shuanggao.matches.index import shared_tokenizer

# Flagged as a possible duplicate at or above this score (chosen on the labelled set).
FLAG_AT = 0.54
# "疑似重复" (the same need) at or above this; between FLAG_AT and it, "相近需求".
SAME_AT = 0.8
SAME_CODE = 0.08
SAME_NODE = 0.08
OTHER_INDUSTRY = 0.2


@dataclass(frozen=True, slots=True)
class NeedText:
    """The fields a comparison reads (a demand, or one side of a labelled pair)."""

    title: str
    description: str = ""
    technical_indicators: str | None = None
    keywords: Sequence[str] = ()
    industry_code: str | None = None
    chain_node: str | None = None
    chain_node_id: int | None = None


@dataclass(frozen=True, slots=True)
class Features:
    title: frozenset[str]
    body: frozenset[str]
    industry_code: str | None
    node: str | None


@dataclass
class Corpus:
    """Term rarity over the needs compared: ``weight(t) = ln((N + 1) / (df + 1)) + 1``."""

    size: int = 0
    df: Counter[str] = field(default_factory=Counter)
    # Weights computed so far (a comparison asks for the same terms again and again).
    _weights: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def add(self, features: Features) -> None:
        self.size += 1
        self.df.update(features.body)
        self._weights.clear()

    def weight(self, term: str) -> float:
        found = self._weights.get(term)
        if found is None:
            found = math.log((self.size + 1) / (self.df.get(term, 0) + 1)) + 1.0
            self._weights[term] = found
        return found


def _text(need: Any, name: str) -> str:
    value = getattr(need, name, None)
    return str(value) if value else ""


def features(need: Any) -> Features:
    tok = shared_tokenizer()
    # Interned: the duplicate index keeps the features of every stored need, and the terms
    # repeat from need to need.
    title = frozenset(map(sys.intern, tok.tokenize(_text(need, "title"))))
    keywords = " ".join(getattr(need, "keywords", None) or ())
    rest = " ".join((_text(need, "description"), _text(need, "technical_indicators"), keywords))
    body = title | frozenset(map(sys.intern, tok.tokenize(rest)))
    node_id = getattr(need, "chain_node_id", None)
    node = f"id:{node_id}" if node_id else (_text(need, "chain_node") or None)
    code = _text(need, "industry_code") or None
    return Features(title, body, code, node)


def _cosine(a: frozenset[str], b: frozenset[str], corpus: Corpus) -> float:
    if not a or not b:
        return 0.0
    shared = sum(corpus.weight(t) ** 2 for t in a & b)
    if shared == 0.0:
        return 0.0
    na = math.sqrt(sum(corpus.weight(t) ** 2 for t in a))
    nb = math.sqrt(sum(corpus.weight(t) ** 2 for t in b))
    return shared / (na * nb)


@dataclass(frozen=True, slots=True)
class Similarity:
    score: float
    text: float
    same_code: bool
    same_node: bool
    other_industry: bool
    shared: tuple[str, ...]

    @property
    def kind(self) -> str:
        """``same`` (疑似重复), ``near`` (相近需求) or ``none``."""
        if self.score >= SAME_AT:
            return "same"
        return "near" if self.score >= FLAG_AT else "none"


def similarity(a: Features, b: Features, corpus: Corpus) -> Similarity:
    title = _cosine(a.title, b.title, corpus)
    body = _cosine(a.body, b.body, corpus)
    # Both must agree: the same topic with another need shares the title's words but not the
    # description's; the same template on another topic shares the description but not the title.
    text = min(title, body)
    same_code = bool(a.industry_code and a.industry_code == b.industry_code)
    same_node = bool(a.node and a.node == b.node)
    # Two coded needs of different industries (GB/T 4754 大类) are rarely one problem.
    other = bool(a.industry_code and b.industry_code and a.industry_code[:3] != b.industry_code[:3])
    score = text + SAME_CODE * same_code + SAME_NODE * same_node - OTHER_INDUSTRY * other
    shared = sorted(a.body & b.body, key=lambda t: (-corpus.weight(t), t))
    return Similarity(
        round(max(0.0, min(1.0, score)), 4), round(text, 4), same_code, same_node, other,
        tuple(t for t in shared if len(t) > 1)[:6],
    )  # fmt: skip


def corpus_of(items: Iterable[Features]) -> Corpus:
    corpus = Corpus()
    for f in items:
        corpus.add(f)
    return corpus


def similar_pairs(
    feats: Sequence[Features], corpus: Corpus, *, at: float = FLAG_AT
) -> list[tuple[int, int, Similarity]]:
    """Every pair ``(i, j)`` (``i < j``) scoring ``at`` or more. Needs sharing no rare term are
    skipped without scoring (an inverted index on their terms)."""
    postings: dict[str, list[int]] = {}
    for i, f in enumerate(feats):
        for term in f.body:
            postings.setdefault(term, []).append(i)
    common = max(10, len(feats) // 4)
    out: list[tuple[int, int, Similarity]] = []
    for i, f in enumerate(feats):
        candidates: set[int] = set()
        for term in f.body:
            posting = postings[term]
            if len(posting) <= common:
                candidates.update(j for j in posting if j > i)
        for j in sorted(candidates):
            sim = similarity(f, feats[j], corpus)
            if sim.score >= at:
                out.append((i, j, sim))
    return out


def groups(n: int, pairs: Iterable[tuple[int, int, Any]]) -> list[list[int]]:
    """Connected groups of needs (union–find over the flagged pairs), largest first."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(find(i), []).append(i)
    found = [m for m in members.values() if len(m) > 1]
    found.sort(key=lambda m: (-len(m), m[0]))
    return found
