"""The briefing as a .docx in the layout of official documents (GB/T 9704-2012): A4 with the
standard margins, a red 版头 with its separator line, the 标题 in 小标宋 style at 二号, the 正文
in 仿宋 style at 三号 with a two-character first-line indent, 落款 and 成文日期 at the right, and
page numbers “— N —” at the outer edge (right on odd pages, left on even)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from shuanggao.briefing.content import Chart, Heading, Layout, Paragraph, Table
from shuanggao.briefing.fonts import BriefingFonts

RED = RGBColor(0xC0, 0x00, 0x00)
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_TABLE = Pt(10.5)  # 五号
SIZE_PAGE = Pt(14)  # 四号
LINE = Pt(28.95)  # 22 lines on the type area


def _font(run: Run, family: str, size: Pt, *, bold: bool = False) -> None:
    run.font.name = family
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _para(
    doc: DocumentObject,
    text: str,
    family: str,
    size: Pt,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> DocxParagraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE if size <= SIZE_BODY else Pt(size.pt * 1.4)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    _font(run, family, size, bold=bold)
    if colour is not None:
        run.font.color.rgb = colour
    return p


def _red_rule(paragraph: DocxParagraph) -> None:
    """The 版头 separator: a red line under the paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "18"),
        ("w:space", "4"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _page_number(paragraph: DocxParagraph, family: str) -> None:
    """“— PAGE —” as a field, so Word numbers every page."""
    paragraph.paragraph_format.space_before = Pt(0)

    def text(value: str) -> None:
        _font(paragraph.add_run(value), family, SIZE_PAGE)

    text("— ")
    run = paragraph.add_run()
    _font(run, family, SIZE_PAGE)
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instr
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    text(" —")


def _table(doc: DocumentObject, table: Table, fonts: BriefingFonts) -> None:
    _para(
        doc, table.name, fonts.bold.family, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True
    )
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), fonts.bold.family, SIZE_TABLE, bold=True)
    for r in range(len(table.rows)):
        cells = grid.add_row().cells
        for c in range(len(table.headers)):
            cells[c].text = ""
            run = cells[c].paragraphs[0].add_run(table.text(r, c))
            _font(run, fonts.body.family, SIZE_TABLE)
    if not table.rows:
        cells = grid.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = ""
        _font(merged.paragraphs[0].add_run("暂无"), fonts.body.family, SIZE_TABLE)


def write_docx(layout: Layout, fonts: BriefingFonts) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    _page_number(odd, fonts.body.family)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_number(even, fonts.body.family)

    # 版头: the red masthead and its rule.
    _para(
        doc,
        "“双高协同”工作简报",
        fonts.title.family,
        Pt(36),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        colour=RED,
    )
    rule = _para(
        doc, layout.subtitle, fonts.body.family, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _red_rule(rule)
    _para(doc, "", fonts.body.family, SIZE_BODY)
    # 标题
    _para(doc, layout.title, fonts.title.family, SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "", fonts.body.family, SIZE_BODY)
    for block in layout.blocks:
        if isinstance(block, Heading):
            _para(doc, block.text, fonts.bold.family, SIZE_BODY, indent=True, bold=True)
        elif isinstance(block, Paragraph):
            _para(doc, block.text, fonts.body.family, SIZE_BODY, indent=True)
        elif isinstance(block, Table):
            _table(doc, block, fonts)
            _para(doc, "", fonts.body.family, SIZE_TABLE)
        elif isinstance(block, Chart):
            doc.add_picture(io.BytesIO(block.png), width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _para(
                doc, block.caption, fonts.body.family, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER
            )
    # 落款 and 成文日期, right-aligned with four characters' space.
    _para(doc, "", fonts.body.family, SIZE_BODY)
    for text in (layout.issuer, layout.signed):
        p = _para(doc, text, fonts.body.family, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 4)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
