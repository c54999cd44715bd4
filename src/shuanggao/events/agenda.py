"""Printable agendas: per participant and per table, as xlsx (openpyxl) and PDF (fpdf2 with a
CJK font: Noto Sans CJK from Debian's fonts-noto-cjk, found where fontconfig puts it)."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import AppError, ErrorCode, NotFound, ValidationFailed
from shuanggao.events import policy
from shuanggao.events.schemas import MeetingRead
from shuanggao.events.service import (
    get_event,
    meeting_reads,
    visible_meetings,
    visible_registrations,
)

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
# Index of the Simplified Chinese face in the Noto Sans CJK collection (JP, KR, SC, TC, HK).
SC_FACE = 2
HEADERS = ("时段", "桌号", "洽谈对象", "产业需求", "技术供给", "结果")


class FontMissing(AppError):
    code = ErrorCode.MODEL_MISSING
    status = 503
    message = "服务器缺少中文字体（fonts-noto-cjk），暂时无法生成 PDF，请您先下载 Excel 版。"


@dataclass
class Agenda:
    """One printable page: a title, a subtitle and its rows."""

    title: str
    subtitle: str
    rows: list[tuple[str, ...]]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return path
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [fc, "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return out if out and "CJK" in out and Path(out).is_file() else None


def _row(m: MeetingRead, counterpart: str) -> tuple[str, ...]:
    return (
        m.slot_label,
        m.table_label,
        counterpart,
        m.demand_title or "",
        m.supply_item_title or "",
        m.outcome_label or "",
    )


def agendas(
    session: Session,
    actor: Actor,
    event_id: int,
    *,
    registration_id: int | None = None,
    table: int | None = None,
) -> tuple[str, list[Agenda]]:
    """The agendas ``actor`` may print: one participant's, one table's, or (organiser) all
    participants' then all tables'. Returns the event's title with them."""
    event = get_event(session, actor, event_id)
    meetings = meeting_reads(session, actor, event, visible_meetings(session, actor, event))
    regs = {r.id: r for r in visible_registrations(session, actor, event)}
    heading = f"{event.title}（{event.event_date.isoformat()}，{event.place or '线上'}）"
    out: list[Agenda] = []
    if table is not None:
        if not (0 <= table < len(event.tables)):
            raise ValidationFailed(fields={"table": "桌号不存在"})
        if not (actor.sees_everything or policy.manages(actor, event)):
            raise NotFound()
        tables = [table]
    elif registration_id is None and (actor.sees_everything or policy.manages(actor, event)):
        tables = list(range(len(event.tables)))
    else:
        tables = []
    if registration_id is not None:
        if registration_id not in regs:
            raise NotFound()
        chosen = [regs[registration_id]]
    elif table is None:
        chosen = list(regs.values())
    else:
        chosen = []
    for reg in chosen:
        rows = [
            _row(m, m.researcher if m.enterprise_registration_id == reg.id else m.enterprise)
            for m in meetings
            if reg.id in (m.enterprise_registration_id, m.researcher_registration_id)
        ]
        out.append(Agenda(f"洽谈日程：{reg.label}", heading, rows))
    for t in tables:
        rows = [_row(m, f"{m.enterprise} × {m.researcher}") for m in meetings if m.table_no == t]
        if rows or table is not None:
            out.append(Agenda(f"桌位日程：{event.tables[t]}", heading, rows))
    return event.title, out


def workbook(pages: list[Agenda]) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    used: set[str] = set()
    for n, page in enumerate(pages, start=1):
        name = _sheet_name(page.title.split("：", 1)[-1], n, used)
        ws = wb.create_sheet(name)
        ws.append([page.title])
        ws.append([page.subtitle])
        ws.append(list(HEADERS))
        for row in page.rows:
            ws.append(list(row))
        ws["A1"].font = Font(bold=True, size=14)
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for col, width in zip("ABCDEF", (14, 10, 30, 36, 36, 10), strict=True):
            ws.column_dimensions[col].width = width
        for row_cells in ws.iter_rows(min_row=4):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not pages:
        wb.create_sheet("日程").append(["暂无日程"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(text: str, n: int, used: set[str]) -> str:
    bad = set("[]:*?/\\")
    clean = "".join(c for c in text if c not in bad)[:25] or "日程"
    name = clean
    while name in used:
        name = f"{clean[:22]}_{n}"
        n += 1
    used.add(name)
    return name


def pdf(pages: list[Agenda]) -> bytes:
    from fpdf import FPDF

    font = cjk_font()
    if font is None:
        raise FontMissing()
    doc = FPDF(orientation="L", format="A4")
    doc.set_auto_page_break(auto=True, margin=12)
    doc.add_font("cjk", fname=font, collection_font_number=SC_FACE)
    bold = font.replace("Regular", "Bold")
    doc.add_font(
        "cjk", "B", fname=bold if Path(bold).is_file() else font, collection_font_number=SC_FACE
    )
    doc.set_title("对接会洽谈日程")
    widths = (30, 22, 60, 70, 70, 20)
    for page in pages or [Agenda("对接会洽谈日程", "暂无日程", [])]:
        doc.add_page()
        doc.set_font("cjk", size=15)
        doc.multi_cell(0, 9, page.title, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("cjk", size=10)
        doc.multi_cell(0, 6, page.subtitle, new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)
        with doc.table(col_widths=widths, text_align="LEFT", line_height=6) as tbl:
            header = tbl.row()
            for h in HEADERS:
                header.cell(h)
            for row in page.rows:
                r = tbl.row()
                for value in row:
                    r.cell(value)
            if not page.rows:
                r = tbl.row()
                r.cell("暂无洽谈安排", colspan=len(HEADERS))
    return bytes(doc.output())
