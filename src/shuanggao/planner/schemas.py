"""API schemas of the planner: explained affinities, recommendations, the plan, the evaluation."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from shuanggao.kit.validation import CleanInput

DEFAULT_CAPACITY = 2
MAX_CAPACITY = 20
MAX_PARTNERS = 5


class Signals(BaseModel):
    matching: float
    fit: float
    cooperation: float
    distance: float


class DemandAnswer(BaseModel):
    """A demand of the zone one of the university's items answers (best item per demand)."""

    demand_id: int | None
    demand_title: str
    supply_item_id: int
    supply_item_title: str
    coverage: float = Field(description="需求词项被该条供给覆盖的加权比例（0–1）")
    answered: bool
    shared_terms: list[str]


class IndustryLink(BaseModel):
    industry_code: str
    industry_name: str | None
    discipline_code: str
    discipline_name: str | None
    weight: float


class Affinity(BaseModel):
    zone_id: int
    zone_name: str
    zone_city: str
    university_id: int
    university_name: str
    university_city: str
    rank: int
    score: float
    signals: Signals
    paired: bool = Field(description="已与该高新区结对")
    demands_answered: int
    demands_total: int
    chain_nodes: list[str]
    answers: list[DemandAnswer]
    links: list[IndustryLink]
    projects: int
    residents: int
    facts: int
    distance: str | None
    reasons: list[str]


class Recommendations(BaseModel):
    subject: str = Field(description="zone 或 university")
    subject_id: int
    subject_name: str
    method: str
    weights: dict[str, float]
    candidates: int
    results: list[Affinity]


class FixedPair(CleanInput):
    zone_id: int = Field(ge=1)
    university_id: int = Field(ge=1)


class CapacityOverride(CleanInput):
    university_id: int = Field(ge=1)
    capacity: int = Field(ge=0, le=MAX_CAPACITY)


class PlanRequest(CleanInput):
    """What-if parameters. ``capacity`` is the most pilots (existing ones included) a university
    may take part in; ``partners`` how many universities each unpaired zone gets."""

    capacity: int = Field(default=DEFAULT_CAPACITY, ge=0, le=MAX_CAPACITY)
    partners: int = Field(default=1, ge=1, le=MAX_PARTNERS)
    capacities: list[CapacityOverride] = Field(default_factory=list)
    fixed: list[FixedPair] = Field(default_factory=list)


class PlanPair(BaseModel):
    zone_id: int
    zone_name: str
    zone_city: str
    university_id: int
    university_name: str
    university_city: str
    affinity: float
    signals: Signals
    fixed: bool
    reasons: list[str]


class UniversityLoad(BaseModel):
    university_id: int
    university_name: str
    existing: int
    proposed: int
    capacity: int


class PlanRead(BaseModel):
    as_of: dt.date
    target_total: int = Field(
        description="规划目标：全省省级及以上高新区数（来源见 target_source）"
    )
    target_source: str | None
    registered: int
    unregistered: int
    paired: int
    zones: int = Field(description="本方案需结对的已登记未结对高新区数")
    covered: int
    total_affinity: float
    greedy_covered: int
    greedy_total_affinity: float
    gain_over_greedy: float
    method: str
    parameters: PlanRequest
    pairs: list[PlanPair]
    greedy_pairs: list[PlanPair]
    loads: list[UniversityLoad]


class RecallFigure(BaseModel):
    name: str
    label: str
    recall_at_3: float
    recall_at_5: float
    hits_at_3: float
    hits_at_5: float


class ZoneRecall(BaseModel):
    zone_id: int
    zone_name: str
    hidden: list[str]
    ranks: list[int]


class EvaluationRead(BaseModel):
    as_of: dt.date
    zones: int
    hidden_pairs: int
    candidates: int
    method: str
    note: str
    figures: list[RecallFigure]
    per_zone: list[ZoneRecall]
