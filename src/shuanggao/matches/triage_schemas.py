"""What the broker pages and API return: the triage queue and the duplicate-need list."""

from __future__ import annotations

from pydantic import BaseModel

from shuanggao.kit.enums import LabeledEnum


class Confidence(LabeledEnum):
    """How well the best supply answers a need (the matcher's coverage of its term weight)."""

    GOOD = ("good", "有较好答案")
    WEAK = ("weak", "答案较弱")
    NONE = ("none", "暂无合适答案")


class QueueRow(BaseModel):
    demand_id: int
    title: str
    zone_id: int
    zone_name: str
    owner: str
    triage_state: str
    prompts: list[str]
    vague: bool
    confidence: str
    best_coverage: float | None
    best_score: float | None
    best_supply_id: int | None
    best_supply_title: str | None
    duplicates: int


class TriageQueue(BaseModel):
    zone_id: int | None
    counts: dict[str, int]
    rows: list[QueueRow]


class SimilarNeed(BaseModel):
    """A need flagged as similar to another: named only as its reader may know it."""

    demand_id: int
    title: str
    zone_name: str
    owner: str
    visibility: str
    triage_state: str


class DuplicatePair(BaseModel):
    a: int
    b: int
    score: float
    kind: str
    same_code: bool
    same_node: bool
    shared_terms: list[str]


class DuplicateGroup(BaseModel):
    members: list[SimilarNeed]
    pairs: list[DuplicatePair]
    best_score: float


class DuplicateList(BaseModel):
    zone_id: int | None
    threshold: float
    groups: list[DuplicateGroup]
