"""``shuanggao report briefing`` on a committed database: the .docx, .pdf and .xlsx read back
carry the figures ``shuanggao stats --as-of`` prints for the same date, in the official-document
layout; a PDF page renders to PNG."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from shuanggao.audit.models import AuditEvent
from shuanggao.cli import _load_areas, root
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from tests.briefing.world import build_world
from tests.dbs import fresh_database

AS_OF = "2025-12-01"
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        get_settings.cache_clear()
        engine = build_engine(url)
        with Session(engine) as session:
            build_world(session)
            session.commit()
        engine.dispose()
        _load_areas()
        try:
            yield url
        finally:
            get_settings.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(root, list(args), env={"COLUMNS": "200"})


def _stats(*extra: str) -> dict[str, tuple[str, Decimal]]:
    """``shuanggao stats --as-of --format json``: label → value, as the briefing labels it."""
    result = _run("stats", "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    return {
        name: (fig["label"].removesuffix("（元）"), Decimal(str(fig["value"])))
        for name, fig in figures.items()
    }


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def _briefing(tmp_path: Path, suffix: str, *extra: str) -> Path:
    out = tmp_path / f"简报.{suffix}"
    result = _run("report", "briefing", "--as-of", AS_OF, "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


def test_docx_figures_equal_stats_in_the_official_layout(committed: str, tmp_path: Path) -> None:
    stats = _stats()
    doc = Document(str(_briefing(tmp_path, "docx")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    got = {row.cells[0].text: _number(row.cells[1].text) for row in table.rows[1:]}
    assert got == dict(stats.values())
    # The values are the approved report's where it has them (342 projects), records elsewhere.
    assert got["合作研发项目"] == 342 and got["合作经费投入"] == Decimal("750000000")
    assert got["试点高新区"] == 2

    section = doc.sections[0]
    sizes = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    # Stored in twips: equal to the millimetre.
    assert [round(Length(v).mm) for v in sizes] == [210, 297, 37, 35, 28, 26]
    masthead = doc.paragraphs[0]
    assert masthead.text == "“双高协同”工作简报"
    assert str(masthead.runs[0].font.color.rgb) == "C00000"
    assert masthead.runs[0]._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    titles = [p.text for p in doc.paragraphs]
    assert "“双高协同”工作简报（全省，截至2025年12月1日）" in titles
    assert titles[-2:] == ["双高协同平台", "2025年12月1日"]
    assert doc.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # Page numbers: a PAGE field in the odd and even footers.
    for footer in (section.footer, section.even_page_footer):
        assert "PAGE" in footer._element.xml
    assert doc.settings.odd_and_even_pages_header_footer
    # Charts are embedded as images; sections in order.
    assert len(doc.inline_shapes) == 2
    headings = [t for t in titles if re.match(r"^[一二三四五六七八九十]、", t)]
    assert headings == [
        "一、数说双高协同",
        "二、试点推进情况",
        "三、“五个一”完成度",
        "四、六大任务推进",
        "五、结对覆盖",
        "六、滞后事项",
        "七、典型案例与供需匹配",
        "八、合作对接漏斗",
    ]
    lagging = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == "高新区" and t.rows[0].cells[-1].text == "停滞天数"
    )
    assert [(r.cells[2].text, r.cells[5].text) for r in lagging.rows[1:]] == [
        ("成果转化基金", "139"),
        ("领军人才引进", "113"),
    ]


def test_xlsx_figures_equal_stats_for_a_zone(committed: str, tmp_path: Path) -> None:
    stats = _stats("--zone", "甲高新区")
    book = load_workbook(_briefing(tmp_path, "xlsx", "--zone", "甲高新区"))
    sheet = book["数说双高协同"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("指标", "数值")
    got = {r[0]: Decimal(str(r[1])) for r in rows[1:]}
    assert got == dict(stats.values())
    assert got["合作经费投入"] == Decimal("1234.56")  # no zone report: the records
    cover = [r[0] for r in book["简报"].iter_rows(values_only=True)]
    assert cover[0] == "“双高协同”工作简报（甲高新区，截至2025年12月1日）"
    # A zone's briefing has no province coverage section.
    assert "结对覆盖" not in " ".join(str(c) for c in cover)


# CI installs poppler-utils (.ci/run): there the test never skips.
@pytest.mark.skipif(
    not POPPLER and not os.environ.get("CI"), reason="poppler-utils (pdftotext) not installed"
)
def test_pdf_embeds_the_font_carries_stats_and_renders(committed: str, tmp_path: Path) -> None:
    stats = _stats()
    pdf = _briefing(tmp_path, "pdf")
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "CJK" in fonts and " yes " in fonts  # embedded (subset)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "2", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for label, value in stats.values():
        row = re.search(rf"^\s*{re.escape(label)}\s+([\d,.]+)\s", text, re.MULTILINE)
        assert row is not None, label
        assert _number(row.group(1)) == value, label
    assert "“双高协同”工作简报" in text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        assert round(height / width, 2) == round(297 / 210, 2)
        # The red masthead in the top fifth, dark text below it.
        top = [rgb.getpixel((x, y)) for x in range(width) for y in range(height // 5)]
        assert any(r > 150 and g < 80 and b < 80 for r, g, b in top)
        body = [rgb.getpixel((x, y)) for x in range(width) for y in range(height // 3, height)]
        assert sum(1 for r, g, b in body if r + g + b < 200) > 100


def test_bad_output_and_zone_are_refused(committed: str, tmp_path: Path) -> None:
    bad = _run("report", "briefing", "--as-of", AS_OF, "--out", str(tmp_path / "x.txt"))
    assert bad.exit_code == 2
    unknown = _run(
        "report", "briefing", "--out", str(tmp_path / "x.docx"), "--zone", "不存在高新区"
    )
    assert unknown.exit_code == 1
    assert not (tmp_path / "x.docx").exists()


def test_briefing_is_audited(committed: str, tmp_path: Path) -> None:
    _briefing(tmp_path, "xlsx")
    engine = build_engine(committed)
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "briefing")).all()
        assert [(e.action, e.after["format"], e.after["as_of"]) for e in events] == [
            ("export", "xlsx", AS_OF)
        ]
    engine.dispose()
