"""API schemas of periodic reports (填报) and of the programme statistics."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shuanggao.funds.money import Yuan
from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.reports.models import FIGURE_NAMES


class ReportScope(LabeledEnum):
    PROGRAMME = ("programme", "全省")
    ZONE = ("zone", "高新区")
    PAIRING = ("pairing", "结对")


class ReportStatus(LabeledEnum):
    DRAFT = ("draft", "草稿")
    SUBMITTED = ("submitted", "已提交")
    APPROVED = ("approved", "已审核")


# Chinese names of the figures, as in 数说“双高协同”.
FIGURE_LABELS: dict[str, str] = {
    "zones": "试点高新区",
    "universities": "试点高校",
    "pairings": "结对",
    "projects": "合作研发项目",
    "platforms": "共建产业创新平台",
    "residents": "常驻园区师生",
    "enterprises_served": "服务企业",
    "funding_yuan": "合作经费投入（元）",
}
FIGURE_UNITS: dict[str, str] = {
    "zones": "家",
    "universities": "所",
    "pairings": "个",
    "projects": "个",
    "platforms": "个",
    "residents": "名",
    "enterprises_served": "家",
    "funding_yuan": "元",
}

_PAIR = re.compile(r"\s*[=：:]\s*")
_ITEMS = re.compile(r"[；;，,、\n]+")


def figure_name(text: str) -> str:
    """A figure's English name from its name or its Chinese label."""
    text = text.strip()
    if text in FIGURE_NAMES:
        return text
    for name, label in FIGURE_LABELS.items():
        if text in (label, label.removesuffix("（元）")):
            return name
    raise ValueError(f"“{text}”不是可填报的数字项")


def _parse_qualifiers(raw: Any) -> Any:
    """Accept ``{"residents": "多"}``, or cells like “常驻园区师生=多；服务企业=超”."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        raw = [p for p in _ITEMS.split(raw) if p.strip()]
    if isinstance(raw, list):
        out: dict[str, str] = {}
        for item in raw:
            parts = _PAIR.split(str(item).strip(), maxsplit=1)
            if len(parts) != 2 or not parts[1]:
                raise ValueError(f"限定词“{item}”应写成“数字项=限定词”，如“常驻园区师生=多”")
            out[figure_name(parts[0])] = parts[1]
        return out
    if isinstance(raw, dict):
        checked: dict[str, str] = {}
        for key, value in raw.items():
            text = str(value).strip() if value is not None else ""
            if not text:
                continue
            if len(text) > 10:
                raise ValueError("限定词最多 10 个字")
            checked[figure_name(str(key))] = text
        return checked
    return raw


Qualifiers = Annotated[dict[str, str], BeforeValidator(_parse_qualifiers)]
ScopeField = Annotated[ReportScope, labeled(ReportScope)]
# Reported counts: whole, not negative, and within a 32-bit integer column.
Count = Annotated[int | None, Field(default=None, ge=0, le=2_000_000_000)]


class ReportFigures(BaseModel):
    zones: Count = None
    universities: Count = None
    pairings: Count = None
    projects: Count = None
    platforms: Count = None
    residents: Count = None
    enterprises_served: Count = None
    funding_yuan: Yuan | None = None
    qualifiers: Qualifiers = Field(
        default_factory=dict, description='数字的修饰词，如 {"residents": "多"} 表示“1000多名”'
    )
    figures_note: str | None = None


class ReportBase(ReportFigures):
    scope: ScopeField
    zone_id: int | None = None
    pairing_id: int | None = None
    period_start: dt.date
    period_end: dt.date
    as_of_date: dt.date
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class ReportCreate(ReportBase):
    pass


class ReportUpdate(BaseModel):
    scope: ScopeField | None = None
    zone_id: int | None = None
    pairing_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    as_of_date: dt.date | None = None
    zones: Count = None
    universities: Count = None
    pairings: Count = None
    projects: Count = None
    platforms: Count = None
    residents: Count = None
    enterprises_served: Count = None
    funding_yuan: Yuan | None = None
    qualifiers: Qualifiers | None = None
    figures_note: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class ReportRead(ReportBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    status: ReportStatus
    title: str
    zone_name: str | None
    submitted_by: str | None
    submitted_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None


class ReportAction(BaseModel):
    """Body of submit / approve / return: the version the user saw, and an optional comment."""

    version: int | None = None
    comment: str | None = Field(default=None, max_length=500)


# ---- statistics -------------------------------------------------------------------------------


class FigureOut(BaseModel):
    """One figure: ``value`` (from an approved report where it has one, else from records), its
    ``source``, and ``records`` — always the count or sum of the records — so the gap shows."""

    value: int | float
    source: Literal["reports", "records"]
    records: int | float
    label: str
    unit: str
    qualifier: str | None = None
    report_id: int | None = None
    report_as_of: dt.date | None = None


class StatsOut(BaseModel):
    as_of: dt.date
    zone_id: int | None = None
    zone_name: str | None = None
    figures: dict[str, FigureOut]


class SeriesOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    step: Literal["month", "quarter"]
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    zone_id: int | None = None
    points: list[StatsOut]
