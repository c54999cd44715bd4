"""Accounts use cases: sign-in, sessions, TOTP, passwords, API tokens and user administration.

Nothing here commits. Sign-in failures must persist (failure count, lockout, audit row) even
though the request then fails: callers commit before raising the returned error (see
``api.login``).

Who administers whom (decision, documented in docs/accounts.md):

- 省级管理员 manages every account.
- 高新区管理员 creates and manages 企业用户 of enterprises in their own zone.
- 高校管理员 creates and manages 科研人员 / 学生 / 导师 of their own university.
- Everyone else manages no account (only their own password, TOTP and API tokens).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyotp
from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.orm import Session

from shuanggao.accounts import crypto, passwords
from shuanggao.accounts import repository as repo
from shuanggao.accounts.actor import ROLE_LABELS, ROLE_TENANT, Actor, Role
from shuanggao.accounts.errors import (
    BadCredentials,
    BadRecoveryCode,
    BadSecondFactor,
    SecondFactorRequired,
)
from shuanggao.accounts.models import ApiToken, PasswordHistory, RecoveryCode, User, UserSession
from shuanggao.accounts.schemas import UserCreate, UserRead, UserUpdate
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.db.types import utcnow
from shuanggao.errors import AppError, Duplicate, Forbidden, NotFound, ValidationFailed

# Roles that must enrol a TOTP authenticator when ``Settings.admin_totp_required`` is on, and
# whose passwords expire after ``admin_password_max_age_days``.
ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN, Role.AUDITOR})
UNIVERSITY_PEOPLE = frozenset({Role.RESEARCHER, Role.STUDENT, Role.MENTOR})
PENDING_TOTP_MINUTES = 5
TOTP_ISSUER = "双高协同平台"
_USERNAME = re.compile(r"^[\w.@\-]{3,60}$")
TOTP_PURPOSE = "totp-secret"
API_TOKEN_PREFIX = "sg_"  # noqa: S105 - the public prefix of every token
RECOVERY_PURPOSE = "recovery-code"
RECOVERY_CODE_COUNT = 10
# 16 symbols of base32 (80 bits), shown as four groups of four: ABCD-EFGH-JKLM-NPQR.
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RECOVERY_LENGTH = 16


def now_utc() -> dt.datetime:
    return utcnow()


# --------------------------------------------------------------------------- usernames, reads


def normalise_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def valid_username(name: str) -> bool:
    return bool(_USERNAME.match(name))


def mask_name(raw: str) -> str:
    """An attempted username as logged for unknown accounts (it may be a mistyped password)."""
    text = unicodedata.normalize("NFKC", raw).strip()[:60]
    if len(text) <= 2:
        return "*" * len(text)
    return text[:2] + "*" * min(len(text) - 2, 8)


def user_read(user: User, now: dt.datetime | None = None) -> UserRead:
    moment = now or now_utc()
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        role_label=ROLE_LABELS[Role(user.role)],
        zone_id=user.zone_id,
        university_id=user.university_id,
        enterprise_id=user.enterprise_id,
        is_active=user.is_active,
        locked=user.is_locked(moment),
        totp_enabled=user.totp_enabled,
        must_change_password=user.must_change_password,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
        is_demo=user.is_demo,
    )


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "zone_id": user.zone_id,
        "university_id": user.university_id,
        "enterprise_id": user.enterprise_id,
        "is_active": user.is_active,
        "totp_enabled": user.totp_enabled,
        "must_change_password": user.must_change_password,
    }


def restriction_of(settings: Settings, user: User, now: dt.datetime) -> str:
    """ "password" / "totp" when the account must do that first; "" when fully usable."""
    role = Role(user.role)
    if user.must_change_password:
        return "password"
    max_age = settings.admin_password_max_age_days
    privileged = role in ADMIN_ROLES and not user.is_demo
    if privileged and max_age > 0 and user.password_changed_at + dt.timedelta(days=max_age) < now:
        return "password"
    if privileged and settings.admin_totp_required and not user.totp_enabled:
        return "totp"
    return ""


# --------------------------------------------------------------------------- sign-in


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


# --------------------------------------------------------------------------- TOTP


def _totp_secret(settings: Settings, user: User) -> str | None:
    if not user.totp_secret_enc:
        return None
    return crypto.unseal(settings.resolved_secret_key(), TOTP_PURPOSE, user.totp_secret_enc)


def verify_totp(settings: Settings, user: User, code: str, now: dt.datetime) -> bool:
    """RFC 6238, ±1 time step, each step accepted at most once (no replay)."""
    secret = _totp_secret(settings, user)
    code = code.strip().replace(" ", "")
    if secret is None or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if crypto.same(totp.at(step * totp.interval), code):
            user.totp_last_step = step
            return True
    return False


def start_totp_enrolment(
    session: Session, settings: Settings, user: User, password: str
) -> tuple[str, str]:
    """Re-authenticate with the password, store a new (not yet active) secret, return it once."""
    if not passwords.verify_password(user.password_hash, password):
        raise ValidationFailed("当前密码不正确。", fields={"password": "当前密码不正确"})
    if user.totp_enabled:
        raise ValidationFailed(
            "您已绑定身份验证器；如需更换，请联系管理员重置。",
            fields={"password": "已绑定身份验证器"},
        )
    secret = pyotp.random_base32()
    user.totp_secret_enc = crypto.seal(settings.resolved_secret_key(), TOTP_PURPOSE, secret)
    user.totp_last_step = None
    session.flush()
    return secret, totp_uri(user, secret)


def pending_totp_secret(settings: Settings, user: User) -> str | None:
    """The secret of an enrolment that was started but not confirmed (to show it again)."""
    if user.totp_enabled:
        return None
    return _totp_secret(settings, user)


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def confirm_totp_enrolment(
    session: Session, settings: Settings, user: User, code: str, *, ip: str | None
) -> None:
    if user.totp_enabled or not user.totp_secret_enc:
        raise ValidationFailed("请先开始绑定身份验证器。", fields={"code": "尚未开始绑定"})
    if not verify_totp(settings, user, code, now_utc()):
        raise ValidationFailed(
            "动态验证码不正确，请核对手机时间后重试。", fields={"code": "验证码不正确"}
        )
    user.totp_enabled = True
    audit.record(
        session,
        user.actor(ip),
        "totp_enrol",
        "users",
        user.id,
        summary=f"绑定身份验证器：{user.username}",
        before={"totp_enabled": False},
        after={"totp_enabled": True},
    )
    session.flush()


# --------------------------------------------------------------------------- recovery codes


def normalise_recovery_code(raw: str) -> str:
    """Upper case, without spaces or hyphens (people copy them in groups)."""
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", raw)).upper()


def _recovery_digest(settings: Settings, salt: str, code: str) -> str:
    key = crypto.derive_key(settings.resolved_secret_key(), RECOVERY_PURPOSE)
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def recovery_codes_left(session: Session, user: User) -> int:
    return repo.count_unused_recovery_codes(session, user.id)


def generate_recovery_codes(
    session: Session, settings: Settings, user: User, password: str, *, ip: str | None
) -> list[str]:
    """Re-authenticate with the password, replace all the user's recovery codes with
    ``RECOVERY_CODE_COUNT`` new ones and return them (the only time they are shown)."""
    if not passwords.verify_password(user.password_hash, password):
        raise ValidationFailed("当前密码不正确。", fields={"password": "当前密码不正确"})
    if not user.totp_enabled:
        raise ValidationFailed(
            "请先绑定身份验证器，然后再生成恢复码。", fields={"password": "尚未绑定身份验证器"}
        )
    before = repo.count_unused_recovery_codes(session, user.id)
    repo.delete_recovery_codes(session, user.id)
    moment = now_utc()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        salt = secrets.token_hex(16)
        session.add(
            RecoveryCode(
                user_id=user.id,
                salt=salt,
                code_hash=_recovery_digest(settings, salt, normalise_recovery_code(code)),
                created_at=moment,
            )
        )
    audit.record(
        session,
        user.actor(ip),
        "recovery_codes_generate",
        "users",
        user.id,
        summary=(
            f"生成 {RECOVERY_CODE_COUNT} 个恢复码（原有未使用的 {before} 个作废）：{user.username}"
        ),
        before={"recovery_codes_left": before},
        after={"recovery_codes_left": RECOVERY_CODE_COUNT},
    )
    session.flush()
    return codes


def use_recovery_code(
    session: Session,
    settings: Settings,
    user: User,
    raw: str,
    actor: Actor,
    now: dt.datetime,
) -> bool:
    """Consume one unused recovery code matching ``raw``; False when none matches."""
    code = normalise_recovery_code(raw)
    if len(code) != RECOVERY_LENGTH:
        return False
    for row in repo.unused_recovery_codes(session, user.id):
        if crypto.same(_recovery_digest(settings, row.salt, code), row.code_hash):
            if not repo.consume_recovery_code(session, row.id, now):
                return False  # a concurrent request used it first
            session.expire(row)
            left = repo.count_unused_recovery_codes(session, user.id)
            audit.record(
                session,
                actor,
                "recovery_code_use",
                "users",
                user.id,
                summary=f"使用恢复码登录（剩余 {left} 个）：{user.username}",
                after={"recovery_codes_left": left},
            )
            return True
    return False


# --------------------------------------------------------------------------- sessions


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


# --------------------------------------------------------------------------- passwords


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


# --------------------------------------------------------------------------- API tokens


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


# --------------------------------------------------------------------------- administration


def _tenant_kind(role: Role) -> str | None:
    return ROLE_TENANT[role]


def _check_tenant(session: Session, role: Role, values: Mapping[str, Any]) -> None:
    """The role's tenant must be given and exist; the other tenant fields must be empty."""
    from shuanggao.enterprises.models import Enterprise
    from shuanggao.universities.models import University
    from shuanggao.zones.models import Zone

    models: dict[str, tuple[str, type[Any], str]] = {
        "zone": ("zone_id", Zone, "所属高新区"),
        "university": ("university_id", University, "所属高校"),
        "enterprise": ("enterprise_id", Enterprise, "所属企业"),
    }
    kind = _tenant_kind(role)
    fields: dict[str, str] = {}
    for k, (field, model, label) in models.items():
        value = values.get(field)
        if k == kind:
            if value is None:
                fields[field] = f"{ROLE_LABELS[role]}必须指定{label}"
            elif session.get(model, value) is None:
                fields[field] = f"{label}不存在"
        elif value is not None:
            fields[field] = f"{ROLE_LABELS[role]}不能指定{label}"
    if fields:
        raise ValidationFailed(fields=fields)


