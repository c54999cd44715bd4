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
    period_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


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
    extra_figures: dict[str, str] = Field(default_factory=dict)
    recorded: dict[str, str] = Field(default_factory=dict)
    explanations: dict[str, str] = Field(default_factory=dict)
    return_comment: str | None = None


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


# ---- the 填报 workflow: periods, indicators, sheets -------------------------------------------


class PeriodCreate(BaseModel):
    title: str = Field(min_length=1, max_length=100)
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    note: str | None = None


class PeriodUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=100)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    due_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class PeriodRead(PeriodCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool


IndicatorCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class IndicatorCreate(BaseModel):
    code: IndicatorCode
    label: str = Field(min_length=1, max_length=100)
    unit: str = Field(default="个", min_length=1, max_length=10)
    is_money: bool = False
    source: str | None = Field(default=None, max_length=40)
    position: int = Field(default=100, ge=0, le=100_000)
    active: bool = True
    note: str | None = None


class IndicatorUpdate(BaseModel):
    code: IndicatorCode | None = None
    label: str | None = Field(default=None, min_length=1, max_length=100)
    unit: str | None = Field(default=None, min_length=1, max_length=10)
    is_money: bool | None = None
    source: str | None = Field(default=None, max_length=40)
    position: int | None = Field(default=None, ge=0, le=100_000)
    active: bool | None = None
    note: str | None = None
    version: int | None = None


class IndicatorRead(IndicatorCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool


class OpenReport(BaseModel):
    """Open (or create, pre-filled from records) a unit's report for a period."""

    period_id: int = Field(ge=1, le=2_147_483_647)
    zone_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    pairing_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class SaveFigures(BaseModel):
    """Reported figures and explanations by indicator code (figures as decimal text or numbers;
    empty for not reported), with the version the editor read."""

    version: int | None = None
    figures: dict[str, str | int | float | None] = Field(default_factory=dict)
    explanations: dict[str, str] = Field(default_factory=dict)


class SheetLineOut(BaseModel):
    code: str
    label: str
    unit: str
    is_money: bool
    source: str | None
    reported: str | None
    recorded: str | None
    explanation: str | None
    needs_explanation: bool
    records_href: str | None


class SheetOut(BaseModel):
    report: ReportRead
    period_id: int | None
    return_comment: str | None
    lines: list[SheetLineOut]


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: dt.datetime
    username: str
    action: str
    comment: str | None
    changes: dict[str, list[str | None]]


class UnitStatusOut(BaseModel):
    zone_id: int
    zone_name: str
    pairing_id: int | None = None
    period_id: int
    period_title: str
    due_date: dt.date
    status: str
    state: Literal["done", "waiting", "due", "overdue", "open"]
    report_id: int | None
