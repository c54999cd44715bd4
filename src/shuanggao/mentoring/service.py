"""Use cases of the dual-mentor scheme, part one: registration, acceptance and the practice
itself (plan milestones, progress reports read by both mentors, meetings).

Every write loads the project within the actor's scope (404 outside it), checks the version the
writer read (428 without one, 409 when stale), checks the actor's part in the project, moves the
project's version (the UPDATE is conditional on it, so of two concurrent writers one wins) and
records the write in the audit log. Nothing here commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shuanggao import clock
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.enterprises.models import Enterprise
from shuanggao.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionRequired
from shuanggao.mentoring import policy, repository, rules
from shuanggao.mentoring.errors import NotShared, WrongState
from shuanggao.mentoring.models import (
    Declaration,
    Meeting,
    Milestone,
    PracticeProject,
    ProgressReport,
)
from shuanggao.mentoring.schemas import (
    DeclarationCreate,
    MeetingCreate,
    MilestoneCreate,
    ProjectCreate,
    ProjectState,
    ReportCreate,
)

ENTITY = "practice_projects"


def get_project(session: Session, actor: Actor, project_id: int) -> PracticeProject:
    project = repository.get_project(session, policy.project_scope(actor), project_id)
    if project is None:
        raise NotFound()
    return project


def list_projects(
    session: Session, actor: Actor, state: str | None = None
) -> list[PracticeProject]:
    return repository.list_projects(session, policy.project_scope(actor), state=state)


def _no_auditor(actor: Actor) -> None:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")


def for_write(
    session: Session, actor: Actor, project_id: int, version: int | None
) -> PracticeProject:
    """The project to change: in scope, at the version the writer read."""
    _no_auditor(actor)
    project = get_project(session, actor, project_id)
    if version is None:
        raise VersionRequired(extra={"current_version": project.version})
    if version != project.version:
        raise Conflict(extra={"current_version": project.version})
    return project


def bump(session: Session, project: PracticeProject) -> None:
    """Move the project's version on and flush: the UPDATE is conditional on the version read."""
    project.version = project.version + 1
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict() from exc


def require_state(project: PracticeProject, *states: ProjectState) -> None:
    if project.state not in {s.value for s in states}:
        label = ProjectState(project.state).label
        raise WrongState(
            f"该实践项目当前为“{label}”阶段，不能进行此操作。",
            extra={"state": project.state},
        )


def record(
    session: Session,
    actor: Actor,
    project: PracticeProject,
    action: str,
    summary: str,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor,
        action,
        ENTITY,
        project.id,
        summary=f"{summary}：{project.title}",
        after={"version": project.version, "state": project.state, **(after or {})},
    )


def is_party(actor: Actor, project: PracticeProject) -> bool:
    return actor.user_id is not None and actor.user_id in (
        project.student_user_id,
        project.university_mentor_id,
        project.enterprise_mentor_id,
    )


def register_project(session: Session, actor: Actor, data: ProjectCreate) -> PracticeProject:
    """A student registers a practice project at an enterprise in a zone paired with their
    university, naming a university mentor and an enterprise mentor (who must both accept)."""
    if actor.role is not Role.STUDENT or actor.user_id is None:
        raise Forbidden("只有学生本人可以登记实践项目。")
    student = repository.get_user(session, actor.user_id)
    if student is None or student.university_id is None:
        raise Forbidden("您的账号未关联高校，不能登记实践项目。")
    enterprise = session.get(Enterprise, data.enterprise_id)
    if enterprise is None:
        raise ValidationFailed(fields={"enterprise_id": "企业不存在"})
    pairing = repository.pairing_of(session, enterprise.zone_id, student.university_id)
    if pairing is None:
        raise ValidationFailed(
            fields={"enterprise_id": "该企业所在高新区未与您的高校结对，不能在此开展双导师实践"}
        )
    rules.check_mentors(
        session,
        student=student,
        university_mentor=repository.get_user(session, data.university_mentor_id),
        enterprise_mentor=repository.get_user(session, data.enterprise_mentor_id),
        enterprise_id=enterprise.id,
    )
    project = PracticeProject(
        title=data.title.strip(),
        student_user_id=student.id,
        university_id=student.university_id,
        degree_level=data.degree_level.value,
        major=data.major.strip(),
        enterprise_id=enterprise.id,
        zone_id=enterprise.zone_id,
        pairing_id=pairing.id,
        university_mentor_id=data.university_mentor_id,
        enterprise_mentor_id=data.enterprise_mentor_id,
        state=ProjectState.PROPOSED.value,
        start_date=data.start_date,
        outcome_due_date=data.outcome_due_date,
        plan=data.plan,
    )
    session.add(project)
    session.flush()
    record(
        session,
        actor,
        project,
        "create",
        "登记双导师实践项目",
        {
            "enterprise_id": enterprise.id,
            "university_mentor_id": data.university_mentor_id,
            "enterprise_mentor_id": data.enterprise_mentor_id,
            "outcome_due_date": data.outcome_due_date.isoformat(),
        },
    )
    return get_project(session, actor, project.id)


