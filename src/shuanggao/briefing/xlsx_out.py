"""The briefing as a workbook: a cover sheet with the title and the text, then one sheet per
table with numbers stored as numbers (money with two decimals) so they can be summed."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from shuanggao.briefing.content import Heading, Layout, Paragraph, Table

_SHEET_BAD = re.compile(r"[\[\]:*?/\\“”]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("", name)[:28] or "表"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}{n}", n + 1
    used.add(candidate)
    return candidate


def write_xlsx(layout: Layout) -> bytes:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "简报"
    cover.column_dimensions["A"].width = 120
    cover.append([layout.title])
    cover["A1"].font = Font(bold=True, size=16, color="C00000")
    cover.append([layout.subtitle])
    for block in layout.blocks:
        if isinstance(block, Heading):
            cover.append([block.text])
            cover.cell(row=cover.max_row, column=1).font = Font(bold=True)
        elif isinstance(block, Paragraph):
            cover.append([block.text])
            cover.cell(row=cover.max_row, column=1).alignment = Alignment(wrap_text=True)
    cover.append([])
    cover.append([layout.issuer])
    cover.append([layout.signed])
    used = {"简报"}
    for block in layout.blocks:
        if not isinstance(block, Table):
            continue
        sheet = book.create_sheet(_sheet_name(block.name, used))
        sheet.append(list(block.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, values in enumerate(block.rows):
            sheet.append(list(values))
            for c, value in enumerate(values):
                cell = sheet.cell(row=r + 2, column=c + 1)
                if isinstance(value, Decimal):
                    cell.number_format = "#,##0.00" if block.is_money(r, c) else "General"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for c, _ in enumerate(block.headers):
            letter = sheet.cell(row=1, column=c + 1).column_letter
            sheet.column_dimensions[letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
