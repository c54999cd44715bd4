"""The production profile: with ``SHUANGGAO_ENV=production`` the app refuses to start on unsafe
settings (checklist AUTH-07, SUP-04, AUTH-01).

Each refusal has a stable code and a one-line Chinese reason. ``shuanggao serve`` prints the
reasons and exits before starting the server; ``create_app`` raises ``UnsafeProduction`` so an
app built any other way (``uvicorn --factory``, a WSGI/ASGI host) refuses too. Checks that need
the database live in the domains, as ``<domain>/production.py`` exposing
``refusals(session) -> list[Refusal]`` (accounts: demo accounts present), listed in
``DATABASE_CHECKS`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from shuanggao.accounts import production as accounts_production
from shuanggao.config import Settings
from shuanggao.errors import AppError, ErrorCode
from shuanggao.kit.production import Refusal as Refusal

MIN_SECRET_KEY_LENGTH = 32
# Fewer distinct characters than this is a placeholder ("x" * 40), not a key.
MIN_SECRET_KEY_DISTINCT = 10
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
# libpq sslmode values that refuse a plain-text connection.
TLS_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})


# Every domain's database checks, in order.
DATABASE_CHECKS: tuple[Callable[[Session], list[Refusal]], ...] = (accounts_production.refusals,)


class UnsafeProduction(AppError):
    code = ErrorCode.UNSAFE_PRODUCTION
    status = 500
    message = "生产环境配置不安全，服务拒绝启动。"

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = refusals
        lines = "\n".join(f"- {r.reason}" for r in refusals)
        super().__init__(f"{self.message}\n{lines}", extra={"refusals": [r.code for r in refusals]})


def _secret_key(settings: Settings) -> list[Refusal]:
    key = settings.secret_key
    if not key:
        return [
            Refusal(
                "secret_key_missing",
                "未设置 SHUANGGAO_SECRET_KEY：生产环境不得使用自动生成的密钥。",
            )
        ]
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return [
            Refusal(
                "secret_key_weak",
                f"SHUANGGAO_SECRET_KEY 过弱：至少需要 {MIN_SECRET_KEY_LENGTH} 个随机字符。",
            )
        ]
    return []


def _cookies(settings: Settings) -> list[Refusal]:
    if settings.cookie_secure:
        return []
    return [
        Refusal(
            "cookie_not_secure", "未开启 SHUANGGAO_COOKIE_SECURE：会话 Cookie 必须带 Secure 标记。"
        )
    ]


def _base_url(settings: Settings) -> list[Refusal]:
    parts = urlsplit(settings.base_url)
    if parts.scheme == "https" and parts.hostname:
        return []
    return [
        Refusal("base_url_not_https", "SHUANGGAO_BASE_URL 必须是 https:// 开头的对外访问地址。")
    ]


def _database_tls(settings: Settings) -> list[Refusal]:
    try:
        url = make_url(settings.resolved_database_url())
    except ArgumentError:
        return [Refusal("database_url_invalid", "SHUANGGAO_DATABASE_URL 无法解析。")]
    if url.get_backend_name() == "sqlite":
        return []
    # libpq also takes the host from the query (``?host=``); a leading "/" is a Unix socket.
    hosts = [url.host or "", *_query_values(url.query.get("host"))]
    if all(h in LOCAL_HOSTS or h.startswith("/") for h in hosts):
        return []
    if set(_query_values(url.query.get("sslmode"))) & TLS_SSLMODES:
        return []
    return [
        Refusal(
            "database_without_tls",
            "数据库不在本机，连接必须加密："
            "请在 SHUANGGAO_DATABASE_URL 中加 sslmode=verify-full 或 require。",
        )
    ]


def _query_values(value: str | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _pi_keys(settings: Settings) -> list[Refusal]:
    from shuanggao.db.sealed import KeyConfigError, parse_keys

    try:
        keys = parse_keys(settings.pi_keys)
    except KeyConfigError as exc:
        return [Refusal("pi_keys_invalid", str(exc))]
    if not keys:
        return [
            Refusal(
                "pi_keys_missing",
                "未设置 SHUANGGAO_PI_KEYS：生产环境的个人信息加密密钥必须单独配置。",
            )
        ]
    if any(len(key) != 32 for _, key in keys):
        return [Refusal("pi_keys_invalid", "SHUANGGAO_PI_KEYS 中的每个密钥必须是 32 字节。")]
    return []


def _totp(settings: Settings) -> list[Refusal]:
    if settings.admin_totp_required:
        return []
    return [
        Refusal(
            "admin_totp_off", "SHUANGGAO_ADMIN_TOTP_REQUIRED 已关闭：管理员必须启用双因素认证。"
        )
    ]


def _demo(settings: Settings) -> list[Refusal]:
    if not settings.demo:
        return []
    return [Refusal("demo_mode_on", "SHUANGGAO_DEMO 已开启：生产环境不得运行演示模式。")]


def settings_refusals(settings: Settings) -> list[Refusal]:
    """What in ``settings`` alone makes production unsafe (empty outside production)."""
    if not settings.is_production:
        return []
    return [
        *_secret_key(settings),
        *_cookies(settings),
        *_base_url(settings),
        *_database_tls(settings),
        *_pi_keys(settings),
        *_totp(settings),
        *_demo(settings),
    ]


def database_refusals(settings: Settings, engine: Engine) -> list[Refusal]:
    """What in the database makes production unsafe (each domain's ``production.refusals``)."""
    if not settings.is_production:
        return []
    found: list[Refusal] = []
    with Session(engine) as session:
        for check_one in DATABASE_CHECKS:
            found.extend(check_one(session))
    return found


def refusals(settings: Settings, engine: Engine) -> list[Refusal]:
    found = settings_refusals(settings)
    if any(r.code.startswith("database_") for r in found):
        # Do not connect to a database the settings already refuse.
        return found
    return found + database_refusals(settings, engine)


def check(settings: Settings, engine: Engine) -> None:
    """Raise ``UnsafeProduction`` when the production profile is on and anything is unsafe."""
    found = refusals(settings, engine)
    if found:
        raise UnsafeProduction(found)