def accept(session: Session, actor: Actor, project_id: int, version: int | None) -> PracticeProject:
    """A mentor accepts the assignment; when both have, the practice starts. The honesty
    checks run again (a conflict may have been declared since registration)."""
    project = for_write(session, actor, project_id, version)
    side = policy.side_of(actor, project)
    if side is None:
        raise Forbidden("只有本项目的导师可以确认指导。")
    require_state(project, ProjectState.PROPOSED)
    rules.check_mentors(
        session,
        student=project.student,
        university_mentor=project.university_mentor,
        enterprise_mentor=project.enterprise_mentor,
        enterprise_id=project.enterprise_id,
    )
    now = utcnow()
    if side == "university":
        if project.university_accepted_at is not None:
            raise WrongState("您已确认指导该项目。")
        project.university_accepted_at = now
    else:
        if project.enterprise_accepted_at is not None:
            raise WrongState("您已确认指导该项目。")
        project.enterprise_accepted_at = now
    if project.university_accepted_at and project.enterprise_accepted_at:
        project.state = ProjectState.ACTIVE.value
    bump(session, project)
    record(session, actor, project, "accept", "导师确认指导", {"side": side})
    return project


def add_milestone(
    session: Session, actor: Actor, project_id: int, data: MilestoneCreate
) -> Milestone:
    project = for_write(session, actor, project_id, data.version)
    if not is_party(actor, project):
        raise Forbidden("只有学生和两位导师可以制定实践计划。")
    require_state(project, ProjectState.PROPOSED, ProjectState.ACTIVE)
    if not project.start_date <= data.due_date <= project.outcome_due_date:
        raise ValidationFailed(
            fields={"due_date": "节点日期应在项目开始日期与成果提交截止日期之间"}
        )
    row = Milestone(project_id=project.id, title=data.title.strip(), due_date=data.due_date)
    session.add(row)
    bump(session, project)
    record(
        session, actor, project, "milestone", "新增计划节点",
        {"title": row.title, "due_date": row.due_date.isoformat()},
    )  # fmt: skip
    return row


def complete_milestone(
    session: Session, actor: Actor, project_id: int, milestone_id: int, version: int | None
) -> Milestone:
    project = for_write(session, actor, project_id, version)
    if not is_party(actor, project):
        raise Forbidden("只有学生和两位导师可以更新实践计划。")
    require_state(project, ProjectState.ACTIVE)
    row = repository.milestone(session, project.id, milestone_id)
    if row is None:
        raise NotFound()
    if row.done_date is not None:
        raise WrongState("该节点已完成。")
    row.done_date = clock.today()
    bump(session, project)
    record(session, actor, project, "milestone", "完成计划节点", {"title": row.title})
    return row


def submit_report(
    session: Session, actor: Actor, project_id: int, data: ReportCreate
) -> ProgressReport:
    project = for_write(session, actor, project_id, data.version)
    if actor.user_id != project.student_user_id:
        raise Forbidden("只有学生本人可以提交进展报告。")
    require_state(project, ProjectState.ACTIVE)
    period = data.period.strip()
    if any(r.period == period for r in repository.reports(session, project.id)):
        raise ValidationFailed(fields={"period": f"报告期 {period} 的进展报告已提交"})
    row = ProgressReport(project_id=project.id, period=period, content=data.content.strip())
    session.add(row)
    bump(session, project)
    record(session, actor, project, "report", "提交进展报告", {"period": period})
    return row


