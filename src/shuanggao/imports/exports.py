"""Exports and templates: the same Chinese columns as imports, so an export re-imports unchanged.

References are written by the referenced row's natural key, lists joined with “；”, enums as their
Chinese labels, money as yuan with two decimals, dates as YYYY-MM-DD. CSV is UTF-8 with a BOM
(Excel opens it correctly); text that Excel would run as a formula is guarded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.db.types import FEN
from shuanggao.errors import ValidationFailed
from shuanggao.imports.fields import (
    EXPORT_JOINER,
    LOCAL_TZ,
    FieldSpec,
    Kind,
    column_guide,
    enum_label,
    enum_labels,
    field_specs,
)
from shuanggao.imports.files import FORMATS
from shuanggao.kit import service as kit_service
from shuanggao.kit.register import Register

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
TEMPLATE_ROWS = 5_000
INSTRUCTIONS_SHEET = "填写说明"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    media_type: str


def check_format(fmt: str) -> str:
    value = (fmt or "").lower().lstrip(".")
    if value not in FORMATS:
        raise ValidationFailed(
            "导出格式只能为 xlsx 或 csv。", fields={"format": "应为 xlsx 或 csv"}
        )
    return value


def _scalar(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    plain_column = spec.column.ref is None and spec.column.export is None
    if plain_column and spec.kind is Kind.ENUM and spec.enum is not None:
        return enum_label(spec.enum, value.value if isinstance(value, Enum) else value)
    if isinstance(value, Enum):
        return value.label if hasattr(value, "label") else value.value
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec.money:
        return Decimal(value).quantize(FEN)
    if isinstance(value, dt.datetime):
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return value


def export_value(spec: FieldSpec, obj: Any) -> Any:
    """One cell of an export: a Python value (text, number, date) or None."""
    column = spec.column
    if column.export is not None:
        raw = column.export(obj)
    elif column.ref is not None:
        raw = column.ref.render(obj)
    else:
        raw = getattr(obj, spec.field, None)
    if isinstance(raw, list | tuple | set | frozenset):
        items = [_scalar(spec, v) for v in raw]
        text = EXPORT_JOINER.join(_text(v) for v in items if v is not None and v != "")
        return text or None
    return _scalar(spec, raw)


def export_row(reg: Register[Any], actor: Actor, specs: Sequence[FieldSpec], obj: Any) -> list[Any]:
    """One export row as ``actor`` may see it: fields the register hides from this reader on
    this row (an anonymous demand's enterprise) are exported as their masked value."""
    instead = reg.shown_instead(actor, obj)
    return [
        instead[spec.field] if spec.field in instead else export_value(spec, obj) for spec in specs
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(FEN) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sheet_title(label: str) -> str:
    return _SHEET_BAD.sub("_", label)[:31] or "Sheet1"


def _width(text: str) -> float:
    return min(max(8.0, sum(2.0 if ord(ch) > 127 else 1.1 for ch in text) + 2), 60.0)


def _xlsx_bytes(title: str, specs: Sequence[FieldSpec], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, spec in enumerate(specs, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(spec.header)
    header = []
    for spec in specs:
        cell = WriteOnlyCell(sheet, value=spec.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in rows:
        out: list[Any] = []
        for spec, value in zip(specs, row, strict=True):
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                out.append(cell)
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            elif isinstance(value, Decimal) and spec.money:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "0.00"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guard(text: str) -> str:
    """Text Excel would run as a formula gets a leading ``'`` (imports take it off again)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_guard(v) if isinstance(v, str) else _text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _stamp() -> str:
    return dt.datetime.now(LOCAL_TZ).strftime("%Y%m%d")


def export_records(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    *,
    fmt: str = "xlsx",
    q: str | None = None,
    filters: Mapping[str, Any] | None = None,
    sort: str | None = None,
) -> ExportFile:
    """Every row of ``reg`` the actor may read (with the list's search and filters), as a file."""
    fmt = check_format(fmt)
    objects = kit_service.list_all_records(session, actor, reg, q=q, filters=filters, sort=sort)
    specs = field_specs(reg)
    rows = [export_row(reg, actor, specs, obj) for obj in objects]
    if fmt == "xlsx":
        content = _xlsx_bytes(reg.label, specs, rows)
        media = XLSX_MEDIA_TYPE
    else:
        content = _csv_bytes([s.header for s in specs], rows)
        media = CSV_MEDIA_TYPE
    used = {k: v for k, v in (filters or {}).items() if v is not None and v != ""}
    audit.record(
        session,
        actor,
        "export",
        reg.name,
        None,
        summary=f"导出{reg.label} {len(objects)} 条（{fmt}）",
        after={"format": fmt, "count": len(objects), "q": q, "filters": used, "sort": sort},
    )
    session.flush()
    return ExportFile(f"{reg.label}_{_stamp()}.{fmt}", content, media)


def template_header(spec: FieldSpec) -> str:
    return f"*{spec.header}" if spec.column.required else spec.header


def _instructions(reg: Register[Any], specs: Sequence[FieldSpec]) -> list[list[str]]:
    key = "、".join(s.header for s in specs if s.field in reg.natural_key)
    lines = [
        [f"{reg.label}导入模板填写说明"],
        ["1. 第一个工作表的第一行是表头，请勿修改或删除；从第二行起每行填写一条记录。"],
        ["2. 列名前带 * 的为必填列；其余列可留空。"],
        [
            f"3. 已存在的记录按“{key}”匹配并更新，不存在的新增；同一文件重复导入不会改变数据。"
            if key
            else "3. 每行新增一条记录。"
        ],
        ["4. 文件中只要有一行有错误，整个文件都不会导入，系统会列出所有错误行。"],
        [],
        ["列名", "是否必填", "格式", "示例", "说明"],
    ]
    for column in column_guide(reg):
        lines.append(
            [
                column["header"],
                "必填" if column["required"] else "选填",
                column["format"],
                column["example"],
                column["help"],
            ]
        )
    return lines


def _choice_list(spec: FieldSpec) -> list[str] | None:
    if spec.many or spec.column.ref is not None:
        return None
    if spec.kind is Kind.BOOL:
        return ["是", "否"]
    if spec.kind is Kind.ENUM and spec.enum is not None:
        return enum_labels(spec.enum)
    return None


def export_template(reg: Register[Any], *, fmt: str = "xlsx") -> ExportFile:
    """An empty file to fill in: the header row (required columns marked) and instructions."""
    fmt = check_format(fmt)
    specs = field_specs(reg)
    headers = [template_header(s) for s in specs]
    filename = f"{reg.label}_导入模板.{fmt}"
    if fmt == "csv":
        return ExportFile(filename, _csv_bytes(headers, []), CSV_MEDIA_TYPE)
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _sheet_title(reg.label)
    sheet.freeze_panes = "A2"
    for index, (spec, text) in enumerate(zip(specs, headers, strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=text)
        cell.font = Font(bold=True, color="C00000" if spec.column.required else "000000")
        cell.fill = _HEADER_FILL
        note = "；".join(
            p
            for p in (
                spec.format_text(),
                f"示例：{spec.column.example}" if spec.column.example else "",
                spec.column.help,
            )
            if p
        )
        cell.comment = Comment(note, "shuanggao")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(text)
        choices = _choice_list(spec)
        if choices:
            formula = '"' + ",".join(choices) + '"'
            if len(formula) <= 255 and not any("," in c for c in choices):
                validation = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showDropDown=False
                )
                validation.error = "请从下拉列表中选择。"
                validation.errorTitle = "取值无效"
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                sheet.add_data_validation(validation)
    guide = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for line in _instructions(reg, specs):
        guide.append(line)
    guide["A1"].font = Font(bold=True, size=13)
    for cell in guide[7]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCDE", (22, 10, 40, 24, 50), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=8):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(filename, buffer.getvalue(), XLSX_MEDIA_TYPE)
