"""TOTP authenticators (enrolment, verification) and the one-time recovery codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata

import pyotp
from sqlalchemy.orm import Session

from shuanggao.accounts import crypto, passwords
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import now_utc
from shuanggao.accounts.models import RecoveryCode, User
from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.errors import ValidationFailed

TOTP_ISSUER = "双高协同平台"
TOTP_PURPOSE = "totp-secret"
RECOVERY_PURPOSE = "recovery-code"
RECOVERY_CODE_COUNT = 10
# 16 symbols of base32 (80 bits), shown as four groups of four: ABCD-EFGH-JKLM-NPQR.
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RECOVERY_LENGTH = 16


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
