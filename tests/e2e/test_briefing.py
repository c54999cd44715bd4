"""In a browser on the demo data: a student sees the thesis-replacement reform on the home page;
the province downloads the briefing as .docx and .pdf from the page, and their figures equal
``shuanggao stats --as-of`` for that date."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.e2e.conftest import LiveServer, SignIn

pytestmark = pytest.mark.browser

REFORM = "以“双高协同”实践成果代替毕业论文"
# Building the briefing (charts, fonts) takes a few seconds on a busy machine.
DOWNLOAD_MS = 120_000


def test_student_sees_the_thesis_reform(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.student")
    panel = page.locator("section, div").filter(has_text="适用于您的政策与改革").last
    link = page.get_by_role("link", name=REFORM)
    assert link.count() == 1
    assert panel.count() >= 1
    link.click()
    page.wait_for_url(re.compile(r"/r/policy_items/\d+$"))
    assert "毕业生参与“双高协同”实践并形成实践成果" in page.content()


def _stats(live_server: LiveServer, day: str) -> dict[str, Decimal]:
    out = live_server.cli("stats", "--as-of", day, "--format", "json").stdout
    figures = json.loads(out)["figures"]
    return {
        fig["label"].removesuffix("（元）"): Decimal(str(fig["value"])) for fig in figures.values()
    }


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def test_province_downloads_the_briefing(
    page: Any, sign_in: SignIn, live_server: LiveServer, tmp_path: Path
) -> None:
    sign_in(page, "demo.province", next_path="/briefing")
    page.wait_for_selector("#briefing-figures", timeout=DOWNLOAD_MS)
    day = page.locator("#briefing-form input[name=as_of]").input_value()
    stats = _stats(live_server, day)
    shown = {
        row.locator("td").first.inner_text(): _number(row.locator("td[data-value]").inner_text())
        for row in page.locator("#briefing-figures tbody tr").all()
    }
    assert {k.removesuffix("（元）"): v for k, v in shown.items()} == stats

    with page.expect_download(timeout=DOWNLOAD_MS) as got:
        page.get_by_role("link", name="公文版 .docx").click()
    docx_path = tmp_path / "briefing.docx"
    got.value.save_as(docx_path)
    assert got.value.suggested_filename.endswith(f"{day}.docx")
    doc = Document(str(docx_path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    assert {r.cells[0].text: _number(r.cells[1].text) for r in table.rows[1:]} == stats

    with page.expect_download(timeout=DOWNLOAD_MS) as got:
        page.get_by_role("link", name="PDF").click()
    pdf_path = tmp_path / "briefing.pdf"
    got.value.save_as(pdf_path)
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    # poppler-utils is installed by .ci/run.
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "2", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for label, value in stats.items():
        row = re.search(rf"^\s*{re.escape(label)}\s+([\d,.]+)\s", text, re.MULTILINE)
        assert row is not None and _number(row.group(1)) == value, label
