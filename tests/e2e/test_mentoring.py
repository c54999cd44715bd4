"""In a browser, on the demo data: a student, two mentors and a committee member, each signed in
with their own role, carry a practice project from registration to an outcome accepted in place
of the thesis; the scores, signatures and decision are in the student's exported record; the
zone's resident count on the dashboard equals the API's."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import SignIn, api_get

pytestmark = pytest.mark.browser

TITLE = "浏览器·储能舱电池簇健康状态在线评估"


def _as(page: Any, sign_in: SignIn, username: str, path: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, next_path=path)
    if not page.url.endswith(path):
        page.goto(path)


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    assert page.locator(".flash, .alert, [role=status]").count() >= 0


def test_practice_project_from_registration_to_accepted_outcome(page: Any, sign_in: SignIn) -> None:
    # The student registers the project at the demo enterprise of the paired zone, and shares
    # the practice record with the enterprise mentor (withdrawing it: tests/e2e/test_consent.py).
    _as(page, sign_in, "demo.student", "/account/consent")
    share = page.locator("#purpose-practice_mentor")
    if share.inner_text() == "同意":
        _submit(page, "#consent-purposes tr[data-purpose=practice_mentor] form")
    page.goto("/")
    assert page.locator(".panel", has_text="双导师实践待办").count() >= 1
    page.goto("/mentoring")
    form = page.locator("#register-form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("select[name=degree_level]").select_option("professional_master")
    form.locator("input[name=major]").fill("电气工程")
    form.locator("select[name=enterprise_id]").select_option(label="江苏林洋储能技术有限公司")
    form.locator("select[name=university_mentor_id]").select_option(label="演示·导师")
    form.locator("select[name=enterprise_mentor_id]").select_option(
        label="演示·企业用户（江苏林洋储能技术有限公司）"
    )
    form.locator("input[name=start_date]").fill("2026-03-01")
    form.locator("input[name=outcome_due_date]").fill("2027-01-31")
    _submit(page, "#register-form")
    assert re.search(r"/mentoring/\d+$", page.url), page.url
    path = "/mentoring/" + page.url.rsplit("/", 1)[1]
    assert "待导师确认" in page.locator("h1").inner_text()
    page.locator("#milestone-form input[name=title]").fill("完成在线评估算法样机")
    page.locator("#milestone-form input[name=due_date]").fill("2026-10-31")
    _submit(page, "#milestone-form")
    assert "完成在线评估算法样机" in page.locator("#deadlines").inner_text()

    # Both mentors find the task on their home page and accept.
    for mentor in ("demo.mentor", "demo.enterprise"):
        _as(page, sign_in, mentor, "/")
        panel = page.locator(".panel", has_text="双导师实践待办")
        assert TITLE in panel.inner_text() and "确认担任导师" in panel.inner_text()
        page.goto(path)
        assert "完成在线评估算法样机" in page.locator("#deadlines").inner_text()
        _submit(page, "#accept-form")
    assert "实践中" in page.locator("h1").inner_text()

    # The student reports progress, uploads the evidence and submits the outcome.
    _as(page, sign_in, "demo.student", path)
    page.locator("#report-form input[name=period]").fill("2026-06")
    page.locator("#report-form textarea[name=content]").fill(
        "完成电池簇健康状态特征提取与算法样机。"
    )
    _submit(page, "#report-form")
    page.set_input_files(
        "#evidence-form input[name=file]",
        files=[
            {"name": "样机测试报告.txt", "mimeType": "text/plain", "buffer": "测试报告".encode()}
        ],
    )
    _submit(page, "#evidence-form")
    assert "样机测试报告.txt" in page.locator("#evidence").inner_text()
    page.locator("#outcome-form select[name=outcome_kind]").select_option("software")
    page.locator("#outcome-form input[name=outcome_title]").fill("电池簇健康状态在线评估软件 V1.0")
    page.locator("#outcome-form textarea[name=outcome_summary]").fill(
        "在林洋储能 2 号储能舱试运行，评估误差小于 3%。"
    )
    _submit(page, "#outcome-form")
    assert "成果评审中" in page.locator("h1").inner_text()

    # Each mentor reads the report, scores on the rubric and signs; they disagree.
    scores = {"demo.mentor": 92, "demo.enterprise": 62}
    for mentor, value in scores.items():
        _as(page, sign_in, mentor, path)
        _submit(page, "#reports")
        for box in page.locator("#score-form input[type=number]").all():
            box.fill(str(value))
        page.locator("#score-form textarea[name=comment]").fill(f"{mentor} 的评语：成果完整。")
        _submit(page, "#score-form")
        _submit(page, "#sign-form")
    assert "提交评议委员会" in page.locator("h1").inner_text()
    assert "超过分差阈值" in page.locator("#decision-rule").inner_text()

    # The committee member (the university's degree office) decides.
    _as(page, sign_in, "demo.university", "/")
    assert TITLE in page.locator(".panel", has_text="双导师实践待办").inner_text()
    page.goto(path)
    page.locator("#decision-form select[name=decision]").select_option("accepted")
    page.locator("#decision-form textarea[name=note]").fill("企业试运行证明充分，同意认定。")
    _submit(page, "#decision-form")
    assert page.locator("#decision-text").inner_text() == "认定为学位论文替代成果"

    # The student's exported record holds the scores, signatures and decision.
    _as(page, sign_in, "demo.student", path)
    with page.expect_download() as info:
        page.locator("#export-record").click()
    wb = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = [[c.value for c in r] for r in wb["成果与评分"].iter_rows()]
    signed = {r[0]: r for r in rows if r[0] in ("校内导师", "企业导师")}
    assert signed["校内导师"][-4] == "92.00" and signed["企业导师"][-4] == "62.00"
    assert all(r[-1] != "未签字" for r in signed.values())
    decision = {r[0].value: r[1].value for r in wb["认定结论"].iter_rows()}
    assert decision["认定结论"] == "认定为学位论文替代成果"
    assert "评议委员会裁定" in decision["适用规则"]

    # The zone's resident count on the dashboard equals the API's.
    project = api_get(page, "/api/v1/mentoring" + path.replace("/mentoring", "/projects")).json()
    zone_id = project["zone_id"]
    _as(page, sign_in, "demo.province", f"/dashboard/zones/{zone_id}")
    card = page.locator("#figure-residents")
    records = card.locator(".figure-records")
    text = records.inner_text() if records.count() else card.locator(".figure-number").inner_text()
    shown = int(re.sub(r"\D", "", text.split("：")[-1]))
    api = api_get(page, f"/api/v1/mentoring/talent?zone_id={zone_id}").json()
    assert shown == api["residents"] > 0
    table = page.locator("#zone-talent .talent-residents").inner_text()
    assert int(re.sub(r"\D", "", table)) == api["residents"]
    assert api["trained"] >= 2
