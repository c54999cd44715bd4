from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.pairings.refs import pairing_ref
from shuanggao.reports.models import FIGURE_NAMES, PeriodicReport
from shuanggao.reports.policy import ReportPolicy
from shuanggao.reports.rules import validate_report
from shuanggao.reports.schemas import (
    FIGURE_LABELS,
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
