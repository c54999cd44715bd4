"""In a browser, the issue's scene: the 建邺 zone's administrator creates the event, registers ten
enterprises and fifteen researchers, generates a clash-free schedule that beats greedy, prints
agendas; 陈钊's need typed on the phone-sized intake page suggests 彭纪昌's data first; saved
and booked, the meeting is marked 有意向 on the spot."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn, screenshot

pytestmark = pytest.mark.browser

# The first schedule builds the supply index.
FIRST_SCHEDULE_MS = 120_000
NEED = "我们急需为锂电池储能系统做更精准的安全预测和预警，让大型储能场站配上更聪明的“大脑”"


def _register(page: Any, form: str, label: str | None = None) -> None:
    select = page.locator(f"{form} select")
    if label is not None:
        value = select.locator("option", has_text=label).first.get_attribute("value")
        select.select_option(value)
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_load_state()


def test_jianye_event_schedule_intake_and_outcome(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.zone", next_path="/events")
    # The demo holds the article's event, held on 2025-07-10.
    assert "南京建邺高新区“双高协同”校企对接会" in page.locator("#event-list").inner_text()

    form = page.locator("#event-form")
    form.locator("input[name=title]").fill("浏览器·南京建邺高新区“双高协同”校企对接会")
    form.locator("input[name=event_date]").fill("2025-07-10")
    form.locator("input[name=place]").fill("南京建邺高新区")
    form.locator("select[name=zone_ids]").select_option(
        label=["南京建邺高新区", "南京鼓楼高新区", "溧阳高新区"]
    )
    form.locator("select[name=university_ids]").select_option(
        label=["南京工程学院", "南京邮电大学", "河海大学", "江苏理工学院"]
    )
    form.locator("textarea[name=slots]").fill("14:00-14:20\n14:20-14:40\n14:40-15:00\n15:00-15:20")
    form.locator("textarea[name=tables]").fill("1号桌\n2号桌\n3号桌\n4号桌\n5号桌")
    form.locator("input[name=meeting_cap]").fill("3")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    event_url = page.url

    _register(page, "#register-enterprise", "江苏林洋储能技术有限公司")
    for _ in range(9):
        _register(page, "#register-enterprise")
    _register(page, "#register-researcher", "彭纪昌（南京工程学院）")
    for _ in range(14):
        _register(page, "#register-researcher")
    rows = page.locator("#registration-list tbody tr")
    assert rows.count() == 25
    assert page.locator("#registration-list .reg-status", has_text="已通过").count() == 25

    page.locator("#schedule-button").click()
    page.wait_for_url(re.compile(r"/events/\d+#schedule$"), timeout=FIRST_SCHEDULE_MS)
    figures = page.locator("#schedule-figures")
    meetings = int(figures.locator("[data-key=meetings]").inner_text())
    total = float(figures.locator("[data-key=total_score]").inner_text())
    greedy = float(figures.locator("[data-key=greedy_total_score]").inner_text().split("（")[0])
    assert figures.locator("[data-key=clashes]").inner_text() == "0"
    assert meetings == page.locator("#meeting-list tbody tr").count() > 0
    assert total > greedy, (total, greedy)
    # Nobody twice in a slot, no table twice in a slot.
    seen: set[tuple[str, str]] = set()
    for i in range(meetings):
        cells = page.locator("#meeting-list tbody tr").nth(i).locator("td")
        slot = cells.nth(0).inner_text()
        for who in (cells.nth(1), cells.nth(2), cells.nth(3)):
            key = (slot, who.inner_text())
            assert key not in seen
            seen.add(key)

    with page.expect_download() as pdf:
        page.locator("#agenda-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx:
        page.locator("#agenda-xlsx").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")

    # On site, on a phone: 陈钊 states the need.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#intake-link").click()
    page.wait_for_url(re.compile(r"/events/\d+/intake$"))
    page.locator("select[name=enterprise_registration_id]").select_option(
        label="江苏林洋储能技术有限公司"
    )
    page.locator("#intake-text").fill(NEED)
    first = page.locator("#suggestion-list li").first
    first.wait_for()
    assert "彭纪昌" in first.locator(".suggestion-owner").inner_text()
    assert "锂电池储能系统安全实验数据" in first.locator(".suggestion-title").inner_text()
    screenshot(page, "events-intake")
    first.locator("button").click()
    page.wait_for_url(re.compile(r"/events/\d+/intake$"))
    assert "需求已保存" in page.locator("#flashes").inner_text()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(event_url)
    row = page.locator("#meeting-list tbody tr", has_text="江苏林洋储能技术有限公司").filter(
        has_text="彭纪昌"
    )
    row.first.locator("select[name=outcome]").select_option(label="有意向")
    row.first.locator("input[name=reason]").fill("当场达成合作意向")
    row.first.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/events/\d+#schedule$"))
    outcome = (
        page.locator("#meeting-list tbody tr", has_text="江苏林洋储能技术有限公司")
        .filter(has_text="彭纪昌")
        .first.locator(".meeting-outcome")
    )
    assert "有意向" in outcome.inner_text() and "demo.zone" in outcome.inner_text()

    page.locator("#report-link").click()
    assert page.locator("#report-figures [data-key=intentions]").inner_text() == "1"
