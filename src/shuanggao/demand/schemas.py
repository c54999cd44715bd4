"""Demand schemas and vocabulary."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.reference.data import is_industry_code
from shuanggao.supply.schemas import DbId


class CooperationMode(LabeledEnum):
    DEVELOPMENT = ("development", "技术开发")
    TRANSFER = ("transfer", "技术转让")
    LICENSE = ("license", "技术许可")
    CONSULTING = ("consulting", "技术咨询")
    PLATFORM = ("platform", "共建平台")
    TALENT = ("talent", "人才培养")


class Visibility(LabeledEnum):
    PUBLIC = ("public", "公开")
    PAIRED = ("paired", "仅结对高校")
    ANONYMOUS = ("anonymous", "匿名发布")
    ADMINS = ("admins", "仅管理员")


class TriageState(LabeledEnum):
    PENDING = ("pending", "待梳理")
    REFINED = ("refined", "已凝练")
    REDIAGNOSE = ("rediagnose", "需再诊断")
    LONG_TERM = ("long_term", "长期攻关")


# The triage workflow: which states a demand may move to from each state.
TRIAGE_TRANSITIONS: dict[TriageState, frozenset[TriageState]] = {
    TriageState.PENDING: frozenset(
        {TriageState.REFINED, TriageState.REDIAGNOSE, TriageState.LONG_TERM}
    ),
    TriageState.REFINED: frozenset({TriageState.REDIAGNOSE, TriageState.LONG_TERM}),
    TriageState.REDIAGNOSE: frozenset({TriageState.REFINED, TriageState.LONG_TERM}),
    TriageState.LONG_TERM: frozenset({TriageState.REFINED, TriageState.REDIAGNOSE}),
}

# What an anonymous demand hides from readers outside its zone, its enterprise, the province
# and auditors (every field that names or reaches the enterprise).
OWNER_FIELDS: frozenset[str] = frozenset(
    {"enterprise_id", "enterprise_name", "enterprise_credit_code", "contact_person", "phone"}
)
ANONYMOUS_LABEL = "匿名企业"

_INDUSTRY_CODE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")
_CHAIN_NODE = re.compile(r"^\d(\.\d{1,2}){0,3}$")


def _industry_code(code: str | None) -> str | None:
    if code is None or not code.strip():
        return None
    code = code.strip().upper()
    if not _INDUSTRY_CODE.match(code):
        raise ValueError(f"国民经济行业代码“{code}”格式不正确（例如 C3841）")
    if not is_industry_code(code):
        raise ValueError(f"国民经济行业代码“{code}”不存在，请填写标准中的代码")
    return code


def _chain_node(node: str | None) -> str | None:
    """A 战略性新兴产业 category: its code (1.2.1) or its path (新能源产业 > … > …)."""
    if node is None or not node.strip():
        return None
    node = " ".join(node.split())
    if _CHAIN_NODE.match(node):
        return node
    parts = [p.strip() for p in re.split(r"\s*[>＞]\s*", node)]
    if any(not p for p in parts) or not re.search(r"[\u4e00-\u9fff]", node):
        raise ValueError(
            f"产业链节点“{node}”应为战略性新兴产业分类代码（如 6.3.1）"
            "或分类路径（如 新能源汽车产业 > 新能源汽车装置、配件制造）"
        )
    if len(node) > 300:
        raise ValueError("产业链节点太长（最多 300 个字符）")
    return " > ".join(parts)


def _clean_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


IndustryCode = Annotated[str | None, AfterValidator(_industry_code)]
ChainNode = Annotated[str | None, AfterValidator(_chain_node)]
Mode = Annotated[CooperationMode, labeled(CooperationMode)]
VisibilityField = Annotated[Visibility, labeled(Visibility)]
TriageField = Annotated[TriageState, labeled(TriageState)]
Keywords = Annotated[list[str], AfterValidator(_clean_list)]
Budget = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class DemandBase(CleanInput):
    title: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=20000)
    technical_indicators: str | None = Field(default=None, max_length=5000)
    keywords: Keywords = Field(default_factory=list)
    industry_code: IndustryCode = None
    chain_node: ChainNode = None
    budget_min: Budget | None = None
    budget_max: Budget | None = None
    deadline_date: dt.date | None = None
    cooperation_mode: Mode
    visibility: VisibilityField = Visibility.PUBLIC
    contact_person: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=30)
    note: str | None = None


class DemandCreate(DemandBase):
    enterprise_id: DbId
    # Filled from the enterprise when omitted; must be the enterprise's zone when given.
    zone_id: DbId | None = None


class DemandUpdate(CleanInput):
    enterprise_id: DbId | None = None
    zone_id: DbId | None = None
    title: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    technical_indicators: str | None = Field(default=None, max_length=5000)
    keywords: Keywords | None = None
    industry_code: IndustryCode = None
    chain_node: ChainNode = None
    budget_min: Budget | None = None
    budget_max: Budget | None = None
    deadline_date: dt.date | None = None
    cooperation_mode: Mode | None = None
    visibility: VisibilityField | None = None
    contact_person: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=30)
    note: str | None = None
    version: int | None = None


class DemandRead(DemandBase):
    """A demand as shown. On an anonymous demand, readers who may not know the enterprise get
    ``enterprise_id``, ``enterprise_credit_code``, ``contact_person`` and ``phone`` as null and
    ``enterprise_name`` as 匿名企业 (see ``Register.present``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int | None
    enterprise_name: str | None
    enterprise_credit_code: str | None
    zone_id: int
    zone_name: str
    triage_state: TriageField
    triage_note: str | None
    # The zone chain node: confirmed, and the classifier's proposal (set by the chain map).
    chain_node_id: int | None = None
    proposed_chain_node_id: int | None = None
    version: int
    is_demo: bool


class TriageRequest(CleanInput):
    state: TriageField
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class TriageEntry(BaseModel):
    """One move of the triage history. ``reason`` is null for readers who may not see it."""

    model_config = ConfigDict(from_attributes=True)

    from_state: TriageField
    to_state: TriageField
    reason: str | None
    moved_by: str
    moved_role: str
    moved_at: dt.datetime


class TriagePrompt(BaseModel):
    """One checklist prompt (``demand.checklist``): what to ask the enterprise for."""

    code: str
    field: str
    label: str
    text: str


class TriageView(BaseModel):
    """A demand's triage: its state, the moves the reader may make, the checklist, the history."""

    demand_id: int
    title: str
    triage_state: TriageField
    version: int
    choices: list[TriageField]
    prompts: list[TriagePrompt]
    vague: bool
    history: list[TriageEntry]
