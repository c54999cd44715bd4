"""The rows where the person acts for others — as a mentor, committee member, reviewer, event
organiser, triager or reporter — read for the self-service export and cleared by ``anonymise``
(PIPL 45, 47).

The rows and their decisions stay: a mentor's score, a triage move, a report's approval and a
match judgement keep their values and dates, so the programme's counts and outcomes hold; the
person's name and the text they typed become "（已匿名）". Rows are found by the account id where
the table keeps one, else by the username the workflow wrote (``*_by`` columns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import User
from shuanggao.demand.models import DemandTriage
from shuanggao.events.models import Meeting as EventMeeting
from shuanggao.events.models import Registration
from shuanggao.imports.models import ImportJob
from shuanggao.matches.models import DemandGroup, DemandGroupMember, Match, MatchJudgement
from shuanggao.mentoring.models import Assessment, Declaration, PracticeProject, Rubric
from shuanggao.mentoring.models import Meeting as PracticeMeeting
from shuanggao.privacy.held import assessment_row, iso_time
from shuanggao.reports.models import PeriodicReport, ReportEvent

ANONYMISED_TEXT = "（已匿名）"

Rows = list[dict[str, Any]]


def _blank(value: str | None) -> str | None:
    return ANONYMISED_TEXT if value else value


def _all(session: Session, model: Any, *where: Any) -> Sequence[Any]:
    return session.scalars(select(model).where(or_(*where)).order_by(model.id)).all()


def mentored_projects(session: Session, user_id: int) -> Sequence[PracticeProject]:
    return _all(
        session,
        PracticeProject,
        PracticeProject.university_mentor_id == user_id,
        PracticeProject.enterprise_mentor_id == user_id,
    )


def assessments(session: Session, user_id: int) -> Sequence[Assessment]:
    return _all(session, Assessment, Assessment.mentor_user_id == user_id)


def mentor_declarations(session: Session, user_id: int) -> Sequence[Declaration]:
    return _all(
        session,
        Declaration,
        Declaration.mentor_user_id == user_id,
        Declaration.student_user_id == user_id,
        Declaration.declared_by_id == user_id,
    )


def recorded_meetings(session: Session, user_id: int) -> Sequence[PracticeMeeting]:
    return _all(session, PracticeMeeting, PracticeMeeting.recorded_by_id == user_id)


def decided_projects(session: Session, user_id: int) -> Sequence[PracticeProject]:
    return _all(session, PracticeProject, PracticeProject.decided_by_id == user_id)


def committee_rubrics(session: Session, user_id: int) -> Sequence[Rubric]:
    return _all(session, Rubric, Rubric.committee_user_id == user_id)


def handled_registrations(session: Session, username: str) -> Sequence[Registration]:
    return _all(
        session,
        Registration,
        Registration.decided_by == username,
        Registration.checked_in_by == username,
    )


def recorded_outcomes(session: Session, username: str) -> Sequence[EventMeeting]:
    return _all(session, EventMeeting, EventMeeting.outcome_by == username)


def judgements(session: Session, user: User) -> Sequence[MatchJudgement]:
    return _all(
        session,
        MatchJudgement,
        MatchJudgement.judged_by_user_id == user.id,
        MatchJudgement.judged_by == user.username,
    )


def match_states(session: Session, username: str) -> Sequence[Match]:
    return _all(session, Match, Match.state_changed_by == username)


def triage_moves(session: Session, user: User) -> Sequence[DemandTriage]:
    return _all(
        session,
        DemandTriage,
        DemandTriage.moved_by_user_id == user.id,
        DemandTriage.moved_by == user.username,
    )


def reports(session: Session, username: str) -> Sequence[PeriodicReport]:
    return _all(
        session,
        PeriodicReport,
        PeriodicReport.submitted_by == username,
        PeriodicReport.approved_by == username,
    )


def report_events(session: Session, username: str) -> Sequence[ReportEvent]:
    return _all(session, ReportEvent, ReportEvent.username == username)


def demand_groups(session: Session, username: str) -> Sequence[DemandGroup]:
    return _all(session, DemandGroup, DemandGroup.created_by == username)


def group_additions(session: Session, username: str) -> Sequence[DemandGroupMember]:
    return list(
        session.scalars(
            select(DemandGroupMember)
            .where(DemandGroupMember.added_by == username)
            .order_by(DemandGroupMember.group_id, DemandGroupMember.demand_id)
        )
    )


def import_jobs(session: Session, user_id: int) -> Sequence[ImportJob]:
    return _all(session, ImportJob, ImportJob.actor_user_id == user_id)


def _side(p: PracticeProject, user_id: int) -> str:
    return "高校导师" if p.university_mentor_id == user_id else "企业导师"


def sections(session: Session, user: User) -> dict[str, Rows]:
    """Export sections (Chinese titles) of the rows the person wrote in a role."""
    uid, name = user.id, user.username
    return {
        "指导的实践项目": [
            {"项目编号": p.id, "题目": p.title, "本人角色": _side(p, uid), "状态": p.state}
            for p in mentored_projects(session, uid)
        ],
        "导师评分": [assessment_row(a) for a in assessments(session, uid)],
        "导师回避申报": [
            {
                "编号": d.id,
                "类型": d.kind,
                "导师编号": d.mentor_user_id,
                "学生编号": d.student_user_id,
                "企业编号": d.enterprise_id,
                "说明": d.note,
                "申报时间": iso_time(d.declared_at),
            }
            for d in mentor_declarations(session, uid)
        ],
        "记录的实践项目会议": [
            {
                "项目编号": m.project_id,
                "日期": iso_time(m.meeting_date),
                "参加人": m.attendees,
                "纪要": m.minutes,
            }
            for m in recorded_meetings(session, uid)
        ],
        "成果认定": [
            {
                "项目编号": p.id,
                "认定结果": p.decision,
                "依据": p.decision_rule,
                "说明": p.decision_note,
                "认定时间": iso_time(p.decided_at),
            }
            for p in decided_projects(session, uid)
        ],
        "评审委员会": [
            {"评分量表编号": r.id, "高校编号": r.university_id}
            for r in committee_rubrics(session, uid)
        ],
        "活动报名审核与签到": [
            {
                "报名编号": r.id,
                "活动编号": r.event_id,
                "审核": r.decided_by == name,
                "签到登记": r.checked_in_by == name,
                "审核时间": iso_time(r.decided_at),
                "签到时间": iso_time(r.checked_in_at),
            }
            for r in handled_registrations(session, name)
        ],
        "记录的洽谈结果": [
            {
                "编号": m.id,
                "活动编号": m.event_id,
                "结果": m.outcome,
                "说明": m.outcome_reason,
                "记录时间": iso_time(m.outcome_at),
            }
            for m in recorded_outcomes(session, name)
        ],
        "匹配研判": [
            {
                "匹配编号": j.match_id,
                "研判方": j.side,
                "状态": j.state,
                "理由": j.reason,
                "时间": iso_time(j.judged_at),
            }
            for j in judgements(session, user)
        ],
        "需求梳理": [
            {
                "需求编号": t.demand_id,
                "原状态": t.from_state,
                "新状态": t.to_state,
                "理由": t.triage_reason,
                "时间": iso_time(t.moved_at),
            }
            for t in triage_moves(session, user)
        ],
        "报告填报与审核": [
            {
                "报告编号": e.report_id,
                "操作": e.action,
                "意见": e.comment,
                "时间": iso_time(e.at),
            }
            for e in report_events(session, name)
        ],
        "合并需求组": [
            {
                "编号": g.id,
                "名称": g.name,
                "说明": g.note,
                "创建时间": iso_time(g.created_at),
            }
            for g in demand_groups(session, name)
        ],
        "加入合并需求组的需求": [
            {"组编号": m.group_id, "需求编号": m.demand_id, "时间": iso_time(m.added_at)}
            for m in group_additions(session, name)
        ],
        "导入任务": [
            {
                "编号": j.id,
                "类型": j.kind,
                "文件名": j.filename,
                "状态": j.status,
                "行数": j.row_count,
                "时间": iso_time(j.created_at),
            }
            for j in import_jobs(session, uid)
        ],
    }


def _strike(text: str, name: str) -> str:
    """``text`` with the person's name replaced (names shorter than two characters are left)."""
    return text.replace(name, ANONYMISED_TEXT) if len(name) >= 2 else text


