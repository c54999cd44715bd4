"""Per-purpose consent in a real browser (PIPL 15; checklist PI-03, PI-04): the student gives and
withdraws sharing the practice record on ``/account/consent``, and the enterprise mentor's page
shows the record, then stops showing it on the next load."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn, screenshot

pytestmark = pytest.mark.browser

TITLE = "浏览器·授权·储能变流器故障诊断"
MILESTONE = "完成故障样本采集与标注"


def _as(page: Any, sign_in: SignIn, username: str, path: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, next_path=path)
    if not page.url.endswith(path):
        page.goto(path)


def _click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _share(page: Any, sign_in: SignIn, granted: bool) -> None:
    _as(page, sign_in, "demo.student", "/account/consent")
    row = page.locator("#consent-purposes tr[data-purpose=practice_mentor]")
    # Another browser test may have left it either way (the demo database is shared).
    if (row.locator(".purpose-state").inner_text() == "已同意") is not granted:
        _click(page, "#purpose-practice_mentor")
    assert page.url.endswith("/account/consent")
    row = page.locator("#consent-purposes tr[data-purpose=practice_mentor]")
    assert row.locator(".purpose-state").inner_text() == ("已同意" if granted else "已撤回")
    assert re.search(r"\d{4}", row.inner_text())  # the version and the time are shown


def test_student_withdraws_and_the_enterprise_mentor_stops_seeing_the_record(
    page: Any, sign_in: SignIn
) -> None:
    _as(page, sign_in, "demo.student", "/mentoring")
    form = page.locator("#register-form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("select[name=degree_level]").select_option("professional_master")
    form.locator("input[name=major]").fill("电力电子与电力传动")
    form.locator("select[name=enterprise_id]").select_option(label="江苏林洋储能技术有限公司")
    form.locator("select[name=university_mentor_id]").select_option(label="演示·导师")
    form.locator("select[name=enterprise_mentor_id]").select_option(
        label="演示·企业用户（江苏林洋储能技术有限公司）"
    )
    form.locator("input[name=start_date]").fill("2026-03-01")
    form.locator("input[name=outcome_due_date]").fill("2027-01-31")
    _click(page, "#register-form button[type=submit]")
    assert re.search(r"/mentoring/\d+$", page.url), page.url
    path = "/mentoring/" + page.url.rsplit("/", 1)[1]
    page.locator("#milestone-form input[name=title]").fill(MILESTONE)
    page.locator("#milestone-form input[name=due_date]").fill("2026-10-31")
    _click(page, "#milestone-form button[type=submit]")

    _share(page, sign_in, granted=True)
    screenshot(page, "consent-01-shared")
    _as(page, sign_in, "demo.enterprise", path)
    assert MILESTONE in page.locator("#deadlines").inner_text()
    assert "电力电子与电力传动" in page.locator(".subtitle").inner_text()
    assert page.locator("#record-not-shared").count() == 0

    _share(page, sign_in, granted=False)
    screenshot(page, "consent-02-withdrawn")
    _as(page, sign_in, "demo.enterprise", path)
    assert page.locator("h1").inner_text().startswith(TITLE)
    assert page.locator("#record-not-shared").is_visible()
    assert MILESTONE not in page.content()
    assert "电力电子与电力传动" not in page.content()
    assert "演示·学生" not in page.content()
    screenshot(page, "consent-03-mentor-view")
