"""The person's rows in the workflow domains (conflicts, pipeline, events, mentoring, talent):
read for the self-service export and cleared by ``anonymise`` (PIPL 45, 47).

Rows are kept (the programme's counts hold); names and the free text the person wrote go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import User
from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.events.models import Meeting as EventMeeting
from shuanggao.events.models import Registration
from shuanggao.mentoring.models import Assessment, Milestone, PracticeProject, ProgressReport
from shuanggao.mentoring.models import Meeting as PracticeMeeting
from shuanggao.pipeline.models import Collaboration, CollaborationStep
from shuanggao.supply.models import SupplyItem
from shuanggao.talent.models import Resident

ANONYMISED_TEXT = "（已匿名）"
# An anonymised resident's name: the marker and the row's id, so two anonymised residents of one
# university, zone and start date never collide on the resident's unique key.
ANONYMISED_RESIDENT_PREFIX = "（已匿名"


def resident_pseudonym(resident_id: int) -> str:
    return f"{ANONYMISED_RESIDENT_PREFIX}-{resident_id}）"


Rows = list[dict[str, Any]]


def iso_time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def assessment_row(a: Assessment) -> dict[str, Any]:
    """One mentor's score of a practice project, as the personal-data download shows it (to the
    student whose project it is, and to the mentor who gave it)."""
    return {
        "项目编号": a.project_id,
        "导师方": a.side,
        "总分": str(a.total),
        "评语": a.comment,
        "评分时间": iso_time(a.scored_at),
        "签字时间": iso_time(a.signed_at),
    }


def declarations(session: Session, user_id: int) -> Sequence[ConflictDeclaration]:
    return session.scalars(
        select(ConflictDeclaration)
        .where(ConflictDeclaration.user_id == user_id)
        .order_by(ConflictDeclaration.id)
    ).all()


def collaborations(session: Session, user: User) -> Sequence[Collaboration]:
    own_items = select(SupplyItem.id).where(SupplyItem.owner_user_id == user.id)
    authored = select(CollaborationStep.collaboration_id).where(
        CollaborationStep.actor_name == user.username[:100]
    )
    return session.scalars(
        select(Collaboration)
        .where(
            or_(
                Collaboration.researcher_user_id == user.id,
                Collaboration.supply_item_id.in_(own_items),
                Collaboration.id.in_(authored),
            )
        )
        .order_by(Collaboration.id)
    ).all()


def steps_by(session: Session, username: str) -> Sequence[CollaborationStep]:
    return session.scalars(
        select(CollaborationStep)
        .where(CollaborationStep.actor_name == username[:100])
        .order_by(CollaborationStep.id)
    ).all()


def registrations(session: Session, user_id: int) -> Sequence[Registration]:
    return session.scalars(
        select(Registration)
        .where(Registration.researcher_user_id == user_id)
        .order_by(Registration.id)
    ).all()


def event_meetings(session: Session, registration_ids: list[int]) -> Sequence[EventMeeting]:
    if not registration_ids:
        return []
    return session.scalars(
        select(EventMeeting)
        .where(EventMeeting.researcher_registration_id.in_(registration_ids))
        .order_by(EventMeeting.id)
    ).all()


def _project_ids(session: Session, user_id: int) -> list[int]:
    return list(
        session.scalars(
            select(PracticeProject.id)
            .where(PracticeProject.student_user_id == user_id)
            .order_by(PracticeProject.id)
        )
    )


def residents(session: Session, user_id: int) -> Sequence[Resident]:
    return session.scalars(
        select(Resident).where(Resident.user_id == user_id).order_by(Resident.id)
    ).all()


def _of_projects(session: Session, model: Any, project_ids: list[int]) -> Sequence[Any]:
    if not project_ids:
        return []
    return session.scalars(
        select(model).where(model.project_id.in_(project_ids)).order_by(model.id)
    ).all()


def sections(session: Session, user: User) -> dict[str, Rows]:
    """Export sections (Chinese titles) of the person's workflow rows."""
    regs = registrations(session, user.id)
    projects = _project_ids(session, user.id)
    return {
        "利益冲突申报": [
            {
                "编号": d.id,
                "关联类型": d.kind,
                "企业编号": d.enterprise_id,
                "企业名称": d.enterprise_name,
                "统一社会信用代码": d.credit_code,
                "起始日期": iso_time(d.from_date),
                "截止日期": iso_time(d.to_date),
                "说明": d.note,
            }
            for d in declarations(session, user.id)
        ],
        "合作推进": [
            {
                "编号": c.id,
                "名称": c.title,
                "阶段": c.stage,
                "状态": c.status,
                "意向日期": iso_time(c.intent_date),
                "终止原因": c.decline_reason,
                "企业方意见": c.enterprise_view_note,
                "高校方意见": c.university_view_note,
            }
            for c in collaborations(session, user)
        ],
        "合作推进记录": [
            {
                "合作编号": s.collaboration_id,
                "类型": s.kind,
                "阶段": s.stage,
                "日期": iso_time(s.happened_date),
                "负责人": s.owner,
                "说明": s.note,
            }
            for s in steps_by(session, user.username)
        ],
        "活动报名": [
            {
                "编号": r.id,
                "活动编号": r.event_id,
                "姓名": r.researcher_name,
                "状态": r.status,
                "签到时间": iso_time(r.checked_in_at),
            }
            for r in regs
        ],
        "活动对接洽谈": [
            {
                "编号": m.id,
                "活动编号": m.event_id,
                "时段": m.slot,
                "桌号": m.table_no,
                "结果": m.outcome,
                "说明": m.outcome_reason,
                "记录时间": iso_time(m.outcome_at),
            }
            for m in event_meetings(session, [r.id for r in regs])
        ],
        "实践项目里程碑": [
            {
                "项目编号": m.project_id,
                "名称": m.title,
                "计划日期": iso_time(m.due_date),
                "完成日期": iso_time(m.done_date),
            }
            for m in _of_projects(session, Milestone, projects)
        ],
        "实践项目进展报告": [
            {
                "项目编号": r.project_id,
                "期次": r.period,
                "内容": r.content,
                "提交时间": iso_time(r.submitted_at),
            }
            for r in _of_projects(session, ProgressReport, projects)
        ],
        "实践项目会议": [
            {
                "项目编号": m.project_id,
                "日期": iso_time(m.meeting_date),
                "参加人": m.attendees,
                "纪要": m.minutes,
            }
            for m in _of_projects(session, PracticeMeeting, projects)
        ],
        "实践项目评分": [assessment_row(a) for a in _of_projects(session, Assessment, projects)],
        "驻区记录": [
            {
                "编号": r.id,
                "姓名": r.person_name,
                "类别": r.kind,
                "高校编号": r.university_id,
                "高新区编号": r.zone_id,
                "岗位": r.role,
                "起始日期": iso_time(r.from_date),
                "截止日期": iso_time(r.to_date),
                "备注": r.note,
            }
            for r in residents(session, user.id)
        ],
    }


