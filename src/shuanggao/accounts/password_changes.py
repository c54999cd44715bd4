"""Changing a password: policy and reuse checks, history, and what a change revokes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import now_utc
from shuanggao.accounts.models import PasswordHistory, User
from shuanggao.audit import service as audit
from shuanggao.errors import ValidationFailed


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    ip: str | None,
    now: dt.datetime | None = None,
) -> None:
    """The user's own change: current password required; other sessions and tokens end."""
    moment = now or now_utc()
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed("当前密码不正确。", fields={"current_password": "当前密码不正确"})
    passwords.check_policy(new, user.username, password_context(session, user))
    _check_not_reused(session, user, new)
    _set_password(session, user, new, moment)
    user.must_change_password = False
    _revoke_tokens(session, user, moment)
    audit.record(
        session,
        user.actor(ip),
        "password_change",
        "users",
        user.id,
        summary=f"修改密码：{user.username}",
    )
    session.flush()


def password_context(session: Session, user: User) -> list[str]:
    """Words about the account a new password may not contain: display and organisation name."""
    return [
        user.display_name,
        *_tenant_names(session, user.zone_id, user.university_id, user.enterprise_id),
    ]


def _tenant_names(
    session: Session, zone_id: int | None, university_id: int | None, enterprise_id: int | None
) -> list[str]:
    from shuanggao.enterprises.models import Enterprise
    from shuanggao.universities.models import University
    from shuanggao.zones.models import Zone

    names: list[str] = []
    models: tuple[tuple[type[Any], int | None], ...] = (
        (Zone, zone_id),
        (University, university_id),
        (Enterprise, enterprise_id),
    )
    for model, ident in models:
        obj = session.get(model, ident) if ident is not None else None
        if obj is not None and getattr(obj, "name", None):
            names.append(str(obj.name))
    return names


def _check_not_reused(session: Session, user: User, new: str) -> None:
    """The current password and the last ``HISTORY_SIZE`` may not be chosen again."""
    history = repo.password_history(session, user.id)[: passwords.HISTORY_SIZE]
    passwords.check_not_reused(new, [user.password_hash, *(h.password_hash for h in history)])


def _set_password(session: Session, user: User, password: str, now: dt.datetime) -> None:
    """Replace the password; the old hash goes to the history (trimmed to ``HISTORY_SIZE``)."""
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, replaced_at=now))
    session.flush()
    repo.trim_password_history(session, user.id, passwords.HISTORY_SIZE)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = now


def _revoke_tokens(session: Session, user: User, now: dt.datetime) -> None:
    for token in repo.tokens_of(session, user.id):
        if token.revoked_at is None:
            token.revoked_at = now
