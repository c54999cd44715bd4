"""In a browser: the zone map lays out its figures in a row and draws its chart; the audit log
shows a change with Chinese field names, labels and names, its columns readable."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn, screenshot

pytestmark = pytest.mark.browser

# The first match page of the server loads the tokenizer and builds the index.
FIRST_MATCH_MS = 120_000


def test_zone_map_shows_its_figures_in_a_row_and_draws_the_chart(
    page: Any, sign_in: SignIn
) -> None:
    sign_in(page, "demo.zone", next_path="/matches/map")
    page.wait_for_url(re.compile(r"/zones/\d+/map$"), timeout=FIRST_MATCH_MS)
    page.wait_for_selector("#zone-map-chart[data-rendered=true]", timeout=FIRST_MATCH_MS)
    boxes = [
        page.locator(f"#figure-{key}").bounding_box()
        for key in ("demands", "covered", "gaps", "coverage")
    ]
    assert all(b is not None for b in boxes)
    tops = {round(b["y"]) for b in boxes if b is not None}
    lefts = [b["x"] for b in boxes if b is not None]
    assert len(tops) == 1 and lefts == sorted(lefts) and len(set(lefts)) == 4
    canvas = page.locator("#zone-map-chart canvas").first.bounding_box()
    assert canvas is not None and canvas["width"] > 200 and canvas["height"] > 200
    assert page.locator("#zone-map-groups tbody tr").count() >= 1
    screenshot(page, "12-zone-map")


def test_the_audit_log_shows_a_change_in_chinese_and_readably(
    page: Any, browser: Any, sign_in: SignIn, live_server: Any
) -> None:
    sign_in(page, "demo.province", next_path="/r/zones?sort=-id")
    page.locator("#records tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/r/zones/\d+$"))
    zone_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/r/zones/{zone_id}/edit")
    page.fill("#f-note", "浏览器审计测试：修改备注")
    level_now = page.eval_on_selector("#f-level", "el => el.value")
    new_level, new_label = (
        ("provincial_prep", "省级（筹）")
        if level_now != "provincial_prep"
        else ("provincial", "省级")
    )
    page.select_option("#f-level", new_level)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/r/zones/{zone_id}$"))

    auditor = browser.new_context(base_url=live_server.base_url, locale="zh-CN")
    try:
        tab = auditor.new_page()
        sign_in(tab, "demo.auditor", next_path="/audit?entity=zones&action=update")
        details = tab.locator("#audit-table details.audit-change").first
        details.locator("summary").click()
        diff = details.locator("table.audit-diff")
        assert diff.locator("thead th").all_inner_texts() == ["字段", "修改前", "修改后"]
        level = diff.locator("tr[data-field=level]")
        assert level.locator("th").inner_text() == "级别"
        assert level.locator("td").nth(1).inner_text() == new_label
        assert (
            diff.locator("tr[data-field=note] td").nth(1).inner_text() == "浏览器审计测试：修改备注"
        )
        header = diff.locator("thead th").nth(1).bounding_box()
        label = level.locator("th").bounding_box()
        assert header is not None and label is not None
        # One line, not one character per line.
        assert header["width"] > header["height"] and header["height"] < 2 * label["height"]
        screenshot(tab, "13-audit-change")
    finally:
        auditor.close()
