"""Exports and templates: same headers as imports, round trips, labels, guards, audit."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit.models import AuditEvent
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.kit.register import get_register
from shuanggao.zones.models import Zone
from shuanggao.zones.schemas import ZoneLevel
from tests.factories import create_zone
from tests.imports.sheets import read_xlsx

SYSTEM = Actor.system("tester")
ZONE_HEADERS = [
    "高新区简称",
    "全称",
    "级别",
    "所在设区市",
    "管理机构",
    "主导产业",
    "未来产业",
    "国民经济行业代码",
    "战略性新兴产业分类代码",
    "是否双高协同试点",
    "来源网址",
    "来源日期",
    "备注",
]


def _zones(session: Session) -> list[Zone]:
    return [
        create_zone(
            session,
            name="导出甲区",
            full_name="导出甲区全称",
            level="provincial_prep",
            city="无锡市",
            industry_codes=["C3973", "C3562"],
            is_pilot=True,
            source_url="https://example.gov.cn/a",
            source_date=dt.date(2025, 8, 4),
            note="=1+2 不是公式",
        ),
        create_zone(session, name="导出乙区", level="national", city="常州市"),
    ]


def _stamps(session: Session) -> dict[str, tuple[Any, int]]:
    session.expire_all()
    return {
        z.name: (z.updated_at, z.version)
        for z in session.scalars(select(Zone).where(Zone.name.like("导出%")))
    }


def test_xlsx_export_renders_labels_lists_dates_and_reimports_unchanged(session: Session) -> None:
    _zones(session)
    reg = get_register("zones")
    file = exports.export_records(session, SYSTEM, reg, fmt="xlsx", q="导出")
    assert file.filename.startswith("高新区_") and file.filename.endswith(".xlsx")
    rows = read_xlsx(file.content)
    assert list(rows[0]) == ZONE_HEADERS
    first = dict(zip(ZONE_HEADERS, rows[1], strict=True))
    assert first["高新区简称"] == "导出甲区"
    assert first["级别"] == "省级（筹）"
    assert first["国民经济行业代码"] == "C3973；C3562"
    assert first["是否双高协同试点"] == "是"
    assert first["来源日期"] == dt.datetime(2025, 8, 4)  # noqa: DTZ001 (an Excel date cell)
    assert first["备注"] == "=1+2 不是公式"  # text, never a formula
    assert len(rows) == 3
    before = _stamps(session)
    job = imports.import_file(session, SYSTEM, reg, file.filename, file.content)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
        "applied",
        0,
        0,
        2,
    )
    assert _stamps(session) == before


def test_csv_export_is_utf8_with_bom_and_reimports_unchanged(session: Session) -> None:
    _zones(session)
    reg = get_register("zones")
    file = exports.export_records(session, SYSTEM, reg, fmt="csv", q="导出")
    assert file.content.startswith(b"\xef\xbb\xbf")
    text = file.content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == ",".join(ZONE_HEADERS)
    assert lines[1] == (
        "导出甲区,导出甲区全称,省级（筹）,无锡市,,,,C3973；C3562,,是,"
        "https://example.gov.cn/a,2025-08-04,'=1+2 不是公式"
    )
    before = _stamps(session)
    job = imports.import_file(session, SYSTEM, reg, "zones.csv", file.content)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2), job.errors
    assert _stamps(session) == before


def test_export_is_audited_with_its_filters(session: Session) -> None:
    _zones(session)
    reg = get_register("zones")
    exports.export_records(session, SYSTEM, reg, fmt="csv", filters={"city": "常州市", "level": ""})
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.entity == "zones"
    assert event.after is not None
    assert event.after["filters"] == {"city": "常州市"}
    assert event.after["format"] == "csv"


def test_template_marks_required_columns_and_explains_every_column() -> None:
    reg = get_register("zones")
    file = exports.export_template(reg)
    workbook = load_workbook(io.BytesIO(file.content))
    assert workbook.sheetnames == ["高新区", "填写说明"]
    sheet = workbook["高新区"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["*高新区简称", "全称", "*级别", "*所在设区市"]
    assert sheet.max_row == 1
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    levels = ZoneLevel.labels()
    assert levels[:3] == ["国家级", "省级", "省级（筹）"]
    assert lists["C2:C5001"] == '"' + ",".join(levels) + '"'
    assert lists["J2:J5001"] == '"是,否"'
    guide = workbook["填写说明"]
    table = [[c.value for c in row] for row in guide.iter_rows(min_row=7)]
    assert table[0] == ["列名", "是否必填", "格式", "示例", "说明"]
    assert [r[0] for r in table[1:]] == ZONE_HEADERS
    level = table[1 + ZONE_HEADERS.index("级别")]
    assert level[:4] == ["级别", "必填", "可选值：" + "、".join(levels), "国家级"]
    codes = table[1 + ZONE_HEADERS.index("国民经济行业代码")]
    assert codes[2] == "文本；可填多个，用“；”分隔"


def test_filled_template_imports(session: Session) -> None:
    reg = get_register("zones")
    file = exports.export_template(reg)
    workbook = load_workbook(io.BytesIO(file.content))
    sheet = workbook["高新区"]
    sheet.append(["模板区", None, "省级", "南京市", None, None, None, "C39；C40", None, "否"])
    out = io.BytesIO()
    workbook.save(out)
    job = imports.import_file(session, SYSTEM, reg, "模板.xlsx", out.getvalue())
    assert (job.status, job.created_count, job.errors) == ("applied", 1, [])
    zone = session.scalars(select(Zone).where(Zone.name == "模板区")).one()
    assert (zone.level, zone.industry_codes, zone.is_pilot) == ("provincial", ["C39", "C40"], False)
    csv_template = exports.export_template(reg, fmt="csv")
    assert csv_template.content.decode("utf-8-sig").startswith("*高新区简称,全称,*级别")