def _enterprise_zone(session: Session, enterprise_id: int | None) -> int | None:
    from shuanggao.enterprises.models import Enterprise

    if enterprise_id is None:
        return None
    ent = session.get(Enterprise, enterprise_id)
    return None if ent is None else ent.zone_id


def may_manage(session: Session, actor: Actor, role: Role, values: Mapping[str, Any]) -> bool:
    """May ``actor`` hold an account with this role and tenant under their administration?"""
    if actor.role is Role.PROVINCE_ADMIN:
        return True
    if actor.role is Role.ZONE_ADMIN:
        return (
            role is Role.ENTERPRISE_USER
            and actor.zone_id is not None
            and _enterprise_zone(session, values.get("enterprise_id")) == actor.zone_id
        )
    if actor.role is Role.UNIVERSITY_ADMIN:
        return (
            role in UNIVERSITY_PEOPLE
            and actor.university_id is not None
            and values.get("university_id") == actor.university_id
        )
    return False


def manage_scope(actor: Actor) -> ColumnElement[bool] | None:
    """Which accounts an actor sees in user administration (None: all)."""
    from shuanggao.enterprises.models import Enterprise

    if actor.role is Role.PROVINCE_ADMIN:
        return None
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        in_zone = select(Enterprise.id).where(Enterprise.zone_id == actor.zone_id)
        return and_(User.role == Role.ENTERPRISE_USER.value, User.enterprise_id.in_(in_zone))
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        return and_(
            User.role.in_([r.value for r in UNIVERSITY_PEOPLE]),
            User.university_id == actor.university_id,
        )
    return false()


