"""The issue's 填报 case in a real browser on the demo data: a zone administrator opens the
quarter's report pre-filled from records, explains one difference and submits; the province
returns it once with a comment, then approves; the zone's dashboard figure changes and links to
that report."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn, screenshot

pytestmark = pytest.mark.browser

QUARTER = "2026年第三季度"


def _projects_card(page: Any) -> tuple[str, str | None]:
    card = page.locator("#figure-projects")
    value = card.locator(".figure-number").inner_text()
    link = card.locator("a.figure-source")
    return value, (link.get_attribute("href") if link.count() else None)


def test_zone_reports_the_quarter_and_the_province_returns_then_approves(
    page: Any, sign_in: SignIn
) -> None:
    sign_in(page, "demo.zone", next_path="/dashboard")
    page.wait_for_url(re.compile(r"/dashboard/zones/\d+"))
    dashboard_url = page.url.split("?")[0]
    before, _ = _projects_card(page)

    page.goto("/reports")
    row = page.locator("#report-status tbody tr", has_text=QUARTER)
    assert row.count() == 1
    row.locator("button", has_text="按记录预填并填报").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    report_url = page.url
    assert page.locator("#report-state").inner_text() == "草稿"
    projects = page.locator('#sheet tr[data-code="projects"]')
    recorded = int(projects.locator(".records-link").inner_text().replace(",", ""))
    # Pre-filled from the records.
    assert projects.locator('input[name="figure.projects"]').input_value() == str(recorded)
    reported = recorded + 5 if str(recorded + 5) != before.replace(",", "") else recorded + 6
    projects.locator('input[name="figure.projects"]').fill(str(reported))
    page.click("#save-report")
    page.wait_for_url(report_url)
    page.click("#submit-report")
    # The difference is not explained yet: refused, naming the indicator.
    assert page.locator('#sheet tr[data-code="projects"] .field-error').is_visible()
    assert page.locator("#report-state").inner_text() == "草稿"
    page.fill('input[name="explain.projects"]', "另有项目已签约、尚未在平台逐条登记")
    page.click("#save-report")
    page.wait_for_url(report_url)
    page.click("#submit-report")
    page.wait_for_url(report_url)
    assert page.locator("#report-state").inner_text() == "已提交"
    screenshot(page, "reports-01-submitted")

    page.context.clear_cookies()
    sign_in(page, "demo.province", next_path=report_url.split("//", 1)[1].split("/", 1)[1])
    page.goto(report_url)
    page.fill("#review-comment", "请补充未登记项目的合同编号")
    page.click("#return-report")
    page.wait_for_url(report_url)
    assert page.locator("#report-state").inner_text() == "已退回"

    page.context.clear_cookies()
    sign_in(page, "demo.zone", next_path="/")
    page.goto(report_url)
    assert "请补充未登记项目的合同编号" in page.locator("#return-comment").inner_text()
    page.fill('input[name="explain.projects"]', "另有 5 个项目已签约（合同编号见附件），尚未登记")
    page.click("#save-report")
    page.wait_for_url(report_url)
    page.click("#submit-report")
    page.wait_for_url(report_url)
    assert page.locator("#report-state").inner_text() == "已提交"

    page.context.clear_cookies()
    sign_in(page, "demo.province", next_path="/")
    page.goto(report_url)
    page.click("#approve-report")
    page.wait_for_url(report_url)
    assert page.locator("#report-state").inner_text() == "已审核"
    actions = page.locator("#history tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.action)"
    )
    assert actions == ["create", "save", "save", "submit", "return", "save", "submit", "approve"]
    screenshot(page, "reports-02-approved")

    page.goto(dashboard_url)
    after, href = _projects_card(page)
    assert after.replace(",", "") == str(reported)
    assert after != before
    report_path = "/" + report_url.split("//", 1)[1].split("/", 1)[1]
    assert href == report_path
    page.locator("#figure-projects a.figure-source").click()
    page.wait_for_url(report_url)
    screenshot(page, "reports-03-dashboard-links-to-report")
