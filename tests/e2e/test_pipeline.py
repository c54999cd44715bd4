"""In a browser: a zone administrator enters a need, starts a collaboration from its best match,
carries it through the stages to 签订合同, finds the project it created with its origin, and sees
each step in the funnel (drawn with ECharts, the same numbers in the table)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn

pytestmark = pytest.mark.browser

FIRST_MATCH_MS = 120_000
TITLE = "储能电站电池安全预警模型合作（对接流程浏览器测试）"


def test_carry_a_match_to_contract_project_with_origin_and_funnel(
    page: Any, sign_in: SignIn
) -> None:
    sign_in(page, "demo.zone", next_path="/r/demands/new")
    page.select_option("#f-enterprise_id", label="江苏林洋储能技术有限公司")
    page.fill("#f-title", TITLE)
    page.fill("#f-description", "利用锂电池储能安全实验数据，建立储能电站热失控安全预警模型。")
    page.fill("#f-keywords", "锂电池；储能；热失控；安全预警")
    page.fill("#f-industry_code", "C3841")
    page.select_option("#f-cooperation_mode", "development")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/r/demands/\d+$"))
    demand_id = page.url.rsplit("/", 1)[1]

    page.goto(f"/demands/{demand_id}/matches")
    cards = page.locator("article.match-card")
    cards.first.wait_for(timeout=FIRST_MATCH_MS)
    card = cards.filter(has_text="锂电池储能系统安全实验数据").first
    card.locator("form.start-collaboration button").click()
    page.wait_for_url(re.compile(r"/pipeline/\d+$"))
    collab_url = page.url
    assert page.locator("#collab-stage").get_attribute("data-stage") == "intent"

    for stage, label in [
        ("contacted", "已联系"),
        ("engaged", "已对接"),
        ("intent_signed", "签订意向"),
        ("contract_signed", "签订合同"),
    ]:
        button = page.locator("#advance-button")
        assert label in button.inner_text()
        page.fill("#advance-form input[name=owner]", "陈钊")
        button.click()
        page.wait_for_selector(f"#collab-stage[data-stage='{stage}']")
    steps = page.locator("#collab-steps tbody tr[data-kind='advance']")
    assert steps.count() == 4

    project_link = page.locator("#collab-project a")
    project_href = project_link.get_attribute("href")
    assert project_href is not None and re.fullmatch(r"/r/projects/\d+", project_href)
    project_link.click()
    page.wait_for_url(re.compile(r"/r/projects/\d+$"))
    origin = page.locator("#project-origin")
    assert origin.locator("[data-origin='match']").inner_text() == "供需匹配"
    collab_path = collab_url.split("//", 1)[1].split("/", 1)[1]
    assert origin.locator(f"a[href='/{collab_path}']").count() == 1
    assert TITLE in page.locator("h1").inner_text()

    page.goto("/pipeline/funnel?by=zone")
    page.wait_for_selector("#funnel-chart[data-rendered='true']")
    reached = {
        row.get_attribute("data-stage"): int(row.locator("td").nth(1).inner_text())
        for row in page.locator("#funnel-overall tbody tr").all()
    }
    for stage in ("intent", "contacted", "engaged", "intent_signed", "contract_signed"):
        assert reached[stage] >= 1, reached
    zone_row = page.locator("#funnel-groups tbody tr", has_text="南京建邺高新区")
    assert zone_row.count() == 1
