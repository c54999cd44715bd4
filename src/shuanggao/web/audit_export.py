"""Audit-log files: CSV (UTF-8 with BOM, for Excel) or xlsx, with Chinese headers.

Actions and object types are in Chinese; 修改前/修改后 name each field by its register's header,
enums by their label and references by the record's name (``web/audit_labels.py``).

Cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) are prefixed
with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.clock import CHINA_TZ
from shuanggao.web.audit_labels import ChangeReader, action_label, entity_labels
from shuanggao.web.audit_names import Shown

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


def rows(
    session: Session, events: Sequence[AuditEvent], seen: Mapping[int, Shown] | None = None
) -> list[list[str]]:
    from shuanggao.actor import ROLE_LABELS, Role

    reader = ChangeReader(session)
    entities = entity_labels()
    out = []
    for e in events:
        view = (seen or {}).get(e.id) or Shown(e.actor_name, e.summary, e.before, e.after)
        before, after = reader.flat(e.entity, view.before, view.after)
        try:
            role = ROLE_LABELS[Role(e.actor_role)]
        except ValueError:
            role = e.actor_role
        out.append(
            [
                _safe(e.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")),
                _safe(view.actor_name),
                _safe(role),
                _safe(e.ip),
                _safe(action_label(e.action)),
                _safe(entities.get(e.entity, e.entity)),
                _safe(e.entity_id),
                _safe(view.summary),
                _safe(before),
                _safe(after),
            ]
        )
    return out


def to_csv(
    session: Session, events: Sequence[AuditEvent], seen: Mapping[int, Shown] | None = None
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows(session, events, seen))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(
    session: Session, events: Sequence[AuditEvent], seen: Mapping[int, Shown] | None = None
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(list(HEADERS))
    for row in rows(session, events, seen):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
