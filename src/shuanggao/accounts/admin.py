"""User administration: who may manage whom, list, create, update, unlock, reset passwords.

Who administers whom (decision, documented in docs/accounts.md):

- 安全管理员 (三权分立) manages every account: it alone creates or changes accounts holding a
  duty role (省级管理员, 安全管理员, 审计员), changes roles, unlocks accounts and resets TOTP. It
  reads no programme data.
- 省级管理员 manages every programme account (not the duty roles): create, enable/disable, reset
  passwords.
- 高新区管理员 creates and manages 企业用户 of enterprises in their own zone.
- 高校管理员 creates and manages 科研人员 / 学生 / 导师 of their own university.
- Everyone else manages no account (only their own password, TOTP and API tokens).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import (
    UNIVERSITY_PEOPLE,
    _snapshot,
    normalise_username,
    now_utc,
    valid_username,
)
from shuanggao.accounts.models import User, UserSession
from shuanggao.accounts.password_changes import (
    _check_not_reused,
    _revoke_tokens,
    _set_password,
    _tenant_names,
    password_context,
)
from shuanggao.accounts.schemas import UserCreate, UserUpdate
from shuanggao.accounts.sessions import end_all_sessions
from shuanggao.actor import DUTY_ROLES, ROLE_LABELS, ROLE_TENANT, Actor, Role
from shuanggao.audit import service as audit
from shuanggao.errors import Duplicate, Forbidden, NotFound, ValidationFailed


def _tenant_kind(role: Role) -> str | None:
    return ROLE_TENANT[role]


def _check_tenant(session: Session, role: Role, values: Mapping[str, Any]) -> None:
    """The role's tenant must be given and exist; the other tenant fields must be empty."""
    from shuanggao.enterprises.models import Enterprise
    from shuanggao.universities.models import University
    from shuanggao.zones.models import Zone

    models: dict[str, tuple[str, type[Any], str]] = {
        "zone": ("zone_id", Zone, "所属高新区"),
        "university": ("university_id", University, "所属高校"),
        "enterprise": ("enterprise_id", Enterprise, "所属企业"),
    }
    kind = _tenant_kind(role)
    fields: dict[str, str] = {}
    for k, (field, model, label) in models.items():
        value = values.get(field)
        if k == kind:
            if value is None:
                fields[field] = f"{ROLE_LABELS[role]}必须指定{label}"
            elif session.get(model, value) is None:
                fields[field] = f"{label}不存在"
        elif value is not None:
            fields[field] = f"{ROLE_LABELS[role]}不能指定{label}"
    if fields:
        raise ValidationFailed(fields=fields)


def _enterprise_zone(session: Session, enterprise_id: int | None) -> int | None:
    from shuanggao.enterprises.models import Enterprise

    if enterprise_id is None:
        return None
    ent = session.get(Enterprise, enterprise_id)
    return None if ent is None else ent.zone_id


def may_manage(session: Session, actor: Actor, role: Role, values: Mapping[str, Any]) -> bool:
    """May ``actor`` hold an account with this role and tenant under their administration?"""
    if actor.is_system or actor.role is Role.SECURITY_ADMIN:
        return True
    if actor.role is Role.PROVINCE_ADMIN:
        return role not in DUTY_ROLES
    if actor.role is Role.ZONE_ADMIN:
        return (
            role is Role.ENTERPRISE_USER
            and actor.zone_id is not None
            and _enterprise_zone(session, values.get("enterprise_id")) == actor.zone_id
        )
    if actor.role is Role.UNIVERSITY_ADMIN:
        return (
            role in UNIVERSITY_PEOPLE
            and actor.university_id is not None
            and values.get("university_id") == actor.university_id
        )
    return False


def manage_scope(actor: Actor) -> ColumnElement[bool] | None:
    """Which accounts an actor sees in user administration (None: all)."""
    from shuanggao.enterprises.models import Enterprise

    if actor.is_system or actor.role is Role.SECURITY_ADMIN:
        return None
    if actor.role is Role.PROVINCE_ADMIN:
        return User.role.not_in([r.value for r in DUTY_ROLES])
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        in_zone = select(Enterprise.id).where(Enterprise.zone_id == actor.zone_id)
        return and_(User.role == Role.ENTERPRISE_USER.value, User.enterprise_id.in_(in_zone))
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        return and_(
            User.role.in_([r.value for r in UNIVERSITY_PEOPLE]),
            User.university_id == actor.university_id,
        )
    return false()


ACCOUNT_MANAGERS = frozenset(
    {Role.SECURITY_ADMIN, Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}
)


def _require_admin(actor: Actor) -> None:
    if actor.role not in ACCOUNT_MANAGERS and not actor.is_system:
        raise Forbidden("您没有管理账号的权限。")


def _require_security(actor: Actor, what: str) -> None:
    """Roles, locks and authenticators are the security administrator's (三权分立)."""
    if not actor.is_system and actor.role is not Role.SECURITY_ADMIN:
        raise Forbidden(f"只有安全管理员可以{what}。")


def list_users(
    session: Session,
    actor: Actor,
    *,
    q: str | None = None,
    role: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[User], int]:
    _require_admin(actor)
    page = max(page, 1)
    page_size = min(max(page_size, 1), 200)
    return repo.list_users(
        session, manage_scope(actor), q=q, role=role, page=page, page_size=page_size
    )


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    _require_admin(actor)
    user = repo.user_by_id(session, user_id, manage_scope(actor))
    if user is None:
        raise NotFound()
    return user


