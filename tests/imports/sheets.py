"""Build spreadsheets in tests: .xlsx with openpyxl, .csv in any encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def xlsx(header: Sequence[Any], rows: Sequence[Sequence[Any]], *, title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    header: Sequence[Any], rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def read_xlsx(data: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    """Rows padded to the width of the widest row (read-only sheets drop trailing blanks)."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        rows = [tuple(r) for r in workbook.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()
    width = max((len(r) for r in rows), default=0)
    return [r + (None,) * (width - len(r)) for r in rows]


UNIVERSITY_HEADER = ["学校标识码", "学校名称", "所在地", "主管部门", "办学层次", "一级学科代码"]


def university_rows(count: int, *, start: int = 0) -> list[list[Any]]:
    return [
        [
            f"49{start + i:08d}",
            f"导入测试大学{start + i}",
            "南京市",
            "江苏省",
            "本科" if i % 2 == 0 else "专科",
            "0812；0809" if i % 3 == 0 else None,
        ]
        for i in range(count)
    ]
