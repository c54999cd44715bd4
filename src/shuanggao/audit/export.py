"""Audit-log files: CSV (UTF-8 with BOM, for Excel) or xlsx, with Chinese headers.

Cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) are prefixed
with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from shuanggao.audit.models import AuditEvent
from shuanggao.audit.service import action_label
from shuanggao.clock import CHINA_TZ

HEADERS = (
    "时间（北京时间）",
    "操作人",
    "角色",
    "IP 地址",
    "操作",
    "对象类型",
    "对象编号",
    "摘要",
    "修改前",
    "修改后",
)
BEIJING = CHINA_TZ
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> str:
    text = "" if value is None else str(value)
    # Control characters (other than tab/newline) cannot be stored in a worksheet or shown.
    text = str(ILLEGAL_CHARACTERS_RE.sub("", text))
    return "'" + text if text.startswith(_FORMULA_START) else text


def _json(value: dict[str, Any] | None) -> str:
    return "" if not value else json.dumps(value, ensure_ascii=False, sort_keys=True)


def rows(events: Sequence[AuditEvent]) -> list[list[str]]:
    from shuanggao.actor import ROLE_LABELS, Role

    out = []
    for e in events:
        try:
            role = ROLE_LABELS[Role(e.actor_role)]
        except ValueError:
            role = e.actor_role
        out.append(
            [
                _safe(e.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")),
                _safe(e.actor_name),
                _safe(role),
                _safe(e.ip),
                _safe(action_label(e.action)),
                _safe(e.entity),
                _safe(e.entity_id),
                _safe(e.summary),
                _safe(_json(e.before)),
                _safe(_json(e.after)),
            ]
        )
    return out


def to_csv(events: Sequence[AuditEvent]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows(events))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(events: Sequence[AuditEvent]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(list(HEADERS))
    for row in rows(events):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
