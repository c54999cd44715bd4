"""Accounts: users, server-side sessions and personal API tokens.

Secrets are never stored in clear: passwords as argon2id hashes, session and API tokens as
SHA-256 digests (they are 256-bit random values, so a fast digest is enough), the TOTP secret
encrypted with AES-GCM under a key derived from ``Settings.secret_key``. Earlier password
hashes are kept (``password_history``, the last ``passwords.HISTORY_SIZE``) to refuse reuse;
recovery codes are stored as salted HMAC-SHA256 digests (see ``RecoveryCode``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shuanggao.actor import Actor, Role
from shuanggao.db.base import Base, DemoMixin, IdMixin, TimestampMixin
from shuanggao.db.types import UTCDateTime, utcnow


class User(IdMixin, TimestampMixin, DemoMixin, Base):
    """A person who signs in. ``username`` is stored normalised (NFKC, case-folded)."""

    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    university_id: Mapped[int | None] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # AES-GCM ciphertext (base64) of the base32 TOTP secret; never shown after enrolment.
    totp_secret_enc: Mapped[str | None] = mapped_column(String(255), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    password_changed_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow
    )
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The version of the personal-information notice the person agreed to (``accounts.consent``);
    # None or an older version: the next sign-in asks first. Current state only: the history is
    # in ``consent_record``.
    privacy_notice_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The person opted out of being suggested by machine matching (PIPL 24).
    matching_opt_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Set when the person's data was anonymised at their request (the row stays for the counts).
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def actor(self, ip: str | None = None) -> Actor:
        return Actor(
            role=Role(self.role),
            user_id=self.id,
            username=self.username,
            zone_id=self.zone_id,
            university_id=self.university_id,
            enterprise_id=self.enterprise_id,
            ip=ip,
        )


class UserSession(IdMixin, Base):
    """A signed-in browser. The cookie holds the token; the table holds its SHA-256 digest.

    ``stage`` is ``full`` for a usable session, or ``totp`` while the second factor is pending
    (the password was right; nothing but the TOTP step is allowed).
    """

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stage: Mapped[str] = mapped_column(String(10), nullable=False, default="full")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ApiToken(IdMixin, Base):
    """A personal API token for programmatic use (``Authorization: Bearer sg_...``)."""

    __tablename__ = "api_token"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # The first characters of the token, shown in lists so a user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PasswordHistory(IdMixin, Base):
    """An earlier argon2id hash of a user's password (the current one is on ``User``).

    Written when a password is replaced; only the newest ``passwords.HISTORY_SIZE`` are kept.
    """

    __tablename__ = "password_history"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    # When this password stopped being the current one.
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class RecoveryCode(IdMixin, Base):
    """A single-use TOTP recovery code, stored as HMAC-SHA256(key, salt ‖ code).

    The codes are 80-bit random values (not chosen by people), so a fast keyed digest is enough,
    as for session and API tokens; the per-code salt keeps equal codes from giving equal rows,
    and the key (derived from ``Settings.secret_key``) means a database dump alone cannot be
    searched. ``used_at`` is set when the code is consumed; a used code never works again.
    """

    __tablename__ = "recovery_code"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    salt: Mapped[str] = mapped_column(String(32), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ConsentRecord(IdMixin, Base):
    """One consent decision (PIPL 14, 15): what, which notice version, when, and its withdrawal.

    ``purpose`` is ``processing`` (the notice every account accepts at first sign-in) or
    ``matching`` (being suggested by machine matching; ``granted`` False is an opt-out). A
    withdrawal sets ``withdrawn_at`` and adds the new decision as its own row.
    """

    __tablename__ = "consent_record"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    notice_version: Mapped[str] = mapped_column(String(20), nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