def create_user(
    session: Session,
    actor: Actor,
    data: UserCreate,
    *,
    is_demo: bool = False,
) -> User:
    """Create an account. The CLI passes ``Actor.system`` (province rights)."""
    if not actor.is_system:
        _require_admin(actor)
    values = data.model_dump()
    if not may_manage(session, actor, data.role, values):
        raise Forbidden("您不能创建该角色或该单位的账号。")
    name = normalise_username(data.username)
    if not valid_username(name):
        raise ValidationFailed(
            fields={"username": "用户名须为 3–60 个字母、数字、汉字或 . _ - @ 字符"}
        )
    _check_tenant(session, data.role, values)
    context = [
        data.display_name,
        *_tenant_names(session, data.zone_id, data.university_id, data.enterprise_id),
    ]
    passwords.check_policy(data.password, name, context)
    if repo.user_by_username(session, name) is not None:
        raise Duplicate(f"用户名“{name}”已被使用。", fields={"username": "用户名已被使用"})
    moment = now_utc()
    user = User(
        username=name,
        display_name=data.display_name.strip() or name,
        role=data.role.value,
        zone_id=data.zone_id,
        university_id=data.university_id,
        enterprise_id=data.enterprise_id,
        password_hash=passwords.hash_password(data.password),
        is_active=True,
        failed_count=0,
        password_changed_at=moment,
        must_change_password=data.must_change_password,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "users",
        user.id,
        summary=f"新增账号：{user.username}（{ROLE_LABELS[data.role]}）",
        after=_snapshot(user),
    )
    audit.record(
        session,
        actor,
        "permission",
        "users",
        user.id,
        summary=f"授予角色：{user.username} → {ROLE_LABELS[data.role]}",
        before=None,
        after={k: v for k, v in _snapshot(user).items() if k.endswith("_id") or k == "role"},
    )
    return user


def update_user(session: Session, actor: Actor, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, actor, user_id)
    changes = data.model_dump(exclude_unset=True)
    reset_totp = bool(changes.pop("reset_totp", False))
    before = _snapshot(user)
    role = Role(changes.get("role") or user.role)
    if role is not Role(user.role):
        _require_security(actor, "修改账号的角色")
    if reset_totp:
        _require_security(actor, "重置身份验证器")
    tenant_fields = ("zone_id", "university_id", "enterprise_id")
    tenant_touched = "role" in changes or any(f in changes for f in tenant_fields)
    merged: dict[str, Any] = {f: changes.get(f, getattr(user, f)) for f in tenant_fields}
    if "role" in changes:
        # A new role starts from its own tenant fields only.
        kind = _tenant_kind(role)
        merged = {f: (merged[f] if f == f"{kind}_id" else changes.get(f)) for f in tenant_fields}
    if tenant_touched:
        if not may_manage(session, actor, role, merged):
            raise Forbidden("您不能把账号改为该角色或该单位。")
        _check_tenant(session, role, merged)
    if user.id == actor.user_id and (
        changes.get("is_active") is False or ("role" in changes and role is not Role(user.role))
    ):
        raise Forbidden("您不能停用自己的账号或修改自己的角色。")
    if "display_name" in changes and changes["display_name"] is not None:
        user.display_name = changes["display_name"].strip() or user.username
    if tenant_touched:
        user.role = role.value
        for f in tenant_fields:
            setattr(user, f, merged[f])
    if changes.get("is_active") is not None:
        user.is_active = bool(changes["is_active"])
    if changes.get("must_change_password") is not None:
        user.must_change_password = bool(changes["must_change_password"])
    if reset_totp:
        user.totp_enabled = False
        user.totp_secret_enc = None
        user.totp_last_step = None
        # Recovery codes belong to the removed authenticator.
        repo.delete_recovery_codes(session, user.id)
    after = _snapshot(user)
    diff_before = {k: before[k] for k in after if before[k] != after[k]}
    diff_after = {k: after[k] for k in diff_before}
    if diff_before:
        privilege = {
            "role",
            "zone_id",
            "university_id",
            "enterprise_id",
            "is_active",
            "totp_enabled",
        }
        action = "permission" if privilege & set(diff_before) else "update"
        audit.record(
            session,
            actor,
            action,
            "users",
            user.id,
            summary=f"修改账号：{user.username}",
            before=diff_before,
            after=diff_after,
        )
        if privilege & set(diff_before):
            # A changed role, tenant or activation ends the user's sessions and API tokens.
            end_all_sessions(session, user.id)
            _revoke_tokens(session, user, now_utc())
    session.flush()
    return user


def unlock_user(session: Session, actor: Actor, user_id: int) -> User:
    _require_security(actor, "解锁账号")
    user = get_user(session, actor, user_id)
    was_locked = user.is_locked(now_utc())
    user.failed_count = 0
    user.locked_until = None
    audit.record(
        session,
        actor,
        "permission",
        "users",
        user.id,
        summary=f"解锁账号：{user.username}",
        before={"locked": was_locked},
        after={"locked": False},
    )
    session.flush()
    return user


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> User:
    """An administrator sets a one-time password; the user must change it at next sign-in."""
    user = get_user(session, actor, user_id)
    passwords.check_policy(new_password, user.username, password_context(session, user))
    _check_not_reused(session, user, new_password)
    _set_password(session, user, new_password, now_utc())
    user.must_change_password = True
    user.failed_count = 0
    user.locked_until = None
    end_all_sessions(session, user.id)
    _revoke_tokens(session, user, now_utc())
    audit.record(
        session,
        actor,
        "password_reset",
        "users",
        user.id,
        summary=f"重置密码：{user.username}（须在下次登录时修改）",
    )
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    return repo.user_by_username(session, normalise_username(username))


def sessions_of(session: Session, user_id: int) -> list[UserSession]:
    return list(repo.sessions_of(session, user_id))
