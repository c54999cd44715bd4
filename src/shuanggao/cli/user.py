"""``shuanggao user``: create the first administrator, demo accounts, unlock, list."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts import repository as repo
from shuanggao.accounts import service as accounts
from shuanggao.accounts.models import User
from shuanggao.accounts.schemas import UserCreate, _role
from shuanggao.actor import ROLE_LABELS, ROLE_TENANT, Role
from shuanggao.audit import service as audit
from shuanggao.audit.guard import ensure_append_only
from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.config import get_settings
from shuanggao.errors import AppError

app = typer.Typer(
    name="user", help="账号管理：创建管理员、演示账号、解锁、列表。", no_args_is_help=True
)

# Demo databases only: printed by `user demo-accounts`; production refuses demo accounts.
DEMO_PASSWORD = "Sgxt-Demo-2025"  # noqa: S105 - the public demo password
DEMO_ZONE = "南京建邺高新区"
DEMO_UNIVERSITY = "南京工程学院"
DEMO_ENTERPRISE = "江苏林洋储能技术有限公司"
DEMO_ACCOUNTS: tuple[tuple[Role, str, str], ...] = (
    (Role.PROVINCE_ADMIN, "demo.province", "演示·省级管理员"),
    (Role.ZONE_ADMIN, "demo.zone", "演示·高新区管理员"),
    (Role.UNIVERSITY_ADMIN, "demo.university", "演示·高校管理员"),
    (Role.ENTERPRISE_USER, "demo.enterprise", "演示·企业用户"),
    (Role.RESEARCHER, "demo.researcher", "演示·科研人员"),
    (Role.STUDENT, "demo.student", "演示·学生"),
    (Role.MENTOR, "demo.mentor", "演示·导师"),
    (Role.AUDITOR, "demo.auditor", "演示·审计员"),
    (Role.SECURITY_ADMIN, "demo.security", "演示·安全管理员"),
)


def _fail(message: str) -> None:
    err_console.print(f"[red]{message}[/red]")
    raise typer.Exit(code=1)


def _error_text(exc: AppError) -> str:
    if exc.fields:
        return exc.detail + " " + "；".join(f"{k}：{v}" for k, v in exc.fields.items())
    return exc.detail


def _read_password(from_stdin: bool, username: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    while True:
        first = typer.prompt("密码", hide_input=True)
        reason = passwords.weakness(first, username)
        if reason is not None:
            err_console.print(f"[red]密码强度不够：{reason}[/red]")
            continue
        second = typer.prompt("再次输入密码", hide_input=True)
        if first == second:
            return str(first)
        err_console.print("[red]两次输入的密码不一致，请重新输入。[/red]")


@app.command("create")
def create(
    role: str = typer.Option(..., "--role", help="角色：province_admin、zone_admin……或中文名称"),
    username: str = typer.Option(..., "--username", help="登录用户名"),
    display_name: str = typer.Option("", "--display-name", help="姓名或显示名"),
    zone: str | None = typer.Option(None, "--zone", help="所属高新区名称（高新区管理员）"),
    university: str | None = typer.Option(None, "--university", help="所属高校名称"),
    enterprise: str | None = typer.Option(
        None, "--enterprise", help="所属企业的统一社会信用代码（企业用户）"
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="从标准输入读取密码（一行），用于脚本"
    ),
    must_change: bool = typer.Option(False, "--must-change", help="要求该用户首次登录时修改密码"),
) -> None:
    """创建账号（首个管理员用此命令创建）。密码须至少 10 个字符且不是常见密码。"""
    parsed_role = _role(role)
    if not isinstance(parsed_role, Role):
        _fail(
            f"未知角色“{role}”。可选：" + "、".join(f"{r.value}（{ROLE_LABELS[r]}）" for r in Role)
        )
        return
    with open_session() as session:
        ensure_append_only(session.get_bind())  # type: ignore[arg-type]
        tenant = _tenant_ids(session, zone=zone, university=university, enterprise=enterprise)
        password = _read_password(password_stdin, username)
        try:
            data = UserCreate(
                username=username,
                display_name=display_name,
                role=parsed_role,
                password=password,
                must_change_password=must_change,
                **tenant,
            )
            user = accounts.create_user(session, cli_actor(), data)
        except ValidationError as exc:
            _fail("参数有误：" + "；".join(str(e["msg"]) for e in exc.errors()))
            return
        except AppError as exc:
            _fail(_error_text(exc))
            return
        console.print(f"[green]已创建账号 {user.username}（{ROLE_LABELS[parsed_role]}）。[/green]")
        if parsed_role in accounts.ADMIN_ROLES and get_settings().admin_totp_required:
            console.print("首次登录后须绑定身份验证器（动态验证码）才能使用系统。")


def _tenant_ids(
    session: Session, *, zone: str | None, university: str | None, enterprise: str | None
) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    if zone:
        found = repo.zone_by_name(session, zone)
        if found is None:
            _fail(f"找不到名为“{zone}”的高新区。")
        ids["zone_id"] = found
    if university:
        found = repo.university_by_name(session, university)
        if found is None:
            _fail(f"找不到名为“{university}”的高校。")
        ids["university_id"] = found
    if enterprise:
        found = repo.enterprise_by_credit_code(session, enterprise.strip().upper())
        if found is None:
            _fail(f"找不到统一社会信用代码为“{enterprise}”的企业。")
        ids["enterprise_id"] = found
    return ids


@dataclass
class _DemoTenants:
    zone_id: int | None
    university_id: int | None
    enterprise_id: int | None
    names: dict[str, str]


def _demo_tenants(session: Session) -> _DemoTenants:
    zone_id = repo.zone_by_name(session, DEMO_ZONE) or repo.first_zone(session)
    university_id = repo.university_by_name(session, DEMO_UNIVERSITY)
    if university_id is None and zone_id is not None:
        university_id = repo.paired_university(session, zone_id)
    university_id = university_id or repo.first_university(session)
    enterprise_id = repo.enterprise_by_name(session, DEMO_ENTERPRISE)
    if enterprise_id is None and zone_id is not None:
        enterprise_id = repo.first_enterprise(session, zone_id)
    enterprise_id = enterprise_id or repo.first_enterprise(session, None)
    return _DemoTenants(
        zone_id,
        university_id,
        enterprise_id,
        repo.tenant_names(session, zone_id, university_id, enterprise_id),
    )


@app.command("demo-accounts")
def demo_accounts() -> None:
    """创建（或校正）每个角色的演示账号并打印登录信息。仅用于演示数据库。"""
    settings = get_settings()
    if settings.is_production:
        _fail("生产环境（SHUANGGAO_ENV=production）不创建演示账号。")
    with open_session() as session:
        ensure_append_only(session.get_bind())  # type: ignore[arg-type]
        if not settings.demo and not repo.has_demo_data(session):
            _fail("当前数据库没有演示数据，且未开启演示模式（SHUANGGAO_DEMO=1），不创建演示账号。")
        tenants = _demo_tenants(session)
        table = Table(title="演示账号（仅供演示，请勿用于生产环境）")
        for header in ("角色", "用户名", "密码", "所属单位"):
            table.add_column(header)
        for role, username, display in DEMO_ACCOUNTS:
            kind = ROLE_TENANT[role]
            tenant_id = getattr(tenants, f"{kind}_id") if kind else None
            if kind is not None and tenant_id is None:
                table.add_row(
                    ROLE_LABELS[role], username, "—", f"（跳过：数据库中没有可用的{kind}）"
                )
                continue
            _ensure_demo_user(session, role, username, display, kind, tenant_id)
            table.add_row(
                ROLE_LABELS[role],
                username,
                DEMO_PASSWORD,
                tenants.names.get(kind or "", "全省"),
            )
        console.print(table)
        console.print("在浏览器打开 http://127.0.0.1:8000 ，用上面的任一账号登录。")


def _ensure_demo_user(
    session: Session,
    role: Role,
    username: str,
    display: str,
    kind: str | None,
    tenant_id: int | None,
) -> None:
    tenant = {
        f"{k}_id": (tenant_id if k == kind else None) for k in ("zone", "university", "enterprise")
    }
    user = repo.user_by_username(session, username)
    if user is None:
        data = UserCreate(
            username=username,
            display_name=display,
            role=role,
            password=DEMO_PASSWORD,
            must_change_password=False,
            **tenant,
        )
        accounts.create_user(session, cli_actor(), data, is_demo=True)
        return
    if not user.is_demo:
        _fail(f"用户名 {username} 已被非演示账号使用，未做任何修改。")
    changed = user.role != role.value or any(getattr(user, k) != v for k, v in tenant.items())
    user.role = role.value
    for key, value in tenant.items():
        setattr(user, key, value)
    if not passwords.verify_password(user.password_hash, DEMO_PASSWORD):
        user.password_hash = passwords.hash_password(DEMO_PASSWORD)
        changed = True
    user.is_active = True
    user.failed_count = 0
    user.locked_until = None
    user.must_change_password = False
    if changed:
        audit.record(
            session,
            cli_actor(),
            "permission",
            "users",
            user.id,
            summary=f"校正演示账号：{username}",
            after={"role": role.value, **tenant},
        )
    session.flush()


@app.command("unlock")
def unlock(username: str = typer.Argument(..., help="要解锁的用户名")) -> None:
    """解除账号锁定（连续登录失败导致的锁定）。"""
    with open_session() as session:
        ensure_append_only(session.get_bind())  # type: ignore[arg-type]
        user = accounts.find_user(session, username)
        if user is None:
            _fail(f"找不到用户 {username}。")
            return
        accounts.unlock_user(session, cli_actor(), user.id)
        console.print(f"[green]已解锁 {user.username}。[/green]")


@app.command("list")
def list_users() -> None:
    """列出全部账号。"""
    with open_session() as session:
        now = accounts.now_utc()
        users: list[User] = list(repo.all_users(session))
        names = repo.all_tenant_names(session)
        table = Table(title=f"账号（共 {len(users)} 个）")
        for header in ("用户名", "姓名", "角色", "所属单位", "状态", "动态验证码", "最近登录"):
            table.add_column(header)
        for u in users:
            kind = ROLE_TENANT[Role(u.role)]
            tenant_id: int | None = getattr(u, f"{kind}_id") if kind else None
            tenant = "全省"
            if kind is not None and tenant_id is not None:
                tenant = names.get((kind, tenant_id), "—")
            state = "已停用" if not u.is_active else ("锁定中" if u.is_locked(now) else "正常")
            table.add_row(
                u.username,
                u.display_name,
                ROLE_LABELS[Role(u.role)],
                tenant,
                state + ("（演示）" if u.is_demo else ""),
                "已绑定" if u.totp_enabled else "未绑定",
                u.last_login_at.astimezone(audit.BEIJING).strftime("%Y-%m-%d %H:%M")
                if u.last_login_at
                else "—",
            )
        console.print(table)
