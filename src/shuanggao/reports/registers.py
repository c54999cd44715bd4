from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from shuanggao.kit.policy import PublicRead
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.pairings.refs import pairing_ref
from shuanggao.reports.models import FIGURE_NAMES, PeriodicReport, ReportIndicator, ReportPeriod
from shuanggao.reports.policy import ReportPolicy
from shuanggao.reports.rules import validate_indicator, validate_period, validate_report
from shuanggao.reports.schemas import (
    FIGURE_LABELS,
    IndicatorCreate,
    IndicatorRead,
    IndicatorUpdate,
    PeriodCreate,
    PeriodRead,
    PeriodUpdate,
    ReportCreate,
    ReportRead,
    ReportUpdate,
)
from shuanggao.zones.refs import zone_ref


def _qualifier_text(obj: Any) -> str:
    return "；".join(f"{FIGURE_LABELS[k]}={v}" for k, v in (obj.qualifiers or {}).items())


_FIGURE_EXAMPLES = {
    "zones": "18",
    "universities": "37",
    "pairings": "51",
    "projects": "342",
    "platforms": "58",
    "residents": "1000",
    "enterprises_served": "560",
    "funding_yuan": "750000000",
}

reports = Register(
    name="reports",
    label="填报",
    model=PeriodicReport,
    create_schema=ReportCreate,
    update_schema=ReportUpdate,
    read_schema=ReportRead,
    columns=[
        Column("scope", "填报范围", required=True, example="全省", help="全省、高新区或结对"),
        Column("zone_id", "高新区", example="", ref=zone_ref(full_name=False)),
        Column("pairing_id", "所属结对", example="", ref=pairing_ref()),
        Column("period_start", "填报期起", required=True, example="2025-07-01"),
        Column("period_end", "填报期止", required=True, example="2025-11-30"),
        Column("as_of_date", "数据截至", required=True, example="2025-11-30"),
        *(
            Column(name, FIGURE_LABELS[name], example=_FIGURE_EXAMPLES[name])
            for name in FIGURE_NAMES
        ),
        Column(
            "qualifiers",
            "数字修饰词",
            multi=True,
            example="常驻园区师生=多；服务企业=超",
            help="原文“1000多名”“超560家”记为数字 1000、560，修饰词“多”“超”",
            export=_qualifier_text,
        ),
        Column("figures_note", "数字说明"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期"),
        Column("note", "备注"),
    ],
    natural_key=("scope", "zone_id", "pairing_id", "period_end"),
    search_fields=("figures_note", "note"),
    filters=(
        Filter("scope", "scope", "填报范围"),
        Filter("status", "status", "状态"),
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("pairing_id", "pairing_id", "结对", int),
    ),
    sort_fields=("as_of_date", "period_end", "status", "scope"),
    default_sort="-as_of_date",
    policy=ReportPolicy(),
    load_options=(
        joinedload(PeriodicReport.zone),
        joinedload(PeriodicReport.pairing).options(
            joinedload(Pairing.zone),
            joinedload(Pairing.members).joinedload(PairingUniversity.university),
        ),
    ),
    title_attr="title",
    validate=validate_report,
    description="试点按期填报的汇总数字（草稿 → 已提交 → 已审核）；已审核的数字用于统计。",
)


report_periods = Register(
    name="report_periods",
    label="填报期",
    model=ReportPeriod,
    create_schema=PeriodCreate,
    update_schema=PeriodUpdate,
    read_schema=PeriodRead,
    columns=[
        Column("title", "填报期", required=True, example="2026年第三季度"),
        Column("period_start", "填报期起", required=True, example="2026-07-01"),
        Column("period_end", "填报期止", required=True, example="2026-09-30"),
        Column("due_date", "截止提交日期", required=True, example="2026-10-31"),
        Column("note", "备注"),
    ],
    natural_key=("period_end",),
    search_fields=("title",),
    sort_fields=("period_end", "due_date", "title"),
    default_sort="-period_end",
    policy=PublicRead(),
    title_attr="title",
    validate=validate_period,
    description="省级管理员设定的填报期：各试点高新区在截止日期前提交本期填报。",
)

report_indicators = Register(
    name="report_indicators",
    label="填报指标",
    model=ReportIndicator,
    create_schema=IndicatorCreate,
    update_schema=IndicatorUpdate,
    read_schema=IndicatorRead,
    columns=[
        Column("code", "指标代码", required=True, example="projects"),
        Column("label", "指标名称", required=True, example="合作研发项目"),
        Column("unit", "单位", example="个"),
        Column("is_money", "金额指标", example="否"),
        Column(
            "source",
            "记录来源",
            example="projects",
            help="平台据以统计记录的来源代码；不填则仅由试点填报",
        ),
        Column("position", "排序", example="20"),
        Column("active", "启用", example="是"),
        Column("note", "备注"),
    ],
    natural_key=("code",),
    search_fields=("label", "code"),
    sort_fields=("position", "code", "label"),
    default_sort="position",
    policy=PublicRead(),
    title_attr="label",
    validate=validate_indicator,
    description="省级管理员设定的填报指标；有记录来源的指标按平台记录预填。",
)
