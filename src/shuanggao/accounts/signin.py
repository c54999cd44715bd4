"""Sign-in: password check, lockout, the second step (TOTP or a recovery code).

Failures must persist (failure count, lockout, audit row) even though the request then fails:
callers commit before raising the returned error (see ``api.login``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import mask_name, normalise_username, now_utc, valid_username
from shuanggao.accounts.errors import (
    BadCredentials,
    BadRecoveryCode,
    BadSecondFactor,
    SecondFactorRequired,
)
from shuanggao.accounts.models import User
from shuanggao.accounts.totp import use_recovery_code, verify_totp
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.errors import AppError


@dataclass
class SignInResult:
    """The outcome of a sign-in attempt. ``error`` is raised by the caller after committing."""

    user: User | None
    error: AppError | None
    # The password was right and a TOTP code is still needed (page flow, second step).
    pending_totp: bool = False


def _auth_actor(user: User | None, attempted: str, ip: str | None) -> Actor:
    if user is not None:
        return user.actor(ip)
    return Actor(
        role=Role.ENTERPRISE_USER, user_id=None, username=f"未知用户:{mask_name(attempted)}", ip=ip
    )


def authenticate(
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    totp: str | None,
    *,
    ip: str | None,
    now: dt.datetime | None = None,
    require_totp_now: bool = True,
    recovery_code: str | None = None,
) -> SignInResult:
    """Check a username and password (and TOTP when enrolled, or one recovery code instead).

    Unknown users, disabled and locked accounts and wrong passwords all give ``BadCredentials``
    after one argon2 verification. ``require_totp_now=False`` lets the page flow accept the
    password first and ask for the code on a second step (a pending session).
    """
    moment = now or now_utc()
    name = normalise_username(username)
    user = repo.user_by_username(session, name) if valid_username(name) else None
    ok = passwords.verify_password(user.password_hash if user is not None else None, password)
    actor = _auth_actor(user, username, ip)
    if user is None or not user.is_active:
        audit.record(
            session,
            actor,
            "sign_in_failed",
            "users",
            None if user is None else user.id,
            summary="登录失败：用户不存在或已停用",
        )
        return SignInResult(None, BadCredentials())
    if user.is_locked(moment):
        audit.record(
            session, actor, "sign_in_failed", "users", user.id, summary="登录失败：账号锁定中"
        )
        return SignInResult(None, BadCredentials())
    if not ok:
        return SignInResult(None, _fail(session, settings, user, actor, moment, "密码错误"))
    rehash_if_needed(user, password)
    if user.totp_enabled:
        if recovery_code:
            if not use_recovery_code(session, settings, user, recovery_code, actor, moment):
                _fail(session, settings, user, actor, moment, "恢复码错误")
                return SignInResult(None, BadRecoveryCode())
        elif not totp:
            if require_totp_now:
                return SignInResult(None, SecondFactorRequired())
            return SignInResult(user, None, pending_totp=True)
        elif not verify_totp(settings, user, totp, moment):
            _fail(session, settings, user, actor, moment, "动态验证码错误")
            return SignInResult(None, BadSecondFactor())
    complete_sign_in(session, user, actor, moment)
    return SignInResult(user, None)


def _fail(
    session: Session, settings: Settings, user: User, actor: Actor, now: dt.datetime, why: str
) -> AppError:
    user.failed_count += 1
    audit.record(
        session,
        actor,
        "sign_in_failed",
        "users",
        user.id,
        summary=f"登录失败：{why}（连续第 {user.failed_count} 次）",
    )
    if user.failed_count >= settings.login_max_failures:
        user.locked_until = now + dt.timedelta(minutes=settings.login_lockout_minutes)
        user.failed_count = 0
        audit.record(
            session,
            actor,
            "lockout",
            "users",
            user.id,
            summary=(
                f"连续登录失败 {settings.login_max_failures} 次，"
                f"账号锁定 {settings.login_lockout_minutes} 分钟"
            ),
            after={"locked_until": user.locked_until},
        )
    session.flush()
    return BadCredentials()


def complete_sign_in(session: Session, user: User, actor: Actor, now: dt.datetime) -> None:
    user.failed_count = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, actor, "sign_in", "users", user.id, summary=f"登录成功：{user.username}")
    session.flush()


def rehash_if_needed(user: User, password: str) -> None:
    """Re-hash with the current argon2 parameters after a successful verification."""
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)


def second_step(
    session: Session,
    settings: Settings,
    user_id: int,
    code: str,
    *,
    ip: str | None,
    now: dt.datetime | None = None,
    recovery_code: str | None = None,
) -> SignInResult:
    """The TOTP step of the page flow, for a user whose password was already accepted.

    ``recovery_code`` (instead of ``code``) uses one of the user's recovery codes; wrong ones
    count towards the lockout exactly like wrong TOTP codes.
    """
    moment = now or now_utc()
    user = repo.user_by_id(session, user_id)
    if user is None or not user.is_active or user.is_locked(moment):
        return SignInResult(None, BadCredentials())
    actor = user.actor(ip)
    error: AppError
    if recovery_code:
        ok = use_recovery_code(session, settings, user, recovery_code, actor, moment)
        why, error = "恢复码错误", BadRecoveryCode()
    else:
        ok = verify_totp(settings, user, code, moment)
        why, error = "动态验证码错误", BadSecondFactor()
    if not ok:
        _fail(session, settings, user, actor, moment, why)
        if user.is_locked(moment):
            return SignInResult(None, BadCredentials())
        return SignInResult(None, error)
    complete_sign_in(session, user, actor, moment)
    return SignInResult(user, None)
