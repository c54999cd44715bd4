"""A practice project as its readers see it (``ProjectRead``), and the tasks waiting for a
student, a mentor or the committee (the home page and the task list).

The student's consent to sharing the practice record with the enterprise mentor
(``personal.PRACTICE_TO_MENTOR``, declared on ``practice_project.major`` in the inventory)
decides what the enterprise mentor reads. Without it (never given, or withdrawn) the enterprise
mentor sees that the project exists (title, state, parties, dates, the outcome deadline), the
outcome as submitted for assessment (kind, title, summary) and their own assessment, so the
dual-mentor assessment can still be completed on what is presented to them; the student's name,
degree and major, the plan, milestones, progress reports, meeting minutes, evidence files and
the university mentor's assessment are left out, and reading a report or an evidence file
answers 403 ``not_shared``. Giving the consent again shows everything at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao import clock, personal
from shuanggao.accounts.models import User
from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.mentoring import assessment, policy, repository, service
from shuanggao.mentoring.models import Assessment, Milestone, PracticeProject
from shuanggao.mentoring.schemas import (
    AssessmentRead,
    Decision,
    DegreeLevel,
    EvidenceRead,
    MeetingRead,
    MilestoneRead,
    PersonRead,
    ProjectRead,
    ProjectState,
    ProjectSummary,
    ReportRead,
    RubricRead,
    Side,
)


def person(user: User | None) -> PersonRead | None:
    if user is None:
        return None
    return PersonRead(user_id=user.id, name=user.display_name or user.username)


def _person(user: User) -> PersonRead:
    p = person(user)
    assert p is not None
    return p


record_withheld = policy.record_withheld


def _student(actor: Actor, p: PracticeProject) -> PersonRead:
    if record_withheld(actor, p):
        return PersonRead(user_id=p.student_user_id, name=personal.UNSHOWN_STUDENT)
    return _person(p.student)


def summary(p: PracticeProject, actor: Actor) -> ProjectSummary:
    return ProjectSummary(
        id=p.id,
        version=p.version,
        title=p.title,
        state=p.state,
        state_label=ProjectState(p.state).label,
        student=_student(actor, p),
        university_id=p.university_id,
        university_name=p.university.name,
        enterprise_id=p.enterprise_id,
        enterprise_name=p.enterprise.name,
        zone_id=p.zone_id,
        zone_name=p.zone.name,
        pairing_id=p.pairing_id,
        outcome_due_date=p.outcome_due_date,
    )


def project_read(session: Session, actor: Actor, project_id: int) -> ProjectRead:
    p = service.get_project(session, actor, project_id)
    today = clock.today()
    milestones = repository.milestones(session, p.id)
    assessments = repository.assessments(session, p.id)
    people = repository.users_by_id(
        session, [a.mentor_user_id for a in assessments] + [p.decided_by_id or 0]
    )
    deadlines = [(m.title, m.due_date) for m in milestones if m.done_date is None]
    if p.outcome_submitted_at is None:
        deadlines.append(("提交实践成果", p.outcome_due_date))
    base = summary(p, actor).model_dump()
    full = _project_read(session, p, base, milestones, assessments, people, deadlines, today)
    if not record_withheld(actor, p):
        return full
    side = policy.side_of(actor, p)
    return full.model_copy(
        update={
            "degree_level": "",
            "degree_label": personal.UNSHOWN_STUDENT,
            "major": personal.UNSHOWN_STUDENT,
            "plan": None,
            "milestones": [],
            "reports": [],
            "meetings": [],
            "evidence": [],
            "assessments": [a for a in full.assessments if a.side == side],
            "deadlines": [d for d in full.deadlines if d[0] == "提交实践成果"],
            "record_shared": False,
        }
    )


def _project_read(
    session: Session,
    p: PracticeProject,
    base: dict[str, Any],
    milestones: list[Milestone],
    assessments: list[Assessment],
    people: dict[int, User],
    deadlines: list[tuple[str, dt.date]],
    today: dt.date,
) -> ProjectRead:
    return ProjectRead(
        **base,
        degree_level=p.degree_level,
        degree_label=DegreeLevel(p.degree_level).label,
        major=p.major,
        start_date=p.start_date,
        plan=p.plan,
        university_mentor=_person(p.university_mentor),
        enterprise_mentor=_person(p.enterprise_mentor),
        university_accepted_at=p.university_accepted_at,
        enterprise_accepted_at=p.enterprise_accepted_at,
        outcome_kind=p.outcome_kind,
        outcome_title=p.outcome_title,
        outcome_summary=p.outcome_summary,
        outcome_submitted_at=p.outcome_submitted_at,
        rubric=p.rubric_snapshot,
        decision=p.decision,
        decision_label=Decision(p.decision).label if p.decision else None,
        decision_rule=p.decision_rule,
        decision_note=p.decision_note,
        decided_by=person(people.get(p.decided_by_id or 0)),
        decided_at=p.decided_at,
        milestones=[
            MilestoneRead(
                id=m.id,
                title=m.title,
                due_date=m.due_date,
                done_date=m.done_date,
                overdue=m.done_date is None and m.due_date < today,
            )
            for m in milestones
        ],
        reports=[
            ReportRead.model_validate(r, from_attributes=True)
            for r in repository.reports(session, p.id)
        ],
        meetings=[
            MeetingRead.model_validate(m, from_attributes=True)
            for m in repository.meetings(session, p.id)
        ],
        evidence=[
            EvidenceRead.model_validate(e, from_attributes=True)
            for e in repository.evidence(session, p.id)
        ],
        assessments=[
            AssessmentRead(
                side=a.side,
                side_label=Side(a.side).label,
                mentor=_person(people[a.mentor_user_id]),
                scores=dict(a.scores),
                total=a.total,
                comment=a.comment,
                scored_at=a.scored_at,
                signed_at=a.signed_at,
            )
            for a in assessments
        ],
        deadlines=sorted(deadlines, key=lambda d: d[1]),
    )


@dataclass(frozen=True)
class Task:
    project_id: int
    title: str
    label: str
    due_date: dt.date | None = None


def tasks_for(session: Session, actor: Actor) -> list[Task]:
    """What waits for this person: acceptances, reports to read, outcomes to score and sign,
    committee cases, and for the student the next step of their own project."""
    if actor.user_id is None:
        return []
    projects = service.list_projects(session, actor)
    out: list[Task] = []
    for p in projects:
        side = policy.side_of(actor, p)
        state = ProjectState(p.state)
        if actor.user_id == p.student_user_id:
            if state is ProjectState.PROPOSED:
                out.append(Task(p.id, p.title, "等待两位导师确认指导"))
            elif state is ProjectState.ACTIVE:
                out.append(
                    Task(p.id, p.title, "按计划推进并在截止日前提交成果", p.outcome_due_date)
                )
            elif state is ProjectState.DECIDED:
                out.append(Task(p.id, p.title, f"已认定：{Decision(p.decision or '').label}"))
            continue
        if side is not None:
            shared = not record_withheld(actor, p)
            accepted = (
                p.university_accepted_at if side == "university" else p.enterprise_accepted_at
            )
            if state is ProjectState.PROPOSED and accepted is None:
                out.append(Task(p.id, p.title, "确认担任导师"))
            elif state is ProjectState.SUBMITTED:
                mine = repository.assessment(session, p.id, side)
                if mine is None:
                    out.append(Task(p.id, p.title, "评阅实践成果并评分"))
                elif mine.signed_at is None:
                    out.append(Task(p.id, p.title, "签字确认评分"))
            unread = repository.unread_reports(session, [p.id], side).get(p.id, 0)
            if unread and shared:
                out.append(Task(p.id, p.title, f"批阅进展报告 {unread} 份"))
            continue
        if state is ProjectState.COMMITTEE and policy.is_committee(
            actor, p, repository.rubric_of(session, p.university_id)
        ):
            out.append(Task(p.id, p.title, "评议委员会裁定"))
    return out


@dataclass(frozen=True)
class RegistrationOptions:
    enterprises: list[tuple[int, str]]
    university_mentors: list[tuple[int, str]]
    enterprise_mentors: list[tuple[int, str]]


def registration_options(session: Session, actor: Actor) -> RegistrationOptions | None:
    """What a student may choose from when registering (None for anyone else)."""
    if actor.role.value != "student" or actor.university_id is None:
        return None
    enterprises = repository.paired_enterprises(session, actor.university_id)
    names = {e.id: e.name for e in enterprises}
    return RegistrationOptions(
        enterprises=[(e.id, e.name) for e in enterprises],
        university_mentors=[
            (u.id, u.display_name or u.username)
            for u in repository.university_mentors(session, actor.university_id)
        ],
        enterprise_mentors=[
            (u.id, f"{u.display_name or u.username}（{names.get(u.enterprise_id or 0, '')}）")
            for u in repository.enterprise_users(session, list(names))
        ],
    )


@dataclass(frozen=True)
class RubricForm:
    rubric: RubricRead
    criteria_text: str
    committee_choices: list[tuple[int, str]]


def rubric_form(session: Session, actor: Actor) -> RubricForm | None:
    """The rubric form of a university's administrator (None for anyone else)."""
    if actor.role.value != "university_admin" or actor.university_id is None:
        return None
    rubric = assessment.get_rubric(session, actor, actor.university_id)
    staff = repository.university_mentors(
        session, actor.university_id, ("mentor", "researcher", "university_admin")
    )
    return RubricForm(
        rubric=rubric,
        criteria_text="\n".join(f"{c.name}：{c.weight}" for c in rubric.criteria),
        committee_choices=[(u.id, u.display_name or u.username) for u in staff],
    )


def parse_criteria(text: str) -> list[dict[str, object]]:
    """``学术深度：25`` per line (full- or half-width colon) into rubric criteria; a bad line is
    named by its number."""
    out: list[dict[str, object]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, sep, weight = line.replace("：", ":").rpartition(":")
        if not sep or not name.strip() or not weight.strip().isdigit():
            raise ValidationFailed(
                fields={"criteria": f"第 {n} 行“{line}”应写作“评分项：权重”，如“学术深度：25”"}
            )
        out.append({"name": name.strip(), "weight": int(weight.strip())})
    if not out:
        raise ValidationFailed(fields={"criteria": "请至少填写一个评分项"})
    return out
