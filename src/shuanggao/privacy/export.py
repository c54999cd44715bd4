"""The person's data as a file: JSON (UTF-8) or xlsx (one sheet per section)."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Sections = dict[str, list[dict[str, Any]]]


def to_json(data: Sections) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_xlsx(data: Sections) -> bytes:
    wb = Workbook(write_only=True)
    for title, rows in data.items():
        ws = wb.create_sheet(title[:31])
        headers: list[str] = []
        for row in rows:
            headers.extend(k for k in row if k not in headers)
        ws.append(headers or ["（无）"])
        for row in rows:
            ws.append([_cell(row.get(h)) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
