"""账号管理 pages for administrators: list, create, unlock, enable/disable, reset password.

Scope and permissions come from ``accounts.service`` (a zone administrator sees and creates the
enterprise users of their zone, a university administrator the people of their university, the
province everyone). Tenants are named as in the CLI: a zone or university by name, an
enterprise by its 统一社会信用代码.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from pydantic import ValidationError
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.accounts import repository as repo
from shuanggao.accounts import service as accounts
from shuanggao.accounts.schemas import UserCreate, UserUpdate
from shuanggao.actor import DUTY_ROLES, ROLE_LABELS, ROLE_TENANT, Actor, Role
from shuanggao.errors import AppError
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MANAGERS = frozenset(
    {Role.SECURITY_ADMIN, Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}
)
TENANT_LABELS = {"zone": "所属高新区", "university": "所属高校", "enterprise": "所属企业"}


def creatable_roles(actor: Actor) -> list[Role]:
    if actor.role is Role.SECURITY_ADMIN:
        return list(Role)
    if actor.role is Role.PROVINCE_ADMIN:
        return [r for r in Role if r not in DUTY_ROLES]
    if actor.role is Role.ZONE_ADMIN:
        return [Role.ENTERPRISE_USER]
    if actor.role is Role.UNIVERSITY_ADMIN:
        return [Role.RESEARCHER, Role.STUDENT, Role.MENTOR]
    return []


def _tenant_names(session: SessionDep, users: list[Any]) -> dict[int, str]:
    names = repo.all_tenant_names(session)
    out: dict[int, str] = {}
    for u in users:
        kind = ROLE_TENANT[Role(u.role)]
        tenant_id = getattr(u, f"{kind}_id") if kind else None
        out[u.id] = names.get((kind, tenant_id), "—") if kind and tenant_id else "全省"
    return out


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    q: Annotated[str | None, Query(max_length=100)] = None,
    role: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    users, total = accounts.list_users(
        session, actor, q=q or None, role=role or None, page=page, page_size=PAGE_SIZE
    )
    now = accounts.now_utc()
    return render(
        request,
        "accounts/users.html",
        {
            "users": [accounts.user_read(u, now) for u in users],
            "tenants": _tenant_names(session, users),
            "total": total,
            "page": page,
            "page_size": PAGE_SIZE,
            "q": q or "",
            "role": role or "",
            "roles": [(r.value, ROLE_LABELS[r]) for r in creatable_roles(actor)],
            "self_id": actor.user_id,
            "breadcrumbs": [("账号管理", None)],
        },
    )


def _new_form(
    request: Request,
    actor: Actor,
    values: dict[str, str],
    errors: dict[str, str],
    detail: str = "",
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "accounts/user_new.html",
        {
            "values": values,
            "errors": errors,
            "detail": detail,
            "roles": [(r.value, ROLE_LABELS[r]) for r in creatable_roles(actor)],
            "tenant_labels": TENANT_LABELS,
            "fixed_university": actor.role is Role.UNIVERSITY_ADMIN,
            "breadcrumbs": [("账号管理", "/users"), ("新增账号", None)],
        },
        status_code=status,
    )


@router.get("/users/new", response_class=HTMLResponse)
def new_user_form(request: Request, actor: PageActor) -> Response:
    if not creatable_roles(actor):
        return RedirectResponse("/", status_code=303)
    return _new_form(request, actor, {}, {})


@router.post("/users/new", response_class=HTMLResponse)
def new_user_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    username: Annotated[str, Form(max_length=60)] = "",
    display_name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    zone: Annotated[str, Form(max_length=100)] = "",
    university: Annotated[str, Form(max_length=200)] = "",
    enterprise: Annotated[str, Form(max_length=30)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    values = {
        "username": username,
        "display_name": display_name,
        "role": role,
        "zone": zone,
        "university": university,
        "enterprise": enterprise,
    }
    errors: dict[str, str] = {}
    tenant: dict[str, int | None] = {}
    if actor.role is Role.UNIVERSITY_ADMIN:
        tenant["university_id"] = actor.university_id
    elif university.strip():
        tenant["university_id"] = repo.university_by_name(session, university)
        if tenant["university_id"] is None:
            errors["university"] = f"找不到名为“{university.strip()}”的高校"
    if zone.strip():
        tenant["zone_id"] = repo.zone_by_name(session, zone)
        if tenant["zone_id"] is None:
            errors["zone"] = f"找不到名为“{zone.strip()}”的高新区"
    if enterprise.strip():
        tenant["enterprise_id"] = repo.enterprise_by_credit_code(
            session, enterprise.strip().upper()
        )
        if tenant["enterprise_id"] is None:
            errors["enterprise"] = f"找不到统一社会信用代码为“{enterprise.strip()}”的企业"
    if not errors:
        try:
            data = UserCreate(
                username=username,
                display_name=display_name,
                role=role,  # type: ignore[arg-type]
                password=password,
                must_change_password=True,
                **tenant,
            )
            user = accounts.create_user(session, actor, data)
        except ValidationError as exc:
            errors = {str(e["loc"][0]): _pydantic_message(e) for e in exc.errors() if e["loc"]}
        except AppError as exc:
            errors = {_form_field(k): v for k, v in exc.fields.items()}
            if not errors:
                return _new_form(request, actor, values, {}, exc.detail, exc.status)
    if errors:
        return _new_form(request, actor, values, errors, status=422)
    response = RedirectResponse("/users", status_code=303)
    add_flash(
        request,
        response,
        f"已新增账号 {user.username}。请把初始密码告知本人，首次登录时须修改密码。",
    )
    return response


def _form_field(name: str) -> str:
    return {"zone_id": "zone", "university_id": "university", "enterprise_id": "enterprise"}.get(
        name, name
    )


def _pydantic_message(error: Any) -> str:
    kind = error.get("type", "")
    if kind in ("missing", "string_too_short"):
        return "必填或过短"
    if kind == "enum":
        return "请选择角色"
    return "格式不正确"


@router.post("/users/{user_id}/unlock")
def unlock(user_id: int, request: Request, session: SessionDep, actor: PageActor) -> Response:
    user = accounts.unlock_user(session, actor, user_id)
    response = RedirectResponse("/users", status_code=303)
    add_flash(request, response, f"已解锁 {user.username}。")
    return response


@router.post("/users/{user_id}/active")
def set_active(
    user_id: int,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    active: Annotated[str, Form(max_length=5)] = "false",
) -> Response:
    enable = active == "true"
    user = accounts.update_user(session, actor, user_id, UserUpdate(is_active=enable))
    response = RedirectResponse("/users", status_code=303)
    add_flash(request, response, f"已{'启用' if enable else '停用'} {user.username}。")
    return response


@router.get("/users/{user_id}/password", response_class=HTMLResponse)
def reset_form(user_id: int, request: Request, session: SessionDep, actor: PageActor) -> Response:
    user = accounts.get_user(session, actor, user_id)
    return render(
        request,
        "accounts/user_password.html",
        {
            "target": accounts.user_read(user),
            "errors": {},
            "breadcrumbs": [("账号管理", "/users"), ("重置密码", None)],
        },
    )


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
def reset_submit(
    user_id: int,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    new_password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    user = accounts.get_user(session, actor, user_id)
    try:
        accounts.reset_password(session, actor, user_id, new_password)
    except AppError as exc:
        return render(
            request,
            "accounts/user_password.html",
            {
                "target": accounts.user_read(user),
                "errors": {"new_password": exc.fields.get("password", exc.detail)},
                "breadcrumbs": [("账号管理", "/users"), ("重置密码", None)],
            },
            status_code=422,
        )
    response = RedirectResponse("/users", status_code=303)
    add_flash(request, response, f"已重置 {user.username} 的密码，其首次登录时须修改。")
    return response
