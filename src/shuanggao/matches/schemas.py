"""Match vocabulary and the shapes of match results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput


class MatchState(LabeledEnum):
    RECOMMENDED = ("recommended", "推荐")
    VIEWED = ("viewed", "已查看")
    INTERESTED = ("interested", "有意向")
    DISMISSED = ("dismissed", "不相关")


# Feedback moves forward: a recommendation is viewed, then judged; a judgement may be revised.
STATE_TRANSITIONS: dict[MatchState, frozenset[MatchState]] = {
    MatchState.RECOMMENDED: frozenset(
        {MatchState.VIEWED, MatchState.INTERESTED, MatchState.DISMISSED}
    ),
    MatchState.VIEWED: frozenset({MatchState.INTERESTED, MatchState.DISMISSED}),
    MatchState.INTERESTED: frozenset({MatchState.DISMISSED}),
    MatchState.DISMISSED: frozenset({MatchState.INTERESTED}),
}


class JudgementSide(LabeledEnum):
    DEMAND = ("demand", "需求方")
    SUPPLY = ("supply", "供给方")
    PROVINCE = ("province", "省级")


StateField = Annotated[MatchState, labeled(MatchState)]
ResultKind = Literal["supply_item", "demand", "expert"]


class MatchResult(BaseModel):
    """One ranked result, as the CLI and the API print it."""

    kind: ResultKind
    id: int | str
    title: str
    owner: str | None
    score: float
    reasons: dict[str, Any]
    # A declared tie or same-organisation pair (conflicts.rules); the reason is null for readers
    # who may not read the researcher's declarations.
    conflict: bool = False
    conflict_reason: str | None = None


MACHINE_LABEL = "机器推荐"


class MatchResults(BaseModel):
    """Ranked results and how they were produced (``note`` says when the model is missing).

    Every result is a machine suggestion (PIPL 24): ``label`` says so and ``model_version``
    names the engine and model that produced it; ``reasons`` say why."""

    label: str = MACHINE_LABEL
    model_version: str = ""
    method: str
    note: str | None = None
    filters_applied: list[str] = Field(default_factory=list)
    results: list[MatchResult]


class JudgementRead(BaseModel):
    """One side's judgement; ``reason`` is null (``reason_hidden``) for readers outside the
    side that gave it and the administrators above it."""

    side: str
    side_label: str
    state: StateField
    reason: str | None
    reason_hidden: bool
    judged_by: str
    judged_at: dt.datetime


class MatchRead(BaseModel):
    id: int
    demand_id: int
    supply_item_id: int
    score: float
    rank: int
    method: str
    # The sum of the sides' judgements (see ``Match``); each side's own in ``judgements``.
    state: StateField
    # This reader's side's judgement (null: not judged yet, or the reader judges no side).
    own_state: StateField | None = None
    # The reason of this reader's side, when it has given one.
    state_reason: str | None
    state_changed_at: dt.datetime | None
    version: int
    judgements: list[JudgementRead]


class StateChange(CleanInput):
    state: StateField
    reason: str | None = Field(default=None, max_length=1000)


class FeedbackCounts(BaseModel):
    """How people judged the recommendations they can see."""

    total: int
    by_state: dict[str, int]
    # Each side's judgements by state ("demand", "supply", "province").
    by_side: dict[str, dict[str, int]]
    # Reasons of 不相关 the reader may see: their side's and, for administrators, those below.
    dismiss_reasons: dict[str, int]


class CodeSuggestion(BaseModel):
    code: str
    name: str
    score: float


class CodeSuggestions(BaseModel):
    """Suggested classification codes for a record that has none (the classifier's top 3)."""

    method: str
    industry_codes: list[CodeSuggestion] = Field(default_factory=list)
    chain_nodes: list[CodeSuggestion] = Field(default_factory=list)
    discipline_codes: list[CodeSuggestion] = Field(default_factory=list)


class MapRow(BaseModel):
    demand_id: int
    title: str
    owner: str | None
    industry_code: str | None
    chain_node: str | None
    triage_state: str
    covered: bool
    best: MatchResult | None
    top: list[MatchResult]


class ZoneMap(BaseModel):
    """A zone's demands × its paired universities' supply: coverage and gaps (卡脖子 candidates)."""

    zone_id: int
    zone_name: str
    universities: list[dict[str, Any]]
    method: str
    note: str | None
    coverage: float
    covered: int
    gaps: int
    rows: list[MapRow]