def read_report(
    session: Session, actor: Actor, project_id: int, report_id: int, version: int | None
) -> ProgressReport:
    """A mentor acknowledges having read a progress report."""
    project = for_write(session, actor, project_id, version)
    side = policy.side_of(actor, project)
    if side is None:
        raise Forbidden("只有本项目的导师可以批阅进展报告。")
    row = repository.report(session, project.id, report_id)
    if row is None:
        raise NotFound()
    if policy.record_withheld(actor, project):
        raise NotShared()
    attr = f"{side}_read_at"
    if getattr(row, attr) is not None:
        raise WrongState("您已批阅该进展报告。")
    setattr(row, attr, utcnow())
    bump(session, project)
    record(
        session,
        actor,
        project,
        "report_read",
        "导师批阅进展报告",
        {"period": row.period, "side": side},
    )
    return row


def record_meeting(session: Session, actor: Actor, project_id: int, data: MeetingCreate) -> Meeting:
    project = for_write(session, actor, project_id, data.version)
    if not is_party(actor, project):
        raise Forbidden("只有学生和两位导师可以记录指导会议。")
    require_state(project, ProjectState.ACTIVE, ProjectState.SUBMITTED)
    if data.meeting_date > clock.today():
        raise ValidationFailed(fields={"meeting_date": "会议日期不能晚于今天"})
    row = Meeting(
        project_id=project.id,
        meeting_date=data.meeting_date,
        attendees=data.attendees.strip(),
        minutes=data.minutes.strip(),
        recorded_by_id=actor.user_id,
    )
    session.add(row)
    bump(session, project)
    record(
        session, actor, project, "meeting", "记录指导会议",
        {"meeting_date": data.meeting_date.isoformat()},
    )  # fmt: skip
    return row


def declare_conflict(session: Session, actor: Actor, data: DeclarationCreate) -> Declaration:
    """A mentor declares (for themselves), or the university's administrator records, that the
    mentor is a student's relative or co-owns an enterprise."""
    _no_auditor(actor)
    mentor = repository.get_user(session, data.mentor_user_id)
    own = actor.user_id is not None and actor.user_id == data.mentor_user_id
    office = actor.is_province or (
        actor.role is Role.UNIVERSITY_ADMIN
        and mentor is not None
        and mentor.university_id == actor.university_id
    )
    if mentor is None or not (own or office):
        raise NotFound()
    fields: dict[str, str] = {}
    if data.kind.value == "relative":
        student = (
            repository.get_user(session, data.student_user_id) if data.student_user_id else None
        )
        if student is None or student.role_enum is not Role.STUDENT:
            fields["student_user_id"] = "请指定学生账号"
        if data.enterprise_id is not None:
            fields["enterprise_id"] = "亲属关系申报不填写企业"
    else:
        if data.enterprise_id is None or session.get(Enterprise, data.enterprise_id) is None:
            fields["enterprise_id"] = "请指定企业"
        if data.student_user_id is not None:
            fields["student_user_id"] = "共同所有人申报不填写学生"
    if fields:
        raise ValidationFailed(fields=fields)
    if repository.find_declaration(
        session, mentor.id, data.kind.value, data.student_user_id, data.enterprise_id
    ):
        raise ValidationFailed(fields={"kind": "已有相同的申报"})
    row = Declaration(
        mentor_user_id=mentor.id,
        kind=data.kind.value,
        student_user_id=data.student_user_id,
        enterprise_id=data.enterprise_id,
        note=data.note,
        declared_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "mentor_declarations",
        row.id,
        summary=f"申报导师利益关系：{data.kind.label}",
        after={
            "mentor_user_id": mentor.id,
            "kind": row.kind,
            "student_user_id": row.student_user_id,
            "enterprise_id": row.enterprise_id,
        },
    )
    return row
