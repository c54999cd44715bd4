"""Every query of the accounts domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from shuanggao.accounts.models import (
    ApiToken,
    ConsentRecord,
    PasswordHistory,
    RecoveryCode,
    User,
    UserSession,
)


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def user_by_id(
    session: Session, user_id: int, scope: ColumnElement[bool] | None = None
) -> User | None:
    stmt = select(User).where(User.id == user_id)
    if scope is not None:
        stmt = stmt.where(scope)
    return session.scalar(stmt)


def list_users(
    session: Session,
    scope: ColumnElement[bool] | None,
    *,
    q: str | None,
    role: str | None,
    page: int,
    page_size: int,
) -> tuple[list[User], int]:
    stmt = select(User)
    if scope is not None:
        stmt = stmt.where(scope)
    if role:
        stmt = stmt.where(User.role == role)
    if q:
        like = f"%{q.strip().casefold()}%"
        stmt = stmt.where(or_(User.username.like(like), User.display_name.like(f"%{q.strip()}%")))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(User.username).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(rows), int(total)


def session_by_hash(session: Session, token_hash: str) -> UserSession | None:
    return session.scalar(select(UserSession).where(UserSession.token_hash == token_hash))


def delete_session(session: Session, token_hash: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == token_hash))


def delete_user_sessions(session: Session, user_id: int, *, keep_hash: str | None = None) -> None:
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_hash is not None:
        stmt = stmt.where(UserSession.token_hash != keep_hash)
    session.execute(stmt)


def delete_expired_sessions(session: Session, user_id: int, now: dt.datetime) -> None:
    session.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.expires_at <= now)
    )


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def tokens_of(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ).all()


def token_of(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    return session.scalar(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.id == token_id)
    )


def all_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.role, User.username)).all()


def sessions_of(session: Session, user_id: int) -> Sequence[UserSession]:
    return session.scalars(select(UserSession).where(UserSession.user_id == user_id)).all()


# --------------------------------------------------------------------------- tenants (CLI, demo)


def zone_by_name(session: Session, name: str) -> int | None:
    from shuanggao.zones.models import Zone

    return session.scalar(select(Zone.id).where(Zone.name == name.strip()))


def university_by_name(session: Session, name: str) -> int | None:
    from shuanggao.universities.models import University

    return session.scalar(select(University.id).where(University.name == name.strip()))


def enterprise_by_credit_code(session: Session, code: str) -> int | None:
    from shuanggao.enterprises.models import Enterprise

    return session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code))


def enterprise_by_name(session: Session, name: str) -> int | None:
    from shuanggao.enterprises.models import Enterprise

    return session.scalar(
        select(Enterprise.id).where(Enterprise.name == name).order_by(Enterprise.id).limit(1)
    )


def first_zone(session: Session) -> int | None:
    from shuanggao.zones.models import Zone

    return session.scalar(select(Zone.id).order_by(Zone.is_pilot.desc(), Zone.id).limit(1))


def first_university(session: Session) -> int | None:
    from shuanggao.universities.models import University

    return session.scalar(select(University.id).order_by(University.id).limit(1))


def paired_university(session: Session, zone_id: int) -> int | None:
    from shuanggao.pairings.models import Pairing, PairingUniversity

    return session.scalar(
        select(PairingUniversity.university_id)
        .join(Pairing, Pairing.id == PairingUniversity.pairing_id)
        .where(Pairing.zone_id == zone_id)
        .order_by(PairingUniversity.is_lead.desc(), PairingUniversity.position)
        .limit(1)
    )


def first_enterprise(session: Session, zone_id: int | None) -> int | None:
    from shuanggao.enterprises.models import Enterprise

    stmt = select(Enterprise.id).order_by(Enterprise.is_demo.desc(), Enterprise.id).limit(1)
    if zone_id is not None:
        stmt = stmt.where(Enterprise.zone_id == zone_id)
    return session.scalar(stmt)


def has_demo_data(session: Session) -> bool:
    from shuanggao.enterprises.models import Enterprise
    from shuanggao.zones.models import Zone

    for model in (Enterprise, Zone):
        if session.scalar(select(model.id).where(model.is_demo.is_(True)).limit(1)) is not None:
            return True
    return False


def tenant_names(
    session: Session, zone_id: int | None, university_id: int | None, enterprise_id: int | None
) -> dict[str, str]:
    from shuanggao.enterprises.models import Enterprise
    from shuanggao.universities.models import University
    from shuanggao.zones.models import Zone

    names: dict[str, str] = {}
    for kind, model, ident in (
        ("zone", Zone, zone_id),
        ("university", University, university_id),
        ("enterprise", Enterprise, enterprise_id),
    ):
        if ident is not None:
            name = session.scalar(select(model.name).where(model.id == ident))
            if name:
                names[kind] = name
    return names


def all_tenant_names(session: Session) -> dict[tuple[str, int], str]:
    from shuanggao.enterprises.models import Enterprise
    from shuanggao.universities.models import University
    from shuanggao.zones.models import Zone

    out: dict[tuple[str, int], str] = {}
    for kind, model, column in (
        ("zone", Zone, User.zone_id),
        ("university", University, User.university_id),
        ("enterprise", Enterprise, User.enterprise_id),
    ):
        used = select(column).where(column.is_not(None))
        for ident, name in session.execute(select(model.id, model.name).where(model.id.in_(used))):
            out[(kind, ident)] = name
    return out


# --------------------------------------------------------------------------- password history


def password_history(session: Session, user_id: int) -> Sequence[PasswordHistory]:
    """A user's earlier password hashes, newest first."""
    return session.scalars(
        select(PasswordHistory)
        .where(PasswordHistory.user_id == user_id)
        .order_by(PasswordHistory.id.desc())
    ).all()


