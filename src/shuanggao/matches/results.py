"""Matching's result types and limits: what a searcher asks for and what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shuanggao_matching import (
    Match as LibMatch,
)

from shuanggao.demand.models import Demand
from shuanggao.demand.policy import DemandPolicy
from shuanggao.errors import ValidationFailed
from shuanggao.matches.models import Match
from shuanggao.matches.schemas import (
    MatchResult,
    MatchResults,
)
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.policy import SupplyPolicy
from shuanggao.supply.repository import ItemBrief
from shuanggao.supply.schemas import SupplyKind

SUPPLY_POLICY = SupplyPolicy()
# A supply item as a result holds it: the ORM object (pages) or its brief (the API, the job).
ShownItem = SupplyItem | ItemBrief
DEMAND_POLICY = DemandPolicy()
MAX_TOP = 100
# A demand is covered when its best supply item holds this share of its term weight.
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class SearchOptions:
    """What a searcher can ask for beyond the text: how many, and which filters."""

    top: int = 10
    # Only the universities paired with the demand's zone (demand → supply), or only the zones
    # paired with the item's university (supply → demand).
    paired_only: bool = False
    # Only supply whose transfer modes or kind fit the demand's cooperation mode.
    mode_compatible: bool = False
    # Only results at or above this TRL (科技成果; other kinds have no maturity).
    min_maturity: int | None = None
    kinds: tuple[str, ...] = ()

    def checked(self) -> SearchOptions:
        fields: dict[str, str] = {}
        if not 1 <= self.top <= MAX_TOP:
            fields["top"] = f"应为 1 到 {MAX_TOP} 之间的整数"
        if self.min_maturity is not None and not 1 <= self.min_maturity <= 9:
            fields["min_maturity"] = "应为 1 到 9 之间的整数（TRL）"
        known = {k.value for k in SupplyKind}
        kinds = tuple(SupplyKind.parse(k) for k in self.kinds)
        if any(k not in known for k in kinds):
            fields["kinds"] = "应为以下之一：" + "、".join(SupplyKind.labels())
        if fields:
            raise ValidationFailed(fields=fields)
        return SearchOptions(
            self.top,
            self.paired_only,
            self.mode_compatible,
            self.min_maturity,
            tuple(str(k) for k in kinds),
        )


@dataclass
class Hit:
    """One result row: the record, how it is named to this actor, its score and reasons."""

    kind: str  # "supply_item" | "demand"
    obj: Any
    title: str
    owner: str | None
    score: float
    rank: int
    reasons: dict[str, Any]
    lib: LibMatch
    match: Match | None = None
    # The stored pair behind this hit, once recorded: (demand, supply item as ``obj`` holds it).
    pair: tuple[Demand, Any] | None = None
    # A conflict of interest between the item's researcher and the demand's enterprise
    # (``matches.conflicts``): flagged for everyone, the reason only for those who may read it.
    conflict: bool = False
    conflict_reason: str | None = None

    def result(self) -> MatchResult:
        return MatchResult(
            kind="supply_item" if self.kind == "supply_item" else "demand",
            id=self.obj.id,
            title=self.title,
            owner=self.owner,
            score=self.score,
            reasons=self.reasons,
            conflict=self.conflict,
            conflict_reason=self.conflict_reason,
        )


@dataclass
class ExpertHit:
    name: str
    university_id: int
    university_name: str
    score: float
    items: list[Hit]
    # The name is not shown (no consent): the key names the first item, not the person.
    withheld: bool = False

    @property
    def key(self) -> str:
        if self.withheld:
            return f"{self.university_id}:#{self.items[0].obj.id}"
        return f"{self.university_id}:{self.name}"

    def result(self) -> MatchResult:
        terms: list[str] = []
        for hit in self.items:
            for t in hit.reasons.get("shared_terms", []):
                if t["term"] not in terms:
                    terms.append(t["term"])
        return MatchResult(
            kind="expert",
            id=self.key,
            title=self.name,
            owner=self.university_name,
            score=self.score,
            reasons={
                "items": [{"id": h.obj.id, "title": h.title, "score": h.score} for h in self.items],
                "shared_terms": terms,
            },
        )


@dataclass
class MatchRun:
    method: str
    note: str | None
    filters_applied: list[str]
    hits: list[Hit] = field(default_factory=list)
    query_terms: list[str] = field(default_factory=list)
    model_version: str = ""

    def results(self) -> MatchResults:
        return MatchResults(
            model_version=self.model_version,
            method=self.method,
            note=self.note,
            filters_applied=self.filters_applied,
            results=[h.result() for h in self.hits],
        )
