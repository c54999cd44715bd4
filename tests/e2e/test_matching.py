"""In a browser: a zone administrator enters a demand, sees its matches with their reasons and
marks one 有意向."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn

pytestmark = pytest.mark.browser

# The first match page of the server loads the tokenizer and builds the index.
FIRST_MATCH_MS = 120_000


def test_enter_a_demand_see_matches_with_reasons_and_mark_one(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.zone", next_path="/r/demands/new")
    page.select_option("#f-enterprise_id", label="江苏林洋储能技术有限公司")
    page.fill("#f-title", "储能电站热失控早期预警（浏览器测试）")
    page.fill(
        "#f-description",
        "希望利用锂电池储能安全实验数据，为储能电站建立热失控早期安全预警模型。",
    )
    page.fill("#f-keywords", "锂电池；储能；热失控")
    page.fill("#f-industry_code", "C3841")
    page.select_option("#f-cooperation_mode", "development")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/r/demands/\d+$"))
    demand_id = page.url.rsplit("/", 1)[1]

    page.click(f"a[href='/demands/{demand_id}/matches']", no_wait_after=True)
    page.wait_for_url(re.compile(rf"/demands/{demand_id}/matches"), timeout=FIRST_MATCH_MS)
    cards = page.locator("article.match-card")
    cards.first.wait_for(timeout=FIRST_MATCH_MS)
    assert cards.count() >= 3
    titles = [cards.nth(i).locator(".match-title").inner_text() for i in range(3)]
    assert any("锂电池储能系统安全实验数据" in t for t in titles), titles
    first = cards.first
    # Reasons: shared terms highlighted, codes, score parts, the filters applied.
    assert first.locator(".match-terms mark").count() >= 1
    assert first.locator(".match-title mark").count() >= 1
    assert "综合得分" in first.locator(".match-score-parts").inner_text()
    assert "可见范围" in first.locator(".match-reasons").inner_text()
    assert "已查看" in first.locator(".match-state").inner_text()

    first.locator("button", has_text="有意向").click()
    first.locator(".match-actions[data-state='interested']").wait_for()
    assert "有意向" in first.locator(".match-state").inner_text()
    assert "已保存" in first.locator(".match-state").inner_text()

    page.reload()
    interested = page.locator("article.match-card .match-actions[data-state='interested']")
    assert interested.count() == 1
    assert page.locator(".feedback-counts td[data-state='interested']").inner_text() == "1"
