"""The triage checklist: concrete prompts for a vague need, computed from its fields.

Jiangsu's 2024 demand round sent about a quarter of the needs back as too vague; the brokers'
questions were always the same: which indicators, what budget, in which scenario, by when. Each
check below looks at the fields a need has and, when one is missing or too thin, says what to ask
the enterprise for. Pure functions: the service and the pages call ``prompts_for``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Words that place a need in a scene (where, on what line, under which conditions).
_SCENARIO_WORDS = (
    "场景",
    "应用",
    "用于",
    "场站",
    "产线",
    "生产线",
    "工况",
    "现场",
    "车间",
    "工厂",
    "电站",
    "园区",
    "医院",
    "设备上",
    "环境下",
)
# Titles made only of a broad wish: they name no product, part or process.
_GENERIC_TITLE_WORDS = (
    "关键技术攻关",
    "技术攻关",
    "智能化升级",
    "工艺优化",
    "可靠性提升",
    "技术合作",
    "技术需求",
    "转型升级",
)
_NUMBER = re.compile(r"\d")
MIN_DESCRIPTION = 40


@dataclass(frozen=True, slots=True)
class Prompt:
    """One thing to ask for: a stable ``code``, the ``field`` it concerns and what to ask."""

    code: str
    field: str
    label: str
    text: str


def _text(need: Any, name: str) -> str:
    value = getattr(need, name, None)
    return str(value).strip() if value else ""


def _indicators(need: Any) -> Prompt | None:
    text = _text(need, "technical_indicators")
    if not text:
        return Prompt(
            "missing_indicators",
            "technical_indicators",
            "缺少技术指标",
            "请企业写明要达到的性能指标（如精度、效率、寿命、良率、响应时间）及验收方式。",
        )
    if not _NUMBER.search(text):
        return Prompt(
            "unquantified_indicators",
            "technical_indicators",
            "技术指标未量化",
            "技术指标没有数值：请给出当前水平和目标值（例如“良率由 85% 提升到 95%”）。",
        )
    return None


def _budget(need: Any) -> Prompt | None:
    if getattr(need, "budget_min", None) is None and getattr(need, "budget_max", None) is None:
        return Prompt(
            "missing_budget",
            "budget_max",
            "缺少预算",
            "请企业给出可投入的经费范围（预算下限、上限），便于高校评估合作方式。",
        )
    return None


def _scenario(need: Any) -> Prompt | None:
    text = _text(need, "description") + _text(need, "technical_indicators")
    if any(word in text for word in _SCENARIO_WORDS):
        return None
    return Prompt(
        "missing_scenario",
        "description",
        "缺少应用场景",
        "请说明技术用在哪里：哪条产线、哪类设备或场站、什么工况，现在怎么做、卡在哪一步。",
    )


def _description(need: Any) -> Prompt | None:
    if len(_text(need, "description")) >= MIN_DESCRIPTION:
        return None
    return Prompt(
        "thin_description",
        "description",
        "需求描述过简",
        f"需求描述不足 {MIN_DESCRIPTION} 字：请补充现状、已尝试的办法和希望高校解决的具体问题。",
    )


def _title(need: Any) -> Prompt | None:
    title = _text(need, "title")
    if any(title.endswith(word) for word in _GENERIC_TITLE_WORDS):
        return Prompt(
            "generic_title",
            "title",
            "需求名称笼统",
            "需求名称只说了“攻关、升级、优化”：请写出具体的产品、部件或工艺环节。",
        )
    return None


def _industry(need: Any) -> Prompt | None:
    if _text(need, "industry_code"):
        return None
    return Prompt(
        "missing_industry_code",
        "industry_code",
        "缺少行业代码",
        "请确认国民经济行业代码（GB/T 4754 小类），匹配时按行业比对供给。",
    )


def _chain(need: Any) -> Prompt | None:
    if _text(need, "chain_node") or getattr(need, "chain_node_id", None):
        return None
    return Prompt(
        "missing_chain_node",
        "chain_node",
        "未挂接产业链节点",
        "请把需求挂到本区产业链的节点上，便于按链条统计缺口。",
    )


def _deadline(need: Any) -> Prompt | None:
    if getattr(need, "deadline_date", None) is not None:
        return None
    return Prompt(
        "missing_deadline",
        "deadline_date",
        "缺少期望完成时间",
        "请企业给出期望的完成时间或阶段节点。",
    )


def _keywords(need: Any) -> Prompt | None:
    if getattr(need, "keywords", None):
        return None
    return Prompt(
        "missing_keywords",
        "keywords",
        "缺少关键词",
        "请补充 3–5 个技术关键词（材料、工艺、设备名称），提高匹配准确度。",
    )


CHECKS: tuple[Callable[[Any], Prompt | None], ...] = (
    _indicators,
    _budget,
    _scenario,
    _description,
    _title,
    _industry,
    _chain,
    _deadline,
    _keywords,
)
# A need with this many prompts or more is "vague": the queue shows it first.
VAGUE_AT = 3


def prompts_for(need: Any) -> list[Prompt]:
    """What to ask the enterprise for before the need can be refined (empty: complete)."""
    return [p for p in (check(need) for check in CHECKS) if p is not None]


def is_vague(prompts: list[Prompt]) -> bool:
    return len(prompts) >= VAGUE_AT
