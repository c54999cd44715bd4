"""Queries of the dual-mentor scheme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, defer, joinedload

from shuanggao.accounts.models import User
from shuanggao.actor import Actor
from shuanggao.clock import CHINA_TZ
from shuanggao.enterprises.models import Enterprise
from shuanggao.mentoring.models import (
    Assessment,
    Declaration,
    Evidence,
    Meeting,
    Milestone,
    PracticeProject,
    ProgressReport,
    Rubric,
)
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.zones.models import Zone

_LOAD = (
    joinedload(PracticeProject.student),
    joinedload(PracticeProject.university_mentor),
    joinedload(PracticeProject.enterprise_mentor),
    joinedload(PracticeProject.university),
    joinedload(PracticeProject.enterprise),
    joinedload(PracticeProject.zone),
)


def get_project(
    session: Session, scope: ColumnElement[bool], project_id: int
) -> PracticeProject | None:
    stmt = select(PracticeProject).options(*_LOAD).where(PracticeProject.id == project_id, scope)
    return session.scalars(stmt).unique().one_or_none()


def list_projects(
    session: Session, scope: ColumnElement[bool], *, state: str | None = None
) -> list[PracticeProject]:
    stmt = select(PracticeProject).options(*_LOAD).where(scope)
    if state:
        stmt = stmt.where(PracticeProject.state == state)
    stmt = stmt.order_by(PracticeProject.outcome_due_date, PracticeProject.id)
    return list(session.scalars(stmt).unique())


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def users_by_id(session: Session, ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(set(ids))))}


def pairing_of(session: Session, zone_id: int, university_id: int) -> Pairing | None:
    """The zone's pairing (not terminated) that the university is a member of."""
    stmt = (
        select(Pairing)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(
            Pairing.zone_id == zone_id,
            PairingUniversity.university_id == university_id,
            Pairing.status != "terminated",
        )
        .order_by(Pairing.id)
    )
    return session.scalars(stmt).first()


def rubric_of(session: Session, university_id: int) -> Rubric | None:
    return session.scalars(select(Rubric).where(Rubric.university_id == university_id)).first()


def declared_conflicts(
    session: Session, mentor_ids: Sequence[int], student_user_id: int, enterprise_id: int
) -> list[Declaration]:
    stmt = select(Declaration).where(
        Declaration.mentor_user_id.in_(list(mentor_ids)),
        or_(
            and_(Declaration.kind == "relative", Declaration.student_user_id == student_user_id),
            and_(Declaration.kind == "co_owner", Declaration.enterprise_id == enterprise_id),
        ),
    )
    return list(session.scalars(stmt))


def find_declaration(
    session: Session,
    mentor_user_id: int,
    kind: str,
    student_user_id: int | None,
    enterprise_id: int | None,
) -> Declaration | None:
    stmt = select(Declaration).where(
        Declaration.mentor_user_id == mentor_user_id,
        Declaration.kind == kind,
        Declaration.student_user_id.is_(None)
        if student_user_id is None
        else Declaration.student_user_id == student_user_id,
        Declaration.enterprise_id.is_(None)
        if enterprise_id is None
        else Declaration.enterprise_id == enterprise_id,
    )
    return session.scalars(stmt).first()


def milestones(session: Session, project_id: int) -> list[Milestone]:
    stmt = select(Milestone).where(Milestone.project_id == project_id)
    return list(session.scalars(stmt.order_by(Milestone.due_date, Milestone.id)))


def reports(session: Session, project_id: int) -> list[ProgressReport]:
    stmt = select(ProgressReport).where(ProgressReport.project_id == project_id)
    return list(session.scalars(stmt.order_by(ProgressReport.period, ProgressReport.id)))


def meetings(session: Session, project_id: int) -> list[Meeting]:
    stmt = select(Meeting).where(Meeting.project_id == project_id)
    return list(session.scalars(stmt.order_by(Meeting.meeting_date, Meeting.id)))


def evidence(session: Session, project_id: int) -> list[Evidence]:
    """The project's evidence files, without their bytes (``evidence_file`` reads one)."""
    stmt = (
        select(Evidence)
        .options(defer(Evidence.content, raiseload=True))
        .where(Evidence.project_id == project_id)
        .order_by(Evidence.id)
    )
    return list(session.scalars(stmt))


def evidence_file(session: Session, project_id: int, evidence_id: int) -> Evidence | None:
    stmt = select(Evidence).where(Evidence.project_id == project_id, Evidence.id == evidence_id)
    return session.scalars(stmt).first()


def assessments(session: Session, project_id: int) -> list[Assessment]:
    stmt = select(Assessment).where(Assessment.project_id == project_id)
    return list(session.scalars(stmt.order_by(Assessment.side)))