def _require_admin(actor: Actor) -> None:
    if actor.role not in (Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN):
        raise Forbidden("您没有管理账号的权限。")


def list_users(
    session: Session,
    actor: Actor,
    *,
    q: str | None = None,
    role: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[User], int]:
    _require_admin(actor)
    page = max(page, 1)
    page_size = min(max(page_size, 1), 200)
    return repo.list_users(
        session, manage_scope(actor), q=q, role=role, page=page, page_size=page_size
    )


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    _require_admin(actor)
    user = repo.user_by_id(session, user_id, manage_scope(actor))
    if user is None:
        raise NotFound()
    return user


def create_user(
    session: Session,
    actor: Actor,
    data: UserCreate,
    *,
    is_demo: bool = False,
) -> User:
    """Create an account. The CLI passes ``Actor.system`` (province rights)."""
    if not actor.is_system:
        _require_admin(actor)
    values = data.model_dump()
    if not may_manage(session, actor, data.role, values):
        raise Forbidden("您不能创建该角色或该单位的账号。")
    name = normalise_username(data.username)
    if not valid_username(name):
        raise ValidationFailed(
            fields={"username": "用户名须为 3–60 个字母、数字、汉字或 . _ - @ 字符"}
        )
    _check_tenant(session, data.role, values)
    context = [
        data.display_name,
        *_tenant_names(session, data.zone_id, data.university_id, data.enterprise_id),
    ]
    passwords.check_policy(data.password, name, context)
    if repo.user_by_username(session, name) is not None:
        raise Duplicate(f"用户名“{name}”已被使用。", fields={"username": "用户名已被使用"})
    moment = now_utc()
    user = User(
        username=name,
        display_name=data.display_name.strip() or name,
        role=data.role.value,
        zone_id=data.zone_id,
        university_id=data.university_id,
        enterprise_id=data.enterprise_id,
        password_hash=passwords.hash_password(data.password),
        is_active=True,
        failed_count=0,
        password_changed_at=moment,
        must_change_password=data.must_change_password,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "users",
        user.id,
        summary=f"新增账号：{user.username}（{ROLE_LABELS[data.role]}）",
        after=_snapshot(user),
    )
    audit.record(
        session,
        actor,
        "permission",
        "users",
        user.id,
        summary=f"授予角色：{user.username} → {ROLE_LABELS[data.role]}",
        before=None,
        after={k: v for k, v in _snapshot(user).items() if k.endswith("_id") or k == "role"},
    )
    return user


