"""What the chain map, the reverse view, the gap reports and the batch map return."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shuanggao.kit.enums import LabeledEnum
from shuanggao.kit.validation import CleanInput


class NodeState(LabeledEnum):
    """How a node's needs are answered (the node's colour)."""

    EMPTY = ("empty", "暂无需求")
    ANSWERED = ("answered", "结对高校已有较好供给")
    PARTIAL = ("partial", "部分需求已有较好供给")
    ELSEWHERE = ("elsewhere", "省内其他高校有较好供给")
    GAP = ("gap", "缺口")


class Placement(LabeledEnum):
    CONFIRMED = ("confirmed", "已确认")
    PROPOSED = ("proposed", "系统推荐，待确认")


class SupplyBrief(BaseModel):
    id: int
    title: str
    owner: str | None
    university_id: int
    university_name: str
    score: float
    coverage: float
    strong: bool
    reasons: dict[str, Any] = Field(default_factory=dict)


class NeedRow(BaseModel):
    """One need on a node: where it sits, and its best answers (paired and province-wide)."""

    demand_id: int
    title: str
    owner: str
    node_id: int | None
    placement: str | None  # Placement value
    triage_state: str
    version: int
    answered: bool  # a strong match among the paired universities' supply
    answered_elsewhere: bool  # no paired one, but one elsewhere in Jiangsu
    strong_matches: int
    best: SupplyBrief | None
    best_elsewhere: SupplyBrief | None
    top: list[SupplyBrief] = Field(default_factory=list)


class NodeStats(BaseModel):
    node_id: int
    chain_id: int
    name: str
    position: int
    industry_codes: list[str]
    emerging_paths: list[str]
    enterprises: list[str]
    demands: int
    confirmed: int
    proposed: int
    answered: int
    answered_elsewhere: int
    gaps: int
    strong_matches: int
    best_coverage: float | None
    state: str  # NodeState value
    state_label: str
    # The university whose supply answers this node's needs best (most strong matches).
    answered_by: list[str] = Field(default_factory=list)


class ChainGraph(BaseModel):
    chain_id: int
    name: str
    kind: str
    nodes: list[NodeStats]


class ChainMap(BaseModel):
    """A zone's (or a pairing's) chains with every node's numbers: what the graph draws."""

    zone_id: int
    zone_name: str
    pairing_id: int | None = None
    universities: list[dict[str, Any]]
    method: str
    note: str | None = None
    chains: list[ChainGraph]
    needs: list[NeedRow]
    # Needs the reader may see that sit on no node yet.
    unplaced: int


class NodeDetail(BaseModel):
    node: NodeStats
    chain_name: str
    zone_id: int
    needs: list[NeedRow]
    best_supply: list[SupplyBrief]
    experts: list[dict[str, Any]]
    gaps: list[NeedRow]


class NodeChoice(CleanInput):
    """A person places a need on a node (null: takes it off); ``version`` of the demand."""

    node_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    version: int | None = None


class Placed(BaseModel):
    demand_id: int
    chain_node_id: int | None
    proposed_chain_node_id: int | None
    proposed_chain_node_score: float | None
    version: int


class ProposalRun(BaseModel):
    zone_id: int
    demands: int
    proposed: int
    changed: int


class LandingRow(BaseModel):
    """A supply item of a university and where it lands on the zones' chains."""

    item_id: int
    title: str
    kind: str
    landings: list[dict[str, Any]]  # {zone, chain, node, demand_id, demand, score, coverage}
    needed: bool


class ReverseView(BaseModel):
    university_id: int
    university_name: str
    method: str
    items: list[LandingRow]
    nodes: list[dict[str, Any]]  # {zone, chain, node, node_id, items}
    unused: int


class GapRow(BaseModel):
    node: str
    chain: str
    demand_id: int
    title: str
    owner: str
    best_title: str | None
    best_owner: str | None
    best_coverage: float | None
    elsewhere_title: str | None
    elsewhere_owner: str | None


class DisciplineGap(BaseModel):
    code: str
    name: str
    demands: int
    examples: list[str]


class UniversityGaps(BaseModel):
    university_id: int
    university_name: str
    disciplines_held: list[str]
    lacking: list[DisciplineGap]
