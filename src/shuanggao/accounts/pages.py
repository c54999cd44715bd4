"""Sign-in pages: /login (password), /login/totp (second factor: a TOTP code or a recovery
code), /logout, /account/password, /account/totp (enrolment), /account/recovery-codes. After
signing in the browser goes to ``next`` (a local path) or ``/``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.accounts import repository as repo
from shuanggao.accounts import service as accounts
from shuanggao.accounts.api import clear_session_cookie, start_session
from shuanggao.accounts.install import client_ip, current_account
from shuanggao.accounts.models import User
from shuanggao.config import Settings
from shuanggao.errors import AppError, Unauthenticated
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only local paths: never another host (``//evil``), never a backslash trick."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if target.startswith(("/login", "/logout")):
        return "/"
    return target


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _limited(request: Request) -> int | None:
    """Seconds to wait when this client IP failed to sign in too often (successes never count)."""
    wait: int | None = request.app.state.login_limiter.wait(client_ip(request.scope) or "unknown")
    return wait


def _failed(request: Request) -> None:
    request.app.state.login_limiter.record(client_ip(request.scope) or "unknown")


def _login_page(
    request: Request,
    *,
    error: str = "",
    username: str = "",
    next_url: str = "/",
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "accounts/login.html",
        {"error": error, "username": username, "next": safe_next(next_url)},
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    if getattr(request.state, "actor", None) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=next)


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    if not username or not password:
        return _login_page(
            request, error="请输入用户名和密码。", username=username, next_url=next, status=422
        )
    wait = _limited(request)
    if wait is not None:
        page = _login_page(
            request,
            error=f"登录尝试过于频繁，请 {wait} 秒后再试。",
            username=username,
            next_url=next,
            status=429,
        )
        page.headers["Retry-After"] = str(wait)
        return page
    result = accounts.authenticate(
        session,
        _settings(request),
        username,
        password,
        None,
        ip=client_ip(request.scope),
        require_totp_now=False,
    )
    if result.error is not None or result.user is None:
        session.commit()  # keep the failure count, lockout and audit rows
        _failed(request)
        error = result.error or Unauthenticated()
        return _login_page(
            request, error=error.detail, username=username, next_url=next, status=error.status
        )
    response = RedirectResponse(
        f"/login/totp?next={safe_next(next)}" if result.pending_totp else safe_next(next),
        status_code=303,
    )
    start_session(
        request, response, session, result.user, stage="totp" if result.pending_totp else "full"
    )
    return response


def _pending_user(request: Request, session: SessionDep) -> User | None:
    user_id = getattr(request.state, "pending_user_id", None)
    return None if user_id is None else repo.user_by_id(session, user_id)


@router.get("/login/totp", response_class=HTMLResponse)
def totp_form(request: Request, session: SessionDep, next: str = "/") -> Response:
    if _pending_user(request, session) is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "accounts/login_totp.html", {"error": "", "next": safe_next(next)})


@router.post("/login/totp", response_class=HTMLResponse)
def totp_submit(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Form(max_length=10)] = "",
    recovery_code: Annotated[str, Form(max_length=40)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    user = _pending_user(request, session)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    wait = _limited(request)
    if wait is not None:
        return render(
            request,
            "accounts/login_totp.html",
            {"error": f"尝试过于频繁，请 {wait} 秒后再试。", "next": safe_next(next)},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    result = accounts.second_step(
        session,
        _settings(request),
        user.id,
        code,
        ip=client_ip(request.scope),
        recovery_code=recovery_code.strip() or None,
    )
    if result.error is not None or result.user is None:
        session.commit()
        _failed(request)
        error = result.error or Unauthenticated()
        if user.is_locked(accounts.now_utc()):
            token = getattr(request.state, "session_token", None)
            if token:
                accounts.end_session(session, token, actor=None)
            page = _login_page(request, error=error.detail, status=401)
            clear_session_cookie(page, _settings(request))
            return page
        return render(
            request,
            "accounts/login_totp.html",
            {"error": error.detail, "next": safe_next(next)},
            status_code=error.status,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, session, result.user)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = getattr(request.state, "session_token", None)
    if token:
        accounts.end_session(session, token, actor=getattr(request.state, "actor", None))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, _settings(request))
    add_flash(request, response, "您已安全退出。", "info")
    return response


def _me(session: SessionDep, actor_user_id: int | None) -> User:
    user = repo.user_by_id(session, actor_user_id) if actor_user_id is not None else None
    if user is None:
        raise Unauthenticated()
    return user


def _restriction(request: Request) -> str:
    account = current_account(request)
    return account.restriction if account is not None else ""


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, actor: PageActor) -> Response:
    return render(
        request,
        "accounts/password.html",
        {"errors": {}, "detail": "", "restriction": _restriction(request)},
    )


@router.post("/account/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    current_password: Annotated[str, Form(max_length=256)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
    confirm_password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    user = _me(session, actor.user_id)
    errors: dict[str, str] = {}
    if new_password != confirm_password:
        errors["confirm_password"] = "两次输入的新密码不一致"  # noqa: S105 - a field name
    if not errors:
        try:
            accounts.change_password(session, user, current_password, new_password, ip=actor.ip)
        except AppError as exc:
            errors = {("new_password" if k == "password" else k): v for k, v in exc.fields.items()}
            if not errors:
                errors["new_password"] = exc.detail
    if errors:
        return render(
            request,
            "accounts/password.html",
            {
                "errors": errors,
                "detail": "",
                "restriction": _restriction(request),
            },
            status_code=422,
        )
    accounts.end_all_sessions(session, user.id)
    request.state.session_token = None
    response = RedirectResponse("/", status_code=303)
    start_session(request, response, session, user)
    add_flash(request, response, "密码已修改。其他设备上的登录已退出。")
    return response


def _totp_context(request: Request, user: User, **extra: Any) -> dict[str, Any]:
    secret = accounts.pending_totp_secret(_settings(request), user)
    ctx: dict[str, Any] = {
        "enabled": user.totp_enabled,
        "secret": secret,
        "uri": accounts.totp_uri(user, secret) if secret else "",
        "errors": {},
        "restriction": _restriction(request),
    }
    ctx.update(extra)
    return ctx


@router.get("/account/totp", response_class=HTMLResponse)
def totp_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    user = _me(session, actor.user_id)
    return render(request, "accounts/totp.html", _totp_context(request, user))


@router.post("/account/totp", response_class=HTMLResponse)
def totp_page_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    step: Annotated[str, Form(max_length=10)] = "start",
    password: Annotated[str, Form(max_length=256)] = "",
    code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    user = _me(session, actor.user_id)
    settings = _settings(request)
    try:
        if step == "confirm":
            accounts.confirm_totp_enrolment(session, settings, user, code, ip=actor.ip)
        else:
            accounts.start_totp_enrolment(session, settings, user, password)
    except AppError as exc:
        errors = exc.fields or {"code" if step == "confirm" else "password": exc.detail}
        return render(
            request,
            "accounts/totp.html",
            _totp_context(request, user, errors=errors),
            status_code=422,
        )
    if step == "confirm":
        response = RedirectResponse("/", status_code=303)
        add_flash(request, response, "身份验证器已绑定。今后登录时需要输入动态验证码。")
        return response
    return render(request, "accounts/totp.html", _totp_context(request, user))


def _recovery_context(session: SessionDep, request: Request, user: User, **extra: Any) -> Any:
    ctx: dict[str, Any] = {
        "enabled": user.totp_enabled,
        "remaining": accounts.recovery_codes_left(session, user),
        "total": accounts.RECOVERY_CODE_COUNT,
        "codes": [],
        "errors": {},
        "restriction": _restriction(request),
    }
    ctx.update(extra)
    return ctx


@router.get("/account/recovery-codes", response_class=HTMLResponse)
def recovery_codes_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    user = _me(session, actor.user_id)
    return render(
        request, "accounts/recovery_codes.html", _recovery_context(session, request, user)
    )


@router.post("/account/recovery-codes", response_class=HTMLResponse)
def recovery_codes_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    user = _me(session, actor.user_id)
    try:
        codes = accounts.generate_recovery_codes(
            session, _settings(request), user, password, ip=actor.ip
        )
    except AppError as exc:
        errors = exc.fields or {"password": exc.detail}
        return render(
            request,
            "accounts/recovery_codes.html",
            _recovery_context(session, request, user, errors=errors),
            status_code=422,
        )
    return render(
        request,
        "accounts/recovery_codes.html",
        _recovery_context(session, request, user, codes=codes),
    )