def clear(session: Session, user: User, username: str) -> None:
    """Clear the names and the free text the person wrote; the rows stay.

    ``username`` is the account's name before anonymisation (the pipeline steps carry it).
    """
    for d in declarations(session, user.id):
        d.note = ANONYMISED_TEXT if d.note else None
    for s in steps_by(session, username):
        s.actor_name = ANONYMISED_TEXT
        s.note = ANONYMISED_TEXT if s.note else None
        s.owner = ANONYMISED_TEXT if s.owner else None
    for c in session.scalars(
        select(Collaboration).where(Collaboration.researcher_user_id == user.id)
    ):
        c.decline_reason = ANONYMISED_TEXT if c.decline_reason else None
        c.university_view_note = ANONYMISED_TEXT if c.university_view_note else None
    regs = registrations(session, user.id)
    for r in regs:
        r.researcher_name = ANONYMISED_TEXT
        if r.party_key.startswith("r:"):
            r.party_key = f"r:{r.university_id}:anon-{r.id}"
    for m in event_meetings(session, [r.id for r in regs]):
        if m.outcome_by == username:
            m.outcome_by = ANONYMISED_TEXT
            m.outcome_reason = ANONYMISED_TEXT if m.outcome_reason else None
    projects = _project_ids(session, user.id)
    for project in session.scalars(select(PracticeProject).where(PracticeProject.id.in_(projects))):
        project.plan = ANONYMISED_TEXT if project.plan else None
        project.outcome_summary = ANONYMISED_TEXT if project.outcome_summary else None
    for p in _of_projects(session, ProgressReport, projects):
        p.content = ANONYMISED_TEXT
    for pm in _of_projects(session, PracticeMeeting, projects):
        pm.attendees = ANONYMISED_TEXT
    for resident in residents(session, user.id):
        resident.person_name = resident_pseudonym(resident.id)
        resident.note = None
