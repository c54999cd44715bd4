"""Request and response models of the accounts API. Requests forbid unknown fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shuanggao.actor import ROLE_LABELS, Role


def _role(raw: Any) -> Any:
    """Accept the English value or the Chinese label (高新区管理员)."""
    if isinstance(raw, str):
        text = raw.strip()
        for role, label in ROLE_LABELS.items():
            if text in (role.value, label):
                return role
    return raw


RoleIn = Annotated[Role, BeforeValidator(_role)]
Password = Annotated[str, Field(min_length=1, max_length=256)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class LoginIn(_In):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Password
    totp: Annotated[str | None, Field(max_length=10)] = None
    # One of the user's recovery codes, instead of ``totp`` (single use).
    recovery_code: Annotated[str | None, Field(max_length=40)] = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    role_label: str
    zone_id: int | None
    university_id: int | None
    enterprise_id: int | None
    is_active: bool
    locked: bool
    totp_enabled: bool
    must_change_password: bool
    last_login_at: dt.datetime | None
    created_at: dt.datetime
    is_demo: bool


class SessionOut(BaseModel):
    user: UserRead
    csrf_token: str
    # "" when the account is fully usable; "password" or "totp" when it must first change its
    # password or enrol a TOTP authenticator (everything else answers 403 until then).
    restriction: str


class PasswordChangeIn(_In):
    current_password: Password
    new_password: Password


class TotpEnrolIn(_In):
    password: Password


class TotpEnrolOut(BaseModel):
    secret: str
    otpauth_uri: str


class TotpCodeIn(_In):
    code: Annotated[str, Field(min_length=6, max_length=10)]


class RecoveryCodesIn(_In):
    # Re-authentication, as for TOTP enrolment.
    password: Password


class RecoveryCodesStatus(BaseModel):
    totp_enabled: bool
    remaining: int


class RecoveryCodesOut(RecoveryCodesStatus):
    # Shown once; only salted keyed digests are stored. Any earlier codes no longer work.
    codes: list[str]


class UserCreate(_In):
    username: Annotated[str, Field(min_length=3, max_length=60)]
    display_name: Annotated[str, Field(max_length=100)] = ""
    role: RoleIn
    zone_id: int | None = None
    university_id: int | None = None
    enterprise_id: int | None = None
    password: Password
    # An administrator-issued password must be changed at first sign-in (default).
    must_change_password: bool = True


class UserUpdate(_In):
    display_name: Annotated[str | None, Field(max_length=100)] = None
    role: RoleIn | None = None
    zone_id: int | None = None
    university_id: int | None = None
    enterprise_id: int | None = None
    is_active: bool | None = None
    must_change_password: bool | None = None
    # Remove the user's TOTP authenticator (lost phone); they enrol again at next sign-in.
    reset_totp: bool | None = None


class PasswordResetIn(_In):
    new_password: Password


class UserPage(BaseModel):
    items: list[UserRead]
    total: int
    page: int
    page_size: int


class TokenCreate(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    expires_days: Annotated[int | None, Field(ge=1, le=366)] = 90


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenRead):
    # Shown once, at creation; only its SHA-256 digest is stored.
    token: str