def assessment(session: Session, project_id: int, side: str) -> Assessment | None:
    stmt = select(Assessment).where(Assessment.project_id == project_id, Assessment.side == side)
    return session.scalars(stmt).first()


def report(session: Session, project_id: int, report_id: int) -> ProgressReport | None:
    stmt = select(ProgressReport).where(
        ProgressReport.project_id == project_id, ProgressReport.id == report_id
    )
    return session.scalars(stmt).first()


def milestone(session: Session, project_id: int, milestone_id: int) -> Milestone | None:
    stmt = select(Milestone).where(Milestone.project_id == project_id, Milestone.id == milestone_id)
    return session.scalars(stmt).first()


def unread_reports(session: Session, project_ids: Sequence[int], side: str) -> dict[int, int]:
    """Reports each project's mentor on ``side`` has not yet read."""
    if not project_ids:
        return {}
    col = (
        ProgressReport.university_read_at
        if side == "university"
        else ProgressReport.enterprise_read_at
    )
    stmt = (
        select(ProgressReport.project_id, func.count(ProgressReport.id))
        .where(ProgressReport.project_id.in_(list(project_ids)), col.is_(None))
        .group_by(ProgressReport.project_id)
    )
    return {int(pid): int(n) for pid, n in session.execute(stmt)}


def trained_per_zone(
    session: Session,
    zone_ids: Sequence[int] | None = None,
    *,
    scope_actor: Actor | None = None,
    as_of: dt.date | None = None,
) -> dict[tuple[int, int | None], int]:
    """Students whose practice outcome was accepted (in place of the thesis or after
    revisions), by ``(zone_id, pairing_id)``: a count, public within the actor's tenancy."""
    stmt = (
        select(PracticeProject.zone_id, PracticeProject.pairing_id, func.count(PracticeProject.id))
        .where(
            PracticeProject.state == "decided",
            PracticeProject.decision.in_(["accepted", "revisions"]),
        )
        .group_by(PracticeProject.zone_id, PracticeProject.pairing_id)
    )
    if zone_ids is not None:
        stmt = stmt.where(PracticeProject.zone_id.in_(list(zone_ids)))
    if scope_actor is not None:
        stmt = stmt.where(count_scope(scope_actor))
    if as_of is not None:
        # Decided by the end of ``as_of`` in China.
        end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), CHINA_TZ)
        stmt = stmt.where(PracticeProject.decided_at < end)
    return {(int(z), int(p)): int(n) for z, p, n in session.execute(stmt)}


def count_scope(actor: Actor) -> ColumnElement[bool]:
    """Projects an actor may count: the tenant's (zone, university, enterprise), all for the
    province; counts carry no names."""
    if actor.sees_everything:
        return true()
    if actor.zone_id is not None:
        return PracticeProject.zone_id == actor.zone_id
    if actor.university_id is not None:
        return PracticeProject.university_id == actor.university_id
    if actor.enterprise_id is not None:
        return PracticeProject.enterprise_id == actor.enterprise_id
    return false()


def zone_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Zone.id, Zone.name).where(Zone.id.in_(set(ids)))).all())


def open_milestones_due(session: Session, project_ids: Sequence[int], day: dt.date) -> int:
    if not project_ids:
        return 0
    stmt = select(func.count(Milestone.id)).where(
        Milestone.project_id.in_(list(project_ids)),
        Milestone.done_date.is_(None),
        Milestone.due_date <= day,
    )
    return int(session.scalar(stmt) or 0)


def paired_enterprises(session: Session, university_id: int) -> list[Enterprise]:
    """Enterprises in zones paired with the university (a practice project's candidates)."""
    zones = (
        select(Pairing.zone_id)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(PairingUniversity.university_id == university_id, Pairing.status != "terminated")
    )
    stmt = select(Enterprise).where(Enterprise.zone_id.in_(zones)).order_by(Enterprise.name)
    return list(session.scalars(stmt))


def university_mentors(
    session: Session, university_id: int, roles: Sequence[str] = ("mentor", "researcher")
) -> list[User]:
    stmt = select(User).where(
        User.university_id == university_id,
        User.role.in_(list(roles)),
        User.is_active.is_(True),
    )
    return list(session.scalars(stmt.order_by(User.display_name, User.id)))


def enterprise_users(session: Session, enterprise_ids: Sequence[int]) -> list[User]:
    if not enterprise_ids:
        return []
    stmt = select(User).where(
        User.enterprise_id.in_(list(enterprise_ids)),
        User.role == "enterprise_user",
        User.is_active.is_(True),
    )
    return list(session.scalars(stmt.order_by(User.display_name, User.id)))
