"""The web UI in a real browser: sign in, lists, forms with Chinese field errors, import, the
数说双高协同 dashboard with its charts drawn."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from shuanggao.enterprises.credit_code import make_credit_code
from tests.e2e.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.browser


def test_sign_in_lands_on_the_role_home_page(page: Any, sign_in: SignIn) -> None:
    page.goto("/r/zones")
    assert "/login?next=/r/zones" in page.url
    screenshot(page, "01-login")
    sign_in(page, "demo.province", next_path="/")
    assert page.locator(".userbox .badge-role").inner_text() == "省级管理员"
    assert page.locator("#panel-coverage").is_visible()
    assert page.locator("#panel-reports_to_approve").is_visible()
    screenshot(page, "02-home-province")


def test_wrong_password_is_refused_in_chinese(page: Any, sign_in: SignIn) -> None:
    page.goto("/login")
    page.fill("input[name=username]", "demo.zone")
    page.fill("input[name=password]", "not-the-password")
    page.click("form button[type=submit]")
    assert page.locator("#login-error").is_visible()
    assert "/login" in page.url


def test_search_and_filter_a_register_with_partial_updates(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.province", next_path="/r/zones")
    rows = page.locator("#records tbody tr")
    total = rows.count()
    assert total >= 20
    page.fill("input[name=q]", "江阴")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=%E6%B1%9F%E9%98%B4"))
    page.wait_for_function("document.querySelectorAll('#records tbody tr').length === 1")
    assert rows.first.locator("td").first.inner_text().startswith("江阴高新区")
    # Clear the search, filter by city: the table updates in place and the URL follows.
    page.fill("input[name=q]", "")
    page.select_option("select[name=city]", "无锡市")
    page.wait_for_url(re.compile(r"city=%E6%97%A0%E9%94%A1%E5%B8%82"))
    page.wait_for_function(
        "Array.from(document.querySelectorAll('#records tbody tr')).every("
        "r => r.innerText.includes('无锡市'))"
    )
    assert 1 <= rows.count() < total
    screenshot(page, "03-zones-filtered")
    # Sorting by a header keeps the filter.
    page.click("#records thead th >> text=高新区简称")
    page.wait_for_url(re.compile(r"sort=name"))
    assert "city=" in page.url


def test_create_a_record_fix_a_bad_field_and_save(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.zone", next_path="/r/enterprises/new")
    page.fill("#f-name", "浏览器测试储能科技有限公司")
    page.fill("#f-credit_code", "91320105MA1ABCDEF0")
    page.fill("#f-industry_code", "C3841")
    page.click("form.form button[type=submit]")
    error = page.locator("#f-credit_code-error")
    assert error.is_visible()
    assert "统一社会信用代码" in error.inner_text() or "校验" in error.inner_text()
    assert page.locator(".field.has-error").count() == 1
    assert page.locator("#f-name").input_value() == "浏览器测试储能科技有限公司"
    screenshot(page, "04-enterprise-field-error")
    page.fill("#f-credit_code", make_credit_code("91320105MA1BR0WX3"))
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/r/enterprises/\d+$"))
    assert "已新增企业：浏览器测试储能科技有限公司。" in page.locator("#flashes").inner_text()
    assert page.locator("h1").inner_text().startswith("浏览器测试储能科技有限公司")
    screenshot(page, "05-enterprise-saved")


def _upload(page: Any, path: Path) -> None:
    page.goto("/r/zones/import")
    page.set_input_files("#f-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/r/zones/import/jobs/\d+$"), timeout=60_000)


def test_import_a_spreadsheet_with_an_error_then_a_good_one(
    page: Any, sign_in: SignIn, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    def workbook(rows: list[list[str]], name: str) -> Path:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["高新区简称", "全称", "级别", "所在设区市"])
        for row in rows:
            sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    sign_in(page, "demo.province", next_path="/r/zones")
    bad = workbook(
        [
            ["浏览器导入甲高新区", "浏览器导入甲高新技术产业开发区", "省级", "宿迁市"],
            ["浏览器导入乙高新区", "浏览器导入乙高新技术产业开发区", "市级", ""],
        ],
        "bad.xlsx",
    )
    _upload(page, bad)
    assert page.locator("#import-rejected").is_visible()
    cells = page.locator("#import-errors tbody tr").all_inner_texts()
    assert [c.split("\t")[:2] for c in cells] == [["3", "级别"], ["3", "所在设区市"]]
    assert page.locator("#confirm-import").count() == 0
    screenshot(page, "06-import-errors")

    good = workbook(
        [
            ["浏览器导入甲高新区", "浏览器导入甲高新技术产业开发区", "省级", "宿迁市"],
            ["浏览器导入乙高新区", "浏览器导入乙高新技术产业开发区", "省级", "宿迁市"],
        ],
        "good.xlsx",
    )
    _upload(page, good)
    assert page.locator("#import-ok").is_visible()
    assert page.locator("#count-created").inner_text() == "2"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#confirm-import")
    page.wait_for_selector("#import-done", timeout=60_000)
    screenshot(page, "07-import-done")
    page.goto("/r/zones?q=浏览器导入")
    assert page.locator("#records tbody tr").count() == 2


def test_the_import_progress_survives_a_busy_answer(
    page: Any, sign_in: SignIn, tmp_path: Path
) -> None:
    """A poll answered 503 (database busy) or dropped does not freeze the progress page."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["高新区简称", "全称", "级别", "所在设区市"])
    # Enough rows that the check is still running when the page first polls (600 ms): a task
    # already finished when the page opens sends the user on without any poll.
    for i in range(3000):
        sheet.append([f"轮询重试{i}高新区", f"轮询重试{i}高新技术产业开发区", "省级", "宿迁市"])
    path = tmp_path / "retry.xlsx"
    book.save(path)
    refused: list[str] = []

    def busy_once(route: Any) -> None:
        if route.request.headers.get("hx-request") == "true" and not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, body="数据库繁忙", headers={"Retry-After": "1"})
        else:
            route.continue_()

    sign_in(page, "demo.province", next_path="/r/zones")
    page.route("**/r/zones/import/tasks/*", busy_once)
    _upload(page, path)
    assert len(refused) == 1
    assert page.locator("#import-ok").is_visible()