def clear(session: Session, user: User, username: str) -> None:
    """Clear the person's name and typed text from role-side rows; values and counts stay.

    ``username`` and ``user.display_name`` are the account's before anonymisation.
    """
    uid, display = user.id, user.display_name or ""
    for a in assessments(session, uid):
        a.comment = ANONYMISED_TEXT
    for d in mentor_declarations(session, uid):
        d.note = _blank(d.note)
    for m in recorded_meetings(session, uid):
        m.minutes = ANONYMISED_TEXT
    mentored = [p.id for p in mentored_projects(session, uid)]
    if mentored and display:
        for m in _all(session, PracticeMeeting, PracticeMeeting.project_id.in_(mentored)):
            m.attendees = _strike(m.attendees, display)
    for p in decided_projects(session, uid):
        p.decision_note = _blank(p.decision_note)
    for r in handled_registrations(session, username):
        if r.decided_by == username:
            r.decided_by = ANONYMISED_TEXT
        if r.checked_in_by == username:
            r.checked_in_by = ANONYMISED_TEXT
    for em in recorded_outcomes(session, username):
        em.outcome_by = ANONYMISED_TEXT
        em.outcome_reason = _blank(em.outcome_reason)
    for j in _all(
        session,
        MatchJudgement,
        MatchJudgement.judged_by_user_id == uid,
        MatchJudgement.judged_by == username,
    ):
        j.judged_by = ANONYMISED_TEXT
        j.reason = _blank(j.reason)
    for match in match_states(session, username):
        match.state_changed_by = ANONYMISED_TEXT
        match.state_reason = _blank(match.state_reason)
    for t in _all(
        session,
        DemandTriage,
        DemandTriage.moved_by_user_id == uid,
        DemandTriage.moved_by == username,
    ):
        t.moved_by = ANONYMISED_TEXT
        t.triage_reason = _blank(t.triage_reason)
    for report in reports(session, username):
        if report.submitted_by == username:
            report.submitted_by = ANONYMISED_TEXT
        if report.approved_by == username:
            report.approved_by = ANONYMISED_TEXT
    for e in report_events(session, username):
        e.username = ANONYMISED_TEXT
        e.comment = _blank(e.comment)
    for g in demand_groups(session, username):
        g.created_by = ANONYMISED_TEXT
        g.note = _blank(g.note)
    for member in group_additions(session, username):
        member.added_by = ANONYMISED_TEXT
    for job in import_jobs(session, uid):
        # The file name is theirs to type; an unapplied upload's bytes go too (applied and
        # rejected jobs dropped them already). The counts and the outcome stay.
        job.actor_name = ANONYMISED_TEXT
        job.filename = ANONYMISED_TEXT
        job.data = None
