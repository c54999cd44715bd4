"""Accounts basics every part uses: roles with extra duties, usernames, the user as others
see it, and the step a signed-in account must take first (password change, TOTP)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from shuanggao.accounts.models import User
from shuanggao.accounts.schemas import UserRead
from shuanggao.actor import ROLE_LABELS, Role
from shuanggao.config import Settings
from shuanggao.db.types import utcnow

# The personal-information notice every account accepts at first sign-in (``accounts.consent``).
# 2026.12.2: the two consent-only purposes (a researcher's profile shown to enterprises, a
# student's practice record shared with the enterprise mentor) are named in the notice.
NOTICE_VERSION = "2026.12.2"

# Roles that must enrol a TOTP authenticator when ``Settings.admin_totp_required`` is on, and
# whose passwords expire after ``admin_password_max_age_days``.
ADMIN_ROLES = frozenset(
    {Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN, Role.AUDITOR, Role.SECURITY_ADMIN}
)
UNIVERSITY_PEOPLE = frozenset({Role.RESEARCHER, Role.STUDENT, Role.MENTOR})
_USERNAME = re.compile(r"^[\w.@\-]{3,60}$")


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
    """ "password" / "totp" / "consent" when the account must do that first; "" when usable."""
    role = Role(user.role)
    if user.must_change_password:
        return "password"
    max_age = settings.admin_password_max_age_days
    privileged = role in ADMIN_ROLES and not user.is_demo
    if privileged and max_age > 0 and user.password_changed_at + dt.timedelta(days=max_age) < now:
        return "password"
    if privileged and settings.admin_totp_required and not user.totp_enabled:
        return "totp"
    if settings.privacy_notice_required and user.privacy_notice_version != NOTICE_VERSION:
        return "consent"
    return ""
