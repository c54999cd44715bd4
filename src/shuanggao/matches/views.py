"""Presentation of match results for the pages: highlighted texts, named codes, score parts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from shuanggao.demand.models import Demand
from shuanggao.demand.schemas import CooperationMode, TriageState, Visibility
from shuanggao.matches.results import Hit
from shuanggao.matches.schemas import JudgementRead, MatchRead, MatchState
from shuanggao.reference import data as reference
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.schemas import Maturity, SupplyKind

SNIPPET_CHARS = 220


@cache
def code_names() -> dict[str, str]:
    """GB/T 4754 codes (C3841) and 一级学科 codes (0808) to their names."""
    names = {node.full_code: node.name for node in reference.industries()}
    names.update({d.code: d.name for d in reference.disciplines()})
    return names


def code_label(code: str) -> str:
    name = code_names().get(code)
    return f"{code} {name}" if name else code


def highlight(text: str | None, terms: list[str]) -> Markup:
    """``text`` escaped, with every occurrence of ``terms`` wrapped in ``<mark>``."""
    if not text:
        return Markup("")
    wanted = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))  # noqa: S704 - every piece is escaped above


def snippet(text: str | None, terms: list[str], limit: int = SNIPPET_CHARS) -> Markup:
    """The start of ``text`` (or the part around the first shared term), highlighted."""
    if not text:
        return Markup("")
    start = 0
    if len(text) > limit:
        first = min((i for t in terms if t and (i := text.find(t)) >= 0), default=0)
        start = max(0, min(first - 40, len(text) - limit))
    part = text[start : start + limit]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + limit < len(text) else ""
    return escape(prefix) + highlight(part, terms) + escape(suffix)


def shared_terms(reasons: dict[str, Any]) -> list[str]:
    """The shared terms, plus the original spellings found in the texts (for highlighting)."""
    out: list[str] = []
    for term in reasons.get("shared_terms", []):
        for text in [term["term"], *(s["text"] for s in term.get("doc_spans", []))]:
            if text and text not in out:
                out.append(text)
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@dataclass
class ScorePart:
    label: str
    value: str
    hint: str = ""


@dataclass
class CodeChip:
    label: str
    shared: bool


@dataclass
class HitView:
    rank: int
    kind: str
    id: int
    href: str
    title: Markup
    owner: str
    badges: list[str]
    snippet: Markup
    codes: list[CodeChip]
    terms: list[str]
    scores: list[ScorePart]
    filters: list[str]
    match_id: int | None
    state: str | None
    state_label: str
    state_reason: str | None
    may_judge: bool
    # Each side's judgement (reasons of other sides hidden), from ``matches.service.match_read``.
    judgements: list[JudgementRead] = field(default_factory=list)
    # The reader's side's own state ("interested", ...; None before they judged).
    own_state: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # A conflict of interest (``matches.conflicts``): the badge, and the reason or its placeholder.
    conflict: bool = False
    conflict_reason: str | None = None
    # Outside evidence that moved the score ("同一产业链环节：…", ``matches.chain_evidence``).
    evidence: list[str] = field(default_factory=list)


def _scores(reasons: dict[str, Any]) -> list[ScorePart]:
    s = reasons.get("scores", {})
    parts = [ScorePart("综合得分", _num(s.get("fused")), "融合后的排序得分")]
    if s.get("lexical") is not None:
        parts.append(ScorePart("关键词", _num(s.get("lexical")), "BM25 关键词匹配得分"))
    if s.get("dense") is not None:
        parts.append(ScorePart("语义", _num(s.get("dense")), "语义向量余弦相似度"))
    parts.append(ScorePart("需求覆盖", _pct(s.get("coverage")), "需求关键词权重被覆盖的比例"))
    return parts


def _codes(codes: list[str], reasons: dict[str, Any]) -> list[CodeChip]:
    shared: set[str] = set()
    for c in reasons.get("shared_codes", []):
        shared.update(c.split("~"))
    return [CodeChip(code_label(c), c in shared) for c in codes]


def _state(hit: Hit, read: MatchRead | None) -> tuple[int | None, str | None, str, str | None]:
    if hit.match is None:
        return None, None, "", None
    state = MatchState(hit.match.state)
    return hit.match.id, state.value, state.label, read.state_reason if read else None


def _hit_view(
    hit: Hit,
    may_judge: bool,
    read: MatchRead | None,
    kind: str,
    href: str,
    title: str,
    text: str,
    badges: list[str],
    codes: list[str],
    *,
    extra: dict[str, str] | None = None,
) -> HitView:
    """A hit on a ``kind`` record (``supply_item`` or ``demand``) at ``href``: its shared terms
    highlighted, its scores and the feedback state of its stored recommendation."""
    terms = shared_terms(hit.reasons)
    match_id, state, label, reason = _state(hit, read)
    return HitView(
        rank=hit.rank,
        kind=kind,
        id=hit.obj.id,
        href=href,
        title=highlight(title, terms),
        owner=hit.owner or "",
        badges=badges,
        snippet=snippet(text, terms),
        codes=_codes(codes, hit.reasons),
        terms=[t["term"] for t in hit.reasons.get("shared_terms", [])],
        scores=_scores(hit.reasons),
        filters=list(hit.reasons.get("filters_applied", [])),
        match_id=match_id,
        state=state,
        state_label=label,
        state_reason=reason,
        may_judge=may_judge and match_id is not None,
        judgements=list(read.judgements) if read else [],
        own_state=read.own_state.value if read and read.own_state else None,
        extra=extra if extra is not None else {},
        conflict=hit.conflict,
        conflict_reason=hit.conflict_reason,
        evidence=[str(e) for e in hit.reasons.get("evidence", [])],
    )


def supply_hit_view(hit: Hit, may_judge: bool, read: MatchRead | None = None) -> HitView:
    item: SupplyItem = hit.obj
    text = "\n".join(
        p
        for p in (
            item.abstract,
            item.research_directions,
            item.representative_results,
            item.sharing_terms,
            item.data_description,
        )
        if p
    )
    badges = [SupplyKind(item.kind).label]
    if item.maturity:
        badges.append(Maturity(item.maturity).label)
    return _hit_view(
        hit,
        may_judge,
        read,
        "supply_item",
        f"/r/supply_items/{item.id}",
        item.title,
        text,
        badges,
        [*item.discipline_codes, *item.industry_codes],
    )


def demand_hit_view(hit: Hit, may_judge: bool, read: MatchRead | None = None) -> HitView:
    demand: Demand = hit.obj
    text = "\n".join(p for p in (demand.description, demand.technical_indicators) if p)
    badges = [
        CooperationMode(demand.cooperation_mode).label,
        Visibility(demand.visibility).label,
        TriageState(demand.triage_state).label,
    ]
    return _hit_view(
        hit,
        may_judge,
        read,
        "demand",
        f"/r/demands/{demand.id}",
        demand.title,
        text,
        badges,
        [c for c in (demand.industry_code,) if c],
        extra={"zone": demand.zone.name},
    )


METHOD_LABELS = {
    "hybrid": "关键词 + 语义混合匹配",
    "lexical": "关键词匹配",
    "dense": "语义匹配",
}


MAP_CHART_GROUPS = 12
UNLABELLED_INDUSTRY = "未填写行业"
OTHER_INDUSTRIES = "其他行业"


def map_chart_groups(rows: list[Any]) -> list[dict[str, Any]]:
    """The zone map's chart: per industry (named, not coded), how many demands have a good
    supply and how many are gaps; the largest groups first, the rest as 其他行业."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        label = code_label(row.industry_code) if row.industry_code else UNLABELLED_INDUSTRY
        group = groups.setdefault(label, {"label": label, "covered": 0, "gaps": 0})
        group["covered" if row.covered else "gaps"] += 1
    ordered = sorted(groups.values(), key=lambda g: (-(g["covered"] + g["gaps"]), g["label"]))
    if len(ordered) <= MAP_CHART_GROUPS:
        return ordered
    kept, rest = ordered[: MAP_CHART_GROUPS - 1], ordered[MAP_CHART_GROUPS - 1 :]
    other = {
        "label": OTHER_INDUSTRIES,
        "covered": sum(g["covered"] for g in rest),
        "gaps": sum(g["gaps"] for g in rest),
    }
    return [*kept, other]
