"""Browser sessions: create, resolve from the cookie, end one or all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.accounts import crypto
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import now_utc
from shuanggao.accounts.models import User, UserSession
from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.config import Settings

PENDING_TOTP_MINUTES = 5


def create_session(
    session: Session,
    settings: Settings,
    user: User,
    *,
    ip: str | None,
    user_agent: str | None,
    stage: str = "full",
    now: dt.datetime | None = None,
) -> str:
    """A new random session token (returned once, stored as a digest)."""
    moment = now or now_utc()
    repo.delete_expired_sessions(session, user.id, moment)
    token = crypto.new_token()
    lifetime = (
        dt.timedelta(minutes=PENDING_TOTP_MINUTES)
        if stage == "totp"
        else dt.timedelta(hours=settings.session_absolute_hours)
    )
    session.add(
        UserSession(
            token_hash=crypto.digest(token),
            user_id=user.id,
            stage=stage,
            created_at=moment,
            last_seen_at=moment,
            expires_at=moment + lifetime,
            ip=ip,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    session.flush()
    return token


@dataclass
class Resolved:
    user: User
    stage: str  # "full" or "totp"


def resolve_session(
    session: Session, settings: Settings, token: str, now: dt.datetime | None = None
) -> Resolved | None:
    """The user behind a session cookie, or None (unknown, expired, idle, disabled)."""
    moment = now or now_utc()
    row = repo.session_by_hash(session, crypto.digest(token))
    if row is None:
        return None
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    if row.expires_at <= moment or row.last_seen_at + idle <= moment:
        session.delete(row)
        session.flush()
        return None
    user = repo.user_by_id(session, row.user_id)
    if user is None or not user.is_active:
        session.delete(row)
        session.flush()
        return None
    # Touch at most every 30 seconds: enough precision for a 30-minute idle timeout.
    if moment - row.last_seen_at >= dt.timedelta(seconds=30):
        row.last_seen_at = moment
        session.flush()
    return Resolved(user=user, stage=row.stage)


def end_session(session: Session, token: str, *, actor: Actor | None) -> None:
    repo.delete_session(session, crypto.digest(token))
    if actor is not None:
        audit.record(
            session,
            actor,
            "sign_out",
            "users",
            actor.user_id,
            summary=f"退出登录：{actor.username}",
        )
    session.flush()


def end_all_sessions(session: Session, user_id: int, *, keep_token: str | None = None) -> None:
    keep = crypto.digest(keep_token) if keep_token else None
    repo.delete_user_sessions(session, user_id, keep_hash=keep)
    session.flush()
