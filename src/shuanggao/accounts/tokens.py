"""Personal API tokens (``Authorization: Bearer sg_...``): create, revoke, resolve."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.accounts import crypto
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import now_utc
from shuanggao.accounts.models import ApiToken, User
from shuanggao.actor import Role
from shuanggao.audit import service as audit
from shuanggao.errors import Forbidden, NotFound

API_TOKEN_PREFIX = "sg_"  # noqa: S105 - the public prefix of every token


def create_api_token(
    session: Session, user: User, name: str, expires_days: int | None, *, ip: str | None
) -> tuple[ApiToken, str]:
    """A new API token for the user (the raw token is returned once).

    Auditors read; they do not mint credentials: an auditor's request is refused.
    """
    if user.role_enum is Role.AUDITOR:
        raise Forbidden("审计员只能查看数据，不能创建 API 令牌。")
    moment = now_utc()
    raw = crypto.new_token(API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=crypto.digest(raw),
        prefix=raw[:10],
        created_at=moment,
        expires_at=None if expires_days is None else moment + dt.timedelta(days=expires_days),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        user.actor(ip),
        "token_create",
        "api_tokens",
        token.id,
        summary=f"创建 API 令牌：{token.name}（{token.prefix}…）",
    )
    return token, raw


def revoke_api_token(session: Session, user: User, token_id: int, *, ip: str | None) -> None:
    token = repo.token_of(session, user.id, token_id)
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        audit.record(
            session,
            user.actor(ip),
            "token_revoke",
            "api_tokens",
            token.id,
            summary=f"吊销 API 令牌：{token.name}（{token.prefix}…）",
        )
    session.flush()


def resolve_api_token(session: Session, raw: str, now: dt.datetime | None = None) -> User | None:
    moment = now or now_utc()
    token = repo.token_by_hash(session, crypto.digest(raw))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= moment:
        return None
    user = repo.user_by_id(session, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.last_used_at is None or moment - token.last_used_at >= dt.timedelta(minutes=1):
        token.last_used_at = moment
        session.flush()
    return user
