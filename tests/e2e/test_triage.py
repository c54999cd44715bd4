"""In a browser: a zone official opens the triage queue, sees what a vague need lacks, sends it
back (需再诊断) with a reason, and the province's broker finds the 高端光刻胶国产化 group in the
duplicate list."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn

pytestmark = pytest.mark.browser

# The queue's first page loads the tokenizer and may build the index.
FIRST_QUEUE_MS = 120_000


def test_send_a_vague_need_back_with_a_reason_and_see_the_resist_group(
    page: Any, sign_in: SignIn
) -> None:
    sign_in(page, "demo.zone", next_path="/triage")
    page.locator("#triage-queue").wait_for(timeout=FIRST_QUEUE_MS)
    rows = page.locator("#triage-queue tbody tr", has_text="需求笼统")
    vague = rows.filter(has_not_text="需再诊断").first
    title = vague.locator("td a").first.inner_text()
    vague.locator("td a").first.click()
    page.wait_for_url(re.compile(r"/r/demands/\d+$"))

    panel = page.locator("#triage-panel .triage-prompts")
    panel.wait_for()
    prompts = panel.locator("li")
    assert prompts.count() >= 3
    assert "缺少技术指标" in panel.inner_text()

    page.select_option("#triage-panel select[name=state]", "rediagnose")
    page.fill("#triage-panel input[name=note]", "请补充良率目标值和应用产线（浏览器测试）")
    page.click("#triage-panel button[type=submit]")
    page.wait_for_url(re.compile(r"/r/demands/\d+$"))
    history = page.locator("#triage-panel table.triage-history")
    history.wait_for()
    last = history.locator("tbody tr").last
    assert "→ 需再诊断" in last.inner_text()
    assert "请补充良率目标值和应用产线（浏览器测试）" in last.inner_text()
    assert "需再诊断" in page.locator("#triage-panel .panel-head").inner_text()
    # The prompts are still there for the enterprise to act on.
    assert page.locator("#triage-panel .triage-prompts li").count() >= 3
    assert title in page.locator("h1").inner_text()

    page.context.clear_cookies()
    sign_in(page, "demo.province", next_path="/triage/duplicates")
    group = page.locator("section.dup-group", has_text="高端光刻胶国产化").first
    group.wait_for(timeout=FIRST_QUEUE_MS)
    members = group.locator("tbody tr", has_text="高端光刻胶国产化")
    assert members.count() >= 2
