"""Placing needs on the zone's chain nodes: the classifier proposes, a person confirms.

A node's profile is its name (×3 in the label profile), its keywords (重点产品, technology words)
and its description. A need's score for a node is its lexical score against the profiles
(scaled so the best node is 1), plus evidence from the codes the map carries: the need's
GB/T 4754 code and the industry classifier's best three agree with one of the node's codes
(``CODE_WEIGHT``), the need's 战略性新兴产业 category and the classifier's best three agree with
one of the node's categories (``PATH_WEIGHT``). The best node scoring at least ``MIN_SCORE`` is
proposed; the proposal is kept apart from the confirmed node (``demand.chain_node_id``).

The scaled score says which node is best, not whether any is good: the best node always scales
to 1. So a node is proposed only on evidence of its own (``node_evidence``): one of its words
(its name or a keyword of two or more characters) in the need's text, or the need's own GB/T
4754 code or 战略性新兴产业 category agreeing with the node's. The classifier's guesses add to
the score but are not evidence (they are read from the same text), and the raw lexical score
must reach ``MIN_LEXICAL`` (BM25 against the node profiles) unless the need's own code agrees.
Without the floor, 数字孪生可靠性提升 (a digital-twin need sharing one generic word with the
chain) was proposed under 正负极材料.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shuanggao_matching import Classifier, Label
from shuanggao_matching.text import normalize

from shuanggao.chains.catalog import normalize_path
from shuanggao.chains.models import ChainNode
from shuanggao.demand.models import Demand
from shuanggao.matches import classifiers
from shuanggao.matches.index import MatchIndex, shared_tokenizer

CODE_WEIGHT = 0.3
PATH_WEIGHT = 0.2
MIN_SCORE = 0.3
# The best node's raw lexical score (BM25) below which only the need's own codes may propose it.
MIN_LEXICAL = 1.0
# Node words shorter than this are not evidence alone (锂 is in every battery need).
MIN_WORD = 2
# How many industry codes / categories of the classifier count as the need's own.
CLASSIFIER_TOP = 3


@dataclass(frozen=True)
class Proposal:
    node_id: int
    score: float


def demand_text(demand: Demand) -> str:
    parts = (demand.title, demand.description, demand.technical_indicators, *demand.keywords)
    return "\n".join(p for p in parts if p)


def _label(node: ChainNode) -> Label:
    parts = [*node.keywords, node.description or ""]
    return Label(code=str(node.id), name=node.name, description="\n".join(p for p in parts if p))


def _code_agrees(codes: set[str], node: ChainNode) -> bool:
    """A node code equals one of ``codes`` or is its broader class (C38 covers C3841)."""
    return any(c.startswith(n) or n.startswith(c) for c in codes for n in node.industry_codes)


def _words_in(text: str, node: ChainNode) -> list[str]:
    """The node's own words (name, keywords; two characters or more) found in ``text``."""
    haystack = normalize(text).lower()
    words = [node.name, *node.keywords]
    return [w for w in words if len(w) >= MIN_WORD and normalize(w).lower() in haystack]


def node_evidence(demand: Demand, text: str, node: ChainNode) -> tuple[bool, bool]:
    """``(words, codes)``: a word of the node in the need's text; the need's own GB/T code or
    战略性新兴产业 category (not a classifier's guess) agreeing with the node's."""
    own_codes = {demand.industry_code} if demand.industry_code else set()
    own_paths = {normalize_path(demand.chain_node)} if demand.chain_node else set()
    coded = _code_agrees(own_codes, node) or bool(own_paths & set(node.emerging_paths))
    return bool(_words_in(text, node)), coded


class NodeProposer:
    """Proposes nodes among ``nodes`` (one zone's) for needs; built once per batch."""

    def __init__(self, index: MatchIndex | None, nodes: Sequence[ChainNode]) -> None:
        """``index``: the matching index whose classifiers add code evidence (None: only the
        need's own codes count, e.g. while demo data is loaded without an index)."""
        self.nodes = {n.id: n for n in nodes}
        self.index = index
        self.classifier = (
            Classifier([_label(n) for n in nodes], tokenizer=shared_tokenizer()) if nodes else None
        )

    def evidence(self, demand: Demand, text: str) -> tuple[set[str], set[str]]:
        codes = {demand.industry_code} if demand.industry_code else set()
        paths = {normalize_path(demand.chain_node)} if demand.chain_node else set()
        if self.index is None:
            return codes, paths
        for found in classifiers.classifier(self.index, "industry").classify(
            text, top_k=CLASSIFIER_TOP
        ):
            codes.add(found.code)
        for found in classifiers.classifier(self.index, "chain_node").classify(
            text, top_k=CLASSIFIER_TOP
        ):
            paths.add(normalize_path(found.code))
        return codes, paths

    def scores(self, demand: Demand) -> dict[int, float]:
        return self._scores(demand, demand_text(demand))[0]

    def _scores(self, demand: Demand, text: str) -> tuple[dict[int, float], dict[int, float]]:
        """(scaled scores, raw lexical scores) per node."""
        if self.classifier is None:
            return {}, {}
        ranked = self.classifier.classify(text, top_k=len(self.nodes), method="lexical")
        top = max((r.score for r in ranked), default=0.0)
        raw = {int(r.code): r.score for r in ranked}
        lexical = {int(r.code): (r.score / top if top > 0 else 0.0) for r in ranked}
        codes, paths = self.evidence(demand, text)
        out: dict[int, float] = {}
        for node_id, node in self.nodes.items():
            score = lexical.get(node_id, 0.0)
            if _code_agrees(codes, node):
                score += CODE_WEIGHT
            if paths & set(node.emerging_paths):
                score += PATH_WEIGHT
            out[node_id] = round(score, 4)
        return out, raw

    def propose(self, demand: Demand) -> Proposal | None:
        """The best node with evidence of its own (``node_evidence``) above the floors."""
        text = demand_text(demand)
        scores, raw = self._scores(demand, text)
        order = sorted(scores, key=lambda i: (-scores[i], self.nodes[i].position, i))
        for node_id in order:
            if scores[node_id] < MIN_SCORE:
                return None
            words, coded = node_evidence(demand, text, self.nodes[node_id])
            if coded or (words and raw.get(node_id, 0.0) >= MIN_LEXICAL):
                return Proposal(node_id, scores[node_id])
        return None
