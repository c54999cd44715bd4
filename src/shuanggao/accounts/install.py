"""Wire accounts into the app: who is signed in, CSRF, forced steps, and security headers.

``install(app)`` (called by ``create_app``) adds two ASGI middlewares:

- ``AccountsMiddleware`` resolves the session cookie, or an ``Authorization: Bearer sg_...``
  personal API token, to ``request.state.actor`` (an ``Actor`` with ``ip`` set);
  ``shuanggao.kit.http.deps`` turns a missing actor into 401. It also enforces CSRF on every unsafe
  request (POST/PUT/PATCH/DELETE) that a session cookie authenticates: the request must carry
  the session's token in the ``X-CSRF-Token`` header or a ``csrf_token`` form field (bearer
  requests are exempt; cookie-less unsafe requests from another origin are refused). Accounts
  that must first change their password or enrol TOTP can reach nothing else.
- ``SecurityHeadersMiddleware`` adds CSP, frame, content-type, referrer and permissions
  headers to every response (HSTS when ``Settings.cookie_secure``), and ``no-store`` on API and
  signed-in responses.

Templates use ``csrf_token(request)`` (a hidden ``<input name="csrf_token">`` in each form, or
``hx-headers='{"X-CSRF-Token": "..."}'`` for htmx) and ``current_account(request)``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuanggao.accounts import crypto
from shuanggao.accounts import service as accounts
from shuanggao.accounts.errors import (
    ConsentRequired,
    CsrfFailed,
    PasswordChangeRequired,
    TotpEnrolmentRequired,
)
from shuanggao.accounts.ratelimit import SlidingWindowLimiter
from shuanggao.actor import ROLE_LABELS, Actor, Role
from shuanggao.audit.guard import ensure_append_only
from shuanggao.config import Settings
from shuanggao.db.session import session_scope
from shuanggao.errors import AppError, DatabaseBusy, Forbidden, Unauthenticated
from shuanggao.kit.http.csrf import CSRF_FIELD, CSRF_HEADER, csrf_token
from shuanggao.kit.http.errors import render_error, wants_json
from shuanggao.kit.http.nav import security_admin_may_reach

log = logging.getLogger("shuanggao.accounts")

STATIC_PREFIX = "/static/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Paths an account that must change its password or enrol TOTP may still use.
RESTRICTED_ALLOWED = ("/api/v1/auth/", "/account/", "/static/", "/login", "/logout")
PASSWORD_PAGE = "/account/password"  # noqa: S105 - a URL path
TOTP_PAGE = "/account/totp"
CONSENT_PAGE = "/account/consent"
RESTRICTION_PAGES = {"password": PASSWORD_PAGE, "totp": TOTP_PAGE, "consent": CONSENT_PAGE}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def cookie_name(settings: Settings) -> str:
    """``__Host-`` prefixed when cookies are Secure (it requires Secure, Path=/ and no Domain)."""
    return "__Host-sg_session" if settings.cookie_secure else "sg_session"


@dataclass(frozen=True)
class Account:
    """What the pages need to know about the signed-in user (no secrets)."""

    user_id: int
    username: str
    display_name: str
    role: Role
    restriction: str  # "", "password" or "totp"
    totp_enabled: bool
    method: str  # "session" or "token"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True)
class _Resolution:
    account: Account | None = None
    actor: Actor | None = None
    pending_user_id: int | None = None  # password accepted, TOTP step pending
    session_token: str | None = None
    bad_cookie: bool = False
    bad_bearer: bool = False


def current_account(request: Request) -> Account | None:
    account: Account | None = getattr(request.state, "account", None)
    return account


def client_ip(scope: Scope) -> str | None:
    """The peer address. X-Forwarded-For is not trusted (no proxy is configured as trusted)."""
    client = scope.get("client")
    return str(client[0]) if client else None


def _resolve(
    factory: sessionmaker[Session],
    settings: Settings,
    cookie: str | None,
    bearer: str | None,
    ip: str | None,
) -> _Resolution:
    try:
        with session_scope(factory) as session:
            return _resolve_in(session, settings, cookie, bearer, ip)
    except DatabaseBusy:
        # Touching the session (``last_seen_at``) after reading: SQLite refuses that late write
        # at once when another writer committed in between. Queue for the write lock and retry.
        with session_scope(factory, write=True) as session:
            return _resolve_in(session, settings, cookie, bearer, ip)


def _resolve_in(
    session: Session, settings: Settings, cookie: str | None, bearer: str | None, ip: str | None
) -> _Resolution:
    now = accounts.now_utc()
    if bearer is not None:
        user = accounts.resolve_api_token(session, bearer, now)
        if user is None:
            return _Resolution(bad_bearer=True)
        return _Resolution(account=_account(settings, user, "token", now), actor=user.actor(ip))
    if not cookie:
        return _Resolution()
    found = accounts.resolve_session(session, settings, cookie, now)
    if found is None:
        return _Resolution(bad_cookie=True)
    if found.stage == "totp":
        return _Resolution(pending_user_id=found.user.id, session_token=cookie)
    return _Resolution(
        account=_account(settings, found.user, "session", now),
        actor=found.user.actor(ip),
        session_token=cookie,
    )


def _account(settings: Settings, user: Any, method: str, now: Any) -> Account:
    return Account(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        restriction=accounts.restriction_of(settings, user, now),
        totp_enabled=user.totp_enabled,
        method=method,
    )


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def _same_origin(request: Request) -> bool:
    """Cookie-less unsafe requests: refuse those a browser marks as coming from another site.

    Browsers send ``Sec-Fetch-Site``; when they do, it decides. Otherwise a present ``Origin``
    must name this host (a reverse proxy must pass the original ``Host`` header).
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "same-site", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _error(request: Request, exc: AppError, headers: dict[str, str] | None = None) -> Response:
    response = render_error(request, exc.status, exc.to_dict())
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _wants_html(request: Request) -> bool:
    return not wants_json(request)


class AccountsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(STATIC_PREFIX):
            # Static files carry nobody's data: no session lookup (no database hit) for them.
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        app: FastAPI = scope["app"]
        settings: Settings = app.state.settings
        name = cookie_name(settings)
        cookie = request.cookies.get(name)
        bearer = _bearer(request)
        ip = client_ip(scope)
        if bearer is None and not cookie:
            # Nothing to resolve (as ``_resolve_in`` answers): no unit of work, no thread hop.
            res = _Resolution()
        else:
            try:
                res = await run_in_threadpool(
                    _resolve, app.state.session_factory, settings, cookie, bearer, ip
                )
            except AppError as busy:  # a busy database (503), never a 500
                await _error(request, busy, dict(busy.headers))(scope, receive, send)
                return
        state = scope.setdefault("state", {})
        if res.bad_bearer:
            await _error(request, Unauthenticated("API 令牌无效、已过期或已吊销。"))(
                scope, receive, send
            )
            return
        if res.actor is not None:
            state["actor"] = res.actor
            state["account"] = res.account
        if res.pending_user_id is not None:
            state["pending_user_id"] = res.pending_user_id
        if res.session_token is not None:
            state["session_token"] = res.session_token
            state["csrf_token"] = crypto.csrf_for(settings.resolved_secret_key(), res.session_token)

        if request.method in UNSAFE_METHODS:
            if res.session_token is not None:
                ok, receive = await self._check_csrf(request, scope, receive, state["csrf_token"])
                if not ok:
                    await _error(request, CsrfFailed())(scope, receive, send)
                    return
            elif res.account is None and not _same_origin(request):
                await _error(request, CsrfFailed())(scope, receive, send)
                return

        account = res.account
        if account is not None and account.restriction:
            path = request.url.path
            if not path.startswith(RESTRICTED_ALLOWED):
                if request.method == "GET" and _wants_html(request):
                    target = RESTRICTION_PAGES[account.restriction]
                    if account.restriction == "consent" and path != "/":
                        target += "?" + urlencode({"next": path})
                    await RedirectResponse(target, status_code=303)(scope, receive, send)
                    return
                exc: AppError = {
                    "password": PasswordChangeRequired,
                    "totp": TotpEnrolmentRequired,
                    "consent": ConsentRequired,
                }[account.restriction]()
                await _error(request, exc)(scope, receive, send)
                return
        if (
            account is not None
            and account.role is Role.SECURITY_ADMIN
            and not security_admin_may_reach(request.url.path)
        ):
            await _error(request, Forbidden("安全管理员只管理账号与安全设置，不能访问业务数据。"))(
                scope, receive, send
            )
            return

        if res.bad_cookie:
            send = _clearing_cookie(send, settings)
        await self.app(scope, receive, send)

    async def _check_csrf(
        self, request: Request, scope: Scope, receive: Receive, expected: str
    ) -> tuple[bool, Receive]:
        given = request.headers.get(CSRF_HEADER)
        if given:
            return crypto.same(given, expected), receive
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            return False, receive
        app: FastAPI = scope["app"]
        limit = int(app.state.settings.max_upload_bytes) + 1024 * 1024
        body = await _read_body(receive, limit)
        if body is None:
            return False, receive
        form_request = Request(scope, _replay(body, receive))
        try:
            form = await form_request.form()
            value = form.get(CSRF_FIELD)
            await form.close()
        except Exception:  # a malformed body: the endpoint reports it; CSRF simply fails
            return False, _replay(body, receive)
        ok = isinstance(value, str) and crypto.same(value, expected)
        return ok, _replay(body, receive)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _clearing_cookie(send: Send, settings: Settings) -> Send:
    """Expire a stale session cookie on the way out (unless the endpoint set a new one)."""
    probe = Response()
    probe.delete_cookie(
        cookie_name(settings),
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    clear = probe.headers["set-cookie"]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if "set-cookie" not in headers:
                headers.append("set-cookie", clear)
        await send(message)

    return wrapped


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        app: FastAPI = scope["app"]
        secure = bool(app.state.settings.cookie_secure)
        path: str = scope.get("path", "")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                if secure:
                    headers["strict-transport-security"] = HSTS
                state = scope.get("state", {})
                signed_in = state.get("actor") is not None or "session_token" in state
                if "cache-control" not in headers and (signed_in or path.startswith("/api/")):
                    headers["cache-control"] = "no-store"
                if "server" in headers:
                    del headers["server"]
            await send(message)

        await self.app(scope, receive, wrapped)


def _out_of_range(exc: BaseException) -> bool:
    """An integer the database cannot hold (SQLite: OverflowError; PostgreSQL: 22003)."""
    if isinstance(exc, OverflowError):
        return True
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "22003"


def install_range_guard(app: FastAPI) -> None:
    """An id beyond the database's integer range names no record: answer 404, not 500.

    Path and query integers are unbounded in the API; rather than every endpoint bounding its
    ids, a value the database cannot even compare is reported as ``not_found``.
    """
    from sqlalchemy.exc import DBAPIError

    from shuanggao.errors import NotFound

    async def handler(request: Request, exc: Exception) -> Response:
        if not _out_of_range(exc):
            raise exc
        return _error(request, NotFound())

    app.add_exception_handler(OverflowError, handler)
    app.add_exception_handler(DBAPIError, handler)


def install(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    app.state.login_limiter = SlidingWindowLimiter(
        settings.login_rate_limit, settings.login_rate_window_seconds
    )
    app.state.csrf_token = csrf_token
    app.state.current_account = current_account
    ensure_append_only(app.state.engine)
    install_range_guard(app)
    app.add_middleware(AccountsMiddleware)
    # Added last, so it is outermost: headers go on every response, errors included.
    app.add_middleware(SecurityHeadersMiddleware)
