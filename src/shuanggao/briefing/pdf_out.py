"""The briefing as a PDF (fpdf2) in the same layout as the .docx, with the CJK font embedded
(subset) so it reads the same on any machine."""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from shuanggao.briefing.content import Chart, Heading, Layout, Paragraph, Table
from shuanggao.briefing.fonts import BriefingFonts

RED = (192, 0, 0)
BODY, TITLE, TABLE, PAGE = 16, 22, 9, 14
LINE_MM = 10.2  # 28.95 pt


class _Briefing(FPDF):
    def footer(self) -> None:
        self.set_y(-28)
        self.set_font("body", size=PAGE)
        align = Align.R if self.page_no() % 2 else Align.L
        self.cell(0, 8, f"— {self.page_no()} —", align=align)


def write_pdf(layout: Layout, fonts: BriefingFonts) -> bytes:
    pdf = _Briefing(format="A4", unit="mm")
    pdf.set_margins(left=28, top=37, right=26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.add_font("title", "", str(fonts.title.path), collection_font_number=fonts.title.index)
    pdf.add_font("body", "", str(fonts.body.path), collection_font_number=fonts.body.index)
    pdf.add_font("bold", "", str(fonts.bold.path), collection_font_number=fonts.bold.index)
    pdf.set_title(layout.title)
    pdf.set_author(layout.issuer)
    pdf.add_page()
    width = pdf.epw

    # 版头
    pdf.set_text_color(*RED)
    pdf.set_font("title", size=36)
    pdf.cell(width, 18, "“双高协同”工作简报", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("body", size=BODY)
    pdf.cell(width, LINE_MM, layout.subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.l_margin + width, pdf.get_y() + 2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.ln(LINE_MM)
    # 标题
    pdf.set_font("title", size=TITLE)
    pdf.multi_cell(width, 12, layout.title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    indent = "\u3000\u3000"
    for block in layout.blocks:
        if isinstance(block, Heading):
            pdf.set_font("bold", size=BODY)
            pdf.multi_cell(width, LINE_MM, indent + block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Paragraph):
            pdf.set_font("body", size=BODY)
            pdf.multi_cell(width, LINE_MM, indent + block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Table):
            _table(pdf, block, width)
        elif isinstance(block, Chart):
            pdf.image(io.BytesIO(block.png), w=width)
            pdf.set_font("body", size=TABLE + 1)
            pdf.cell(width, 7, block.caption, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
    # 落款 and 成文日期
    pdf.ln(LINE_MM)
    pdf.set_font("body", size=BODY)
    for text in (layout.issuer, layout.signed):
        pdf.cell(width - 4 * 5.6, LINE_MM, text, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _width(text: str) -> int:
    """Columns a text takes: a CJK character two, others one."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _table(pdf: FPDF, table: Table, width: float) -> None:
    pdf.set_font("bold", size=TABLE + 1)
    pdf.cell(width, 8, table.name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("body", size=TABLE)
    widths = [
        min(max([_width(h), *(_width(table.text(r, c)) for r in range(len(table.rows)))]), 30) + 2
        for c, h in enumerate(table.headers)
    ]
    with pdf.table(
        width=width,
        col_widths=tuple(widths),
        line_height=5,
        text_align="CENTER",
        headings_style=FontFace(family="bold", fill_color=(235, 235, 235)),
        first_row_as_headings=True,
    ) as grid:
        head = grid.row()
        for header in table.headers:
            head.cell(header)
        for r in range(len(table.rows)):
            row = grid.row()
            for c in range(len(table.headers)):
                row.cell(table.text(r, c))
        if not table.rows:
            grid.row().cell("暂无", colspan=len(table.headers))
    pdf.ln(4)