# --------------------------------------------------------------------------- recovery codes


def unused_recovery_codes(session: Session, user_id: int) -> Sequence[RecoveryCode]:
    return session.scalars(
        select(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        .order_by(RecoveryCode.id)
    ).all()


def count_unused_recovery_codes(session: Session, user_id: int) -> int:
    stmt = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
    )
    return int(session.scalar(stmt) or 0)


def consume_recovery_code(session: Session, code_id: int, now: dt.datetime) -> bool:
    """Mark a code used, atomically: False when another request consumed it first."""
    result = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def delete_recovery_codes(session: Session, user_id: int) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def trim_password_history(session: Session, user_id: int, keep: int) -> None:
    """Delete all but the newest ``keep`` earlier hashes of a user."""
    old = [row.id for row in password_history(session, user_id)[keep:]]
    if old:
        session.execute(delete(PasswordHistory).where(PasswordHistory.id.in_(old)))


def active_demo_usernames(session: Session, limit: int = 5) -> Sequence[str]:
    stmt = (
        select(User.username)
        .where(User.is_demo.is_(True), User.is_active.is_(True))
        .order_by(User.id)
        .limit(limit)
    )
    return session.scalars(stmt).all()


# --------------------------------------------------------------------------- consent


def latest_consent(session: Session, user_id: int, purpose: str) -> ConsentRecord | None:
    return session.scalars(
        select(ConsentRecord)
        .where(
            ConsentRecord.user_id == user_id,
            ConsentRecord.purpose == purpose,
            ConsentRecord.withdrawn_at.is_(None),
        )
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    ).first()


def consent_history(session: Session, user_id: int) -> Sequence[ConsentRecord]:
    return session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)
    ).all()


# Accounts that must not be suggested by machine matching (opted out or anonymised). Built
# once: every search reads it (``matches.filters``), on its own or inside a larger statement.
OPTED_OUT = select(User.id).where(User.matching_opt_out.is_(True) | User.anonymised_at.is_not(None))


def opted_out_user_ids(session: Session) -> frozenset[int]:
    return frozenset(session.scalars(OPTED_OUT))