def update_user(session: Session, actor: Actor, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, actor, user_id)
    changes = data.model_dump(exclude_unset=True)
    reset_totp = bool(changes.pop("reset_totp", False))
    before = _snapshot(user)
    role = Role(changes.get("role") or user.role)
    tenant_fields = ("zone_id", "university_id", "enterprise_id")
    tenant_touched = "role" in changes or any(f in changes for f in tenant_fields)
    merged: dict[str, Any] = {f: changes.get(f, getattr(user, f)) for f in tenant_fields}
    if "role" in changes:
        # A new role starts from its own tenant fields only.
        kind = _tenant_kind(role)
        merged = {f: (merged[f] if f == f"{kind}_id" else changes.get(f)) for f in tenant_fields}
    if tenant_touched:
        if not may_manage(session, actor, role, merged):
            raise Forbidden("您不能把账号改为该角色或该单位。")
        _check_tenant(session, role, merged)
    if user.id == actor.user_id and (
        changes.get("is_active") is False or ("role" in changes and role is not Role(user.role))
    ):
        raise Forbidden("您不能停用自己的账号或修改自己的角色。")
    if "display_name" in changes and changes["display_name"] is not None:
        user.display_name = changes["display_name"].strip() or user.username
    if tenant_touched:
        user.role = role.value
        for f in tenant_fields:
            setattr(user, f, merged[f])
    if changes.get("is_active") is not None:
        user.is_active = bool(changes["is_active"])
    if changes.get("must_change_password") is not None:
        user.must_change_password = bool(changes["must_change_password"])
    if reset_totp:
        user.totp_enabled = False
        user.totp_secret_enc = None
        user.totp_last_step = None
        # Recovery codes belong to the removed authenticator.
        repo.delete_recovery_codes(session, user.id)
    after = _snapshot(user)
    diff_before = {k: before[k] for k in after if before[k] != after[k]}
    diff_after = {k: after[k] for k in diff_before}
    if diff_before:
        privilege = {
            "role",
            "zone_id",
            "university_id",
            "enterprise_id",
            "is_active",
            "totp_enabled",
        }
        action = "permission" if privilege & set(diff_before) else "update"
        audit.record(
            session,
            actor,
            action,
            "users",
            user.id,
            summary=f"修改账号：{user.username}",
            before=diff_before,
            after=diff_after,
        )
        if privilege & set(diff_before):
            # A changed role, tenant or activation ends the user's sessions and API tokens.
            end_all_sessions(session, user.id)
            _revoke_tokens(session, user, now_utc())
    session.flush()
    return user


def unlock_user(session: Session, actor: Actor, user_id: int) -> User:
    user = get_user(session, actor, user_id)
    was_locked = user.is_locked(now_utc())
    user.failed_count = 0
    user.locked_until = None
    audit.record(
        session,
        actor,
        "permission",
        "users",
        user.id,
        summary=f"解锁账号：{user.username}",
        before={"locked": was_locked},
        after={"locked": False},
    )
    session.flush()
    return user


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> User:
    """An administrator sets a one-time password; the user must change it at next sign-in."""
    user = get_user(session, actor, user_id)
    passwords.check_policy(new_password, user.username, password_context(session, user))
    _check_not_reused(session, user, new_password)
    _set_password(session, user, new_password, now_utc())
    user.must_change_password = True
    user.failed_count = 0
    user.locked_until = None
    end_all_sessions(session, user.id)
    _revoke_tokens(session, user, now_utc())
    audit.record(
        session,
        actor,
        "password_reset",
        "users",
        user.id,
        summary=f"重置密码：{user.username}（须在下次登录时修改）",
    )
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    return repo.user_by_username(session, normalise_username(username))


def sessions_of(session: Session, user_id: int) -> list[UserSession]:
    return list(repo.sessions_of(session, user_id))