ARTICLE_FIGURES = {
    "universities": "37",
    "zones": "18",
    "pairings": "51",
    "projects": "342",
    "platforms": "58",
    "residents": "1,000",
    "enterprises_served": "560",
    "funding_yuan": "75,000 万元",
}


def test_dashboard_shows_the_article_figures_and_draws_its_charts(
    page: Any, sign_in: SignIn
) -> None:
    sign_in(page, "demo.province", next_path="/dashboard?as_of=2025-11-30")
    shown = {
        name: page.locator(f"#figure-{name} .figure-number").inner_text()
        for name in ARTICLE_FIGURES
    }
    assert shown == ARTICLE_FIGURES
    assert page.locator("#figure-projects .badge").inner_text() == "来自已审核填报"
    for chart in ("trend-chart", "coverage-chart", "cities-chart"):
        page.wait_for_selector(f"#{chart}[data-rendered=true]")
        canvas = page.locator(f"#{chart} canvas").first
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, chart
    # The data tables beside the charts.
    assert page.locator("#trend-table tbody tr").count() == 5
    assert page.locator("#cities-table tbody tr").count() >= 10
    screenshot(page, "08-dashboard")
    # Drill down: a city, then a zone, then a pairing's 五个一 board.
    page.click("#cities-table a >> text=无锡市")
    page.wait_for_url(re.compile(r"/dashboard/cities/"))
    page.click("#zones-table a >> text=江阴高新区")
    page.wait_for_url(re.compile(r"/dashboard/zones/\d+"))
    page.wait_for_selector("#trend-chart[data-rendered=true]")
    page.click("#zone-pairings a.btn")
    page.wait_for_url(re.compile(r"/pairings/\d+/board"))
    assert page.locator("#board .board-card").count() == 5
    screenshot(page, "09-board")


def test_zone_admin_sees_their_zone_only(
    page: Any, sign_in: SignIn, live_server: LiveServer
) -> None:
    sign_in(page, "demo.zone", next_path="/dashboard")
    page.wait_for_url(re.compile(r"/dashboard/zones/\d+"))
    assert page.locator("h1").inner_text() == "南京建邺高新区"
    page.goto("/")
    assert page.locator(".user-tenant").inner_text() == "南京建邺高新区"
    assert page.locator("#panel-demands_to_triage").is_visible()
    screenshot(page, "10-home-zone")


def test_auditor_reads_the_audit_log_of_sign_ins(page: Any, sign_in: SignIn) -> None:
    # Nobody audits themselves (三权分立): the auditor reads the zone's sign-ins, not its own.
    sign_in(page, "demo.zone", next_path="/")
    page.context.clear_cookies()  # signed out: the auditor signs in next
    sign_in(page, "demo.auditor", next_path="/")
    page.click(".sidenav a >> text=审计日志")
    page.wait_for_url(re.compile(r"/audit$"))
    page.fill("#audit-filters input[name=actor]", "demo.zone")
    page.select_option("#audit-filters select[name=action]", "sign_in")
    page.wait_for_url(re.compile(r"action=sign_in"))
    page.wait_for_function(
        "document.querySelectorAll('#audit-table tbody > tr').length >= 1 && "
        "Array.from(document.querySelectorAll('#audit-table tbody > tr')).every("
        "r => r.innerText.includes('demo.zone') && r.innerText.includes('登录成功'))"
    )
    assert "demo.auditor" not in page.locator("#audit-table").inner_text()
    screenshot(page, "11-audit-log")
