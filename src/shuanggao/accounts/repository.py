"""Every query of the accounts domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import ApiToken, User, UserSession


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
