"""A student's full practice record for the degree office, as an Excel workbook: the project
and its people, the plan and progress, the outcome and evidence, both mentors' scores and
signatures, and the decision with the rule that applied."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from shuanggao.audit.service import BEIJING
from shuanggao.mentoring.schemas import OutcomeKind, ProjectRead


def _text(value: Any) -> Any:
    """Text never starts a formula in a spreadsheet (=, +, -, @ are prefixed with ')."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, dt.datetime):
        return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def _table(ws: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_text(v) for v in row])


def _pairs(ws: Worksheet, rows: list[tuple[str, Any]]) -> None:
    for label, value in rows:
        ws.append([label, _text(value)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)


def record_workbook(p: ProjectRead) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "基本信息"
    _pairs(
        ws,
        [
            ("项目名称", p.title),
            ("学生", p.student.name),
            ("学位层次", p.degree_label),
            ("专业", p.major),
            ("所在高校", p.university_name),
            ("实践企业", p.enterprise_name),
            ("所在高新区", p.zone_name),
            ("校内导师", p.university_mentor.name),
            ("校内导师确认时间", p.university_accepted_at),
            ("企业导师", p.enterprise_mentor.name),
            ("企业导师确认时间", p.enterprise_accepted_at),
            ("开始日期", p.start_date),
            ("成果提交截止日期", p.outcome_due_date),
            ("当前阶段", p.state_label),
            ("实践计划", p.plan),
        ],
    )
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 60

    plan = wb.create_sheet("计划与进展")
    plan.append(["计划节点"])
    _table(
        plan,
        ["节点", "计划日期", "完成日期"],
        [[m.title, m.due_date, m.done_date] for m in p.milestones],
    )
    plan.append([])
    plan.append(["进展报告"])
    _table(
        plan,
        ["报告期", "内容", "提交时间", "校内导师批阅", "企业导师批阅"],
        [
            [r.period, r.content, r.submitted_at, r.university_read_at, r.enterprise_read_at]
            for r in p.reports
        ],
    )
    plan.append([])
    plan.append(["指导会议"])
    _table(
        plan,
        ["会议日期", "参加人", "纪要"],
        [[m.meeting_date, m.attendees, m.minutes] for m in p.meetings],
    )

    outcome = wb.create_sheet("成果与评分")
    kind = OutcomeKind(p.outcome_kind).label if p.outcome_kind else None
    _pairs(
        outcome,
        [
            ("成果类型", kind),
            ("成果名称", p.outcome_title),
            ("成果简介", p.outcome_summary),
            ("提交时间", p.outcome_submitted_at),
        ],
    )
    outcome.append([])
    _table(
        outcome,
        ["佐证材料", "大小（字节）", "SHA-256", "上传时间"],
        [[e.filename, e.size, e.sha256, e.uploaded_at] for e in p.evidence],
    )
    outcome.append([])
    rubric: list[dict[str, Any]] = list((p.rubric or {}).get("criteria") or [])  # type: ignore[call-overload]
    criteria = [str(c["name"]) for c in rubric]
    weights = [c["weight"] for c in rubric]
    _table(
        outcome,
        ["评分人", "导师", *[f"{n}（权重 {w}）" for n, w in zip(criteria, weights, strict=True)],
         "加权总分", "评语", "评分时间", "签字时间"],
        [
            [a.side_label, a.mentor.name, *[a.scores.get(n) for n in criteria], str(a.total),
             a.comment, a.scored_at, a.signed_at or "未签字"]
            for a in p.assessments
        ],
    )  # fmt: skip

    decision = wb.create_sheet("认定结论")
    _pairs(
        decision,
        [
            ("认定结论", p.decision_label or "尚未认定"),
            ("适用规则", p.decision_rule),
            ("评议委员会意见", p.decision_note),
            ("裁定人", p.decided_by.name if p.decided_by else None),
            ("认定时间", p.decided_at),
        ],
    )
    decision.column_dimensions["A"].width = 18
    decision.column_dimensions["B"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
