"""JSON API of accounts: sign-in/out, the current user, password, TOTP, API tokens, users.

Mounted under ``/api/v1`` by ``create_app``. Sign-in sets the session cookie (HttpOnly,
SameSite=Lax, Secure when ``Settings.cookie_secure``) and returns the CSRF token that every
later unsafe request must send as ``X-CSRF-Token``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shuanggao.accounts import crypto
from shuanggao.accounts import repository as repo
from shuanggao.accounts import service as accounts
from shuanggao.accounts.errors import RateLimited
from shuanggao.accounts.install import client_ip, cookie_name
from shuanggao.accounts.models import User
from shuanggao.accounts.schemas import (
    LoginIn,
    PasswordChangeIn,
    PasswordResetIn,
    RecoveryCodesIn,
    RecoveryCodesOut,
    RecoveryCodesStatus,
    SessionOut,
    TokenCreate,
    TokenCreated,
    TokenRead,
    TotpCodeIn,
    TotpEnrolIn,
    TotpEnrolOut,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from shuanggao.config import Settings
from shuanggao.errors import Unauthenticated
from shuanggao.kit.http.deps import ActorDep, SessionDep

router = APIRouter(tags=["账号与登录"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        cookie_name(settings),
        token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
        max_age=settings.session_absolute_hours * 3600,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(settings),
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def _limiter_key(request: Request) -> str:
    return client_ip(request.scope) or "unknown"


def record_failed_sign_in(request: Request) -> None:
    """Count a failed sign-in of this client IP towards its limit (successes never count)."""
    request.app.state.login_limiter.record(_limiter_key(request))


def rate_limited(request: Request) -> Response | None:
    """429 with Retry-After when this client IP failed to sign in too often."""
    wait = request.app.state.login_limiter.wait(_limiter_key(request))
    if wait is None:
        return None
    exc = RateLimited(extra={"retry_after": wait})
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers={"Retry-After": str(wait)})


def session_out(settings: Settings, user: User, token: str | None) -> SessionOut:
    now = accounts.now_utc()
    csrf = crypto.csrf_for(settings.resolved_secret_key(), token) if token else ""
    return SessionOut(
        user=accounts.user_read(user, now),
        csrf_token=csrf,
        restriction=accounts.restriction_of(settings, user, now),
    )


def start_session(
    request: Request, response: Response, session: Session, user: User, *, stage: str = "full"
) -> str:
    """Rotate: end the session the request came with (if any), open a new one, set the cookie."""
    settings = _settings(request)
    old = getattr(request.state, "session_token", None)
    if old:
        accounts.end_session(session, old, actor=None)
    token = accounts.create_session(
        session,
        settings,
        user,
        ip=client_ip(request.scope),
        user_agent=request.headers.get("user-agent"),
        stage=stage,
    )
    set_session_cookie(response, settings, token)
    return token


def current_user(session: Session, actor_user_id: int | None) -> User:
    user = repo.user_by_id(session, actor_user_id) if actor_user_id is not None else None
    if user is None or not user.is_active:
        raise Unauthenticated()
    return user


@router.post(
    "/auth/login",
    response_model=SessionOut,
    summary="登录",
    responses={401: {"description": "用户名或密码错误"}, 429: {"description": "尝试过于频繁"}},
)
def login(payload: LoginIn, request: Request, response: Response, session: SessionDep) -> object:
    limited = rate_limited(request)
    if limited is not None:
        return limited
    settings = _settings(request)
    result = accounts.authenticate(
        session,
        settings,
        payload.username,
        payload.password,
        payload.totp,
        ip=client_ip(request.scope),
        recovery_code=payload.recovery_code,
    )
    if result.error is not None or result.user is None:
        session.commit()  # keep the failure count, lockout and audit rows
        record_failed_sign_in(request)
        raise result.error or Unauthenticated()
    token = start_session(request, response, session, result.user)
    return session_out(settings, result.user, token)


@router.post("/auth/logout", status_code=204, summary="退出登录")
def logout(request: Request, session: SessionDep) -> Response:
    settings = _settings(request)
    token = getattr(request.state, "session_token", None)
    actor = getattr(request.state, "actor", None)
    if token:
        accounts.end_session(session, token, actor=actor)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get("/auth/me", response_model=SessionOut, summary="当前用户")
def me(request: Request, session: SessionDep, actor: ActorDep) -> SessionOut:
    user = current_user(session, actor.user_id)
    return session_out(_settings(request), user, getattr(request.state, "session_token", None))


@router.post("/auth/password", response_model=SessionOut, summary="修改本人密码")
def change_password(
    payload: PasswordChangeIn,
    request: Request,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
) -> SessionOut:
    user = current_user(session, actor.user_id)
    accounts.change_password(
        session, user, payload.current_password, payload.new_password, ip=actor.ip
    )
    accounts.end_all_sessions(session, user.id)
    token: str | None = None
    if getattr(request.state, "session_token", None):
        request.state.session_token = None
        token = start_session(request, response, session, user)
    return session_out(_settings(request), user, token)


@router.post("/auth/totp/enrol", response_model=TotpEnrolOut, summary="开始绑定身份验证器")
def totp_enrol(
    payload: TotpEnrolIn, request: Request, session: SessionDep, actor: ActorDep
) -> TotpEnrolOut:
    user = current_user(session, actor.user_id)
    secret, uri = accounts.start_totp_enrolment(session, _settings(request), user, payload.password)
    return TotpEnrolOut(secret=secret, otpauth_uri=uri)


@router.post("/auth/totp/confirm", response_model=SessionOut, summary="确认绑定身份验证器")
def totp_confirm(
    payload: TotpCodeIn, request: Request, session: SessionDep, actor: ActorDep
) -> SessionOut:
    settings = _settings(request)
    user = current_user(session, actor.user_id)
    accounts.confirm_totp_enrolment(session, settings, user, payload.code, ip=actor.ip)
    return session_out(settings, user, getattr(request.state, "session_token", None))


@router.get("/auth/recovery-codes", response_model=RecoveryCodesStatus, summary="恢复码剩余数量")
def recovery_codes_status(session: SessionDep, actor: ActorDep) -> RecoveryCodesStatus:
    user = current_user(session, actor.user_id)
    return RecoveryCodesStatus(
        totp_enabled=user.totp_enabled, remaining=accounts.recovery_codes_left(session, user)
    )


@router.post(
    "/auth/recovery-codes",
    response_model=RecoveryCodesOut,
    status_code=201,
    summary="生成恢复码（原有恢复码作废）",
)
def recovery_codes_generate(
    payload: RecoveryCodesIn, request: Request, session: SessionDep, actor: ActorDep
) -> RecoveryCodesOut:
    user = current_user(session, actor.user_id)
    codes = accounts.generate_recovery_codes(
        session, _settings(request), user, payload.password, ip=actor.ip
    )
    return RecoveryCodesOut(totp_enabled=True, remaining=len(codes), codes=codes)


@router.get("/auth/tokens", response_model=list[TokenRead], summary="我的 API 令牌")
def list_tokens(session: SessionDep, actor: ActorDep) -> list[TokenRead]:
    user = current_user(session, actor.user_id)
    return [TokenRead.model_validate(t) for t in repo.tokens_of(session, user.id)]


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201, summary="创建 API 令牌")
def create_token(payload: TokenCreate, session: SessionDep, actor: ActorDep) -> TokenCreated:
    user = current_user(session, actor.user_id)
    token, raw = accounts.create_api_token(
        session, user, payload.name, payload.expires_days, ip=actor.ip
    )
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=raw)


@router.delete("/auth/tokens/{token_id}", status_code=204, summary="吊销 API 令牌")
def revoke_token(token_id: int, session: SessionDep, actor: ActorDep) -> Response:
    user = current_user(session, actor.user_id)
    accounts.revoke_api_token(session, user, token_id, ip=actor.ip)
    return Response(status_code=204)


@router.get("/users", response_model=UserPage, summary="账号列表")
def list_users(
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    role: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserPage:
    users, total = accounts.list_users(
        session, actor, q=q, role=role, page=page, page_size=page_size
    )
    now = accounts.now_utc()
    return UserPage(
        items=[accounts.user_read(u, now) for u in users],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.post("/users", response_model=UserRead, status_code=201, summary="新增账号")
def create_user(payload: UserCreate, session: SessionDep, actor: ActorDep) -> UserRead:
    return accounts.user_read(accounts.create_user(session, actor, payload))


@router.get("/users/{user_id}", response_model=UserRead, summary="查看账号")
def get_user(user_id: int, session: SessionDep, actor: ActorDep) -> UserRead:
    return accounts.user_read(accounts.get_user(session, actor, user_id))


@router.patch("/users/{user_id}", response_model=UserRead, summary="修改账号（角色、单位、启用）")
def update_user(
    user_id: int, payload: UserUpdate, session: SessionDep, actor: ActorDep
) -> UserRead:
    return accounts.user_read(accounts.update_user(session, actor, user_id, payload))


@router.post("/users/{user_id}/unlock", response_model=UserRead, summary="解锁账号")
def unlock_user(user_id: int, session: SessionDep, actor: ActorDep) -> UserRead:
    return accounts.user_read(accounts.unlock_user(session, actor, user_id))


@router.post("/users/{user_id}/password", response_model=UserRead, summary="重置账号密码")
def reset_password(
    user_id: int, payload: PasswordResetIn, session: SessionDep, actor: ActorDep
) -> UserRead:
    return accounts.user_read(
        accounts.reset_password(session, actor, user_id, payload.new_password)
    )
