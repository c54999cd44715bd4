"""Who reads and writes practice projects.

A project is seen by its three people (the student, both mentors), the committee member of its
university's rubric once it reaches the committee, the university's and zone's administrators,
and the province and auditors. Others get 404: nothing of another tenant is named.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from shuanggao import personal
from shuanggao.actor import Actor, Role
from shuanggao.mentoring.models import PracticeProject, Rubric
from shuanggao.mentoring.schemas import ProjectState

# Roles that keep the rubric and act as committee when the rubric names nobody.
UNIVERSITY_OFFICE = frozenset({Role.UNIVERSITY_ADMIN})


def project_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.sees_everything:
        return true()
    p = PracticeProject
    uid = actor.user_id
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return p.zone_id == actor.zone_id
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        return p.university_id == actor.university_id
    if uid is None:
        return false()
    if actor.role is Role.STUDENT:
        return p.student_user_id == uid
    if actor.role is Role.ENTERPRISE_USER:
        return p.enterprise_mentor_id == uid
    if actor.role in (Role.MENTOR, Role.RESEARCHER):
        committee = select(Rubric.university_id).where(Rubric.committee_user_id == uid)
        return or_(
            p.university_mentor_id == uid,
            and_(
                p.university_id.in_(committee),
                p.state.in_([ProjectState.COMMITTEE.value, ProjectState.DECIDED.value]),
            ),
        )
    return false()


def side_of(actor: Actor, project: PracticeProject) -> str | None:
    """``university`` or ``enterprise`` when the actor is one of the project's mentors."""
    if actor.user_id is None:
        return None
    if actor.user_id == project.university_mentor_id:
        return "university"
    if actor.user_id == project.enterprise_mentor_id:
        return "enterprise"
    return None


def is_committee(actor: Actor, project: PracticeProject, rubric: Rubric | None) -> bool:
    """The rubric's committee member, or (none named) the university's administrators; never
    one of the project's own mentors."""
    if actor.user_id is None or side_of(actor, project) is not None:
        return False
    if rubric is not None and rubric.committee_user_id is not None:
        return actor.user_id == rubric.committee_user_id
    return actor.role in UNIVERSITY_OFFICE and actor.university_id == project.university_id


def record_withheld(actor: Actor, project: PracticeProject) -> bool:
    """``actor`` (the enterprise mentor) may not read the student's practice record: the
    student has not consented to sharing it (``personal.PRACTICE_TO_MENTOR``; the inventory's
    rule on ``practice_project.major``)."""
    return personal.withheld(personal.fields_of("practice_project")["major"], actor, project)
