"""Queries of the person's own rows across domains (read by ``privacy.service``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from shuanggao.accounts.models import ApiToken, ConsentRecord, User, UserSession
from shuanggao.audit.models import AuditEvent
from shuanggao.mentoring.models import PracticeProject
from shuanggao.supply.models import SupplyItem
from shuanggao.talent.models import Resident

AUDIT_EXPORT_LIMIT = 10_000


def consents(session: Session, user_id: int) -> Sequence[ConsentRecord]:
    return session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)
    ).all()


def sessions(session: Session, user_id: int) -> Sequence[UserSession]:
    return session.scalars(
        select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
    ).all()


def tokens(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ).all()


def supply_items(session: Session, user_id: int) -> Sequence[SupplyItem]:
    return session.scalars(
        select(SupplyItem).where(SupplyItem.owner_user_id == user_id).order_by(SupplyItem.id)
    ).all()


def practice_projects(session: Session, user_id: int) -> Sequence[PracticeProject]:
    return session.scalars(
        select(PracticeProject)
        .where(PracticeProject.student_user_id == user_id)
        .order_by(PracticeProject.id)
    ).all()


def own_audit_rows(session: Session, user_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.actor_user_id == user_id)
        .order_by(AuditEvent.seq)
        .limit(AUDIT_EXPORT_LIMIT)
    ).all()


def anonymised_users(session: Session, user_ids: Sequence[int]) -> dict[int, int]:
    """``{user id: user id}`` of those accounts that were anonymised (for audit readers)."""
    if not user_ids:
        return {}
    rows = session.scalars(
        select(User.id).where(User.id.in_(list(user_ids)), User.anonymised_at.is_not(None))
    )
    return {i: i for i in rows}


def delete_sessions(session: Session, user_id: int) -> None:
    for row in sessions(session, user_id):
        session.delete(row)


def revoke_tokens(session: Session, user_id: int, now: dt.datetime) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def residents_ended_before(session: Session, cutoff: dt.date, prefix: str) -> Sequence[Resident]:
    """Residents whose stay ended before ``cutoff`` and whose name is not yet anonymised
    (anonymised names start with ``prefix``)."""
    return session.scalars(
        select(Resident)
        .where(
            Resident.to_date.is_not(None),
            Resident.to_date < cutoff,
            ~Resident.person_name.startswith(prefix, autoescape=True),
        )
        .order_by(Resident.id)
    ).all()


def practice_projects_decided_before(
    session: Session, cutoff: dt.datetime, marker: str
) -> Sequence[PracticeProject]:
    """Finished (decided) practice projects not yet anonymised (``plan`` carries the marker)."""
    return session.scalars(
        select(PracticeProject)
        .where(
            PracticeProject.decided_at.is_not(None),
            PracticeProject.decided_at < cutoff,
            or_(PracticeProject.plan.is_(None), PracticeProject.plan != marker),
        )
        .order_by(PracticeProject.id)
    ).all()
