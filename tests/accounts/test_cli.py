"""``shuanggao user`` on a fresh, committed database, through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.accounts import passwords
from shuanggao.accounts.models import User
from shuanggao.audit.models import AuditEvent
from shuanggao.cli import user as user_cli
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.db.types import utcnow
from tests.dbs import fresh_database
from tests.factories import create_demand_enterprise, create_university, create_zone


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as u:
        yield u


def run(url: str, *args: str, stdin: str | None = None, **env: str) -> Any:
    root = typer.Typer()
    root.add_typer(user_cli.app, name="user")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            root,
            ["user", *args],
            input=stdin,
            env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200", **env},
        )
    finally:
        get_settings.cache_clear()


def users(url: str) -> dict[str, User]:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            return {u.username: u for u in s.scalars(select(User))}
    finally:
        engine.dispose()


def actions(url: str) -> list[str]:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    finally:
        engine.dispose()


def seed(url: str, *, demo: bool) -> None:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            zone = create_zone(s, name="南京建邺高新区", is_pilot=True, is_demo=demo)
            create_university(s, name="南京工程学院")
            create_demand_enterprise(s, zone, name="江苏林洋储能技术有限公司", is_demo=demo)
            s.commit()
    finally:
        engine.dispose()


def test_create_first_admin_from_stdin(url: str) -> None:
    result = run(
        url,
        "create",
        "--role",
        "省级管理员",
        "--username",
        "Admin.Li",
        "--password-stdin",
        stdin="Lotus-湖面-Morning-61\n",
    )
    assert result.exit_code == 0, result.output
    assert "已创建账号 admin.li（省级管理员）" in result.output
    created = users(url)["admin.li"]
    assert created.role == "province_admin" and created.must_change_password is False
    assert passwords.verify_password(created.password_hash, "Lotus-湖面-Morning-61")
    assert created.password_hash.startswith("$argon2id$")
    assert actions(url) == ["create", "permission"]


def test_create_refuses_weak_password_and_missing_tenant(url: str) -> None:
    weak = run(
        url,
        "create",
        "--role",
        "province_admin",
        "--username",
        "adm",
        "--password-stdin",
        stdin="qwertyuiop\n",
    )
    assert weak.exit_code == 1 and "过于常见" in weak.output
    no_zone = run(
        url,
        "create",
        "--role",
        "zone_admin",
        "--username",
        "zadmin",
        "--password-stdin",
        stdin="Lotus-湖面-Morning-61\n",
    )
    assert no_zone.exit_code == 1 and "必须指定所属高新区" in no_zone.output
    unknown_zone = run(
        url,
        "create",
        "--role",
        "zone_admin",
        "--username",
        "zadmin",
        "--zone",
        "不存在高新区",
        "--password-stdin",
        stdin="Lotus-湖面-Morning-61\n",
    )
    assert unknown_zone.exit_code == 1 and "找不到名为“不存在高新区”的高新区" in unknown_zone.output
    assert users(url) == {}


def test_create_interactive_prompts_twice(url: str) -> None:
    seed(url, demo=False)
    result = run(
        url,
        "create",
        "--role",
        "zone_admin",
        "--username",
        "zone.wang",
        "--zone",
        "南京建邺高新区",
        stdin="short\nLotus-湖面-Morning-61\nLotus-湖面-Morning-61\n",
    )
    assert result.exit_code == 0, result.output
    assert "密码至少需要 10 个字符" in result.output
    assert users(url)["zone.wang"].zone_id is not None


def test_demo_accounts_refused_without_demo_data(url: str) -> None:
    seed(url, demo=False)
    result = run(url, "demo-accounts")
    assert result.exit_code == 1 and "没有演示数据" in result.output
    assert users(url) == {}


def test_demo_accounts_are_idempotent_and_printed(url: str) -> None:
    seed(url, demo=True)
    first = run(url, "demo-accounts")
    assert first.exit_code == 0, first.output
    for name in (
        "demo.province",
        "demo.zone",
        "demo.enterprise",
        "demo.auditor",
        "demo.security",
        user_cli.DEMO_PASSWORD,
    ):
        assert name in first.output
    assert "江苏林洋储能技术有限公司" in first.output and "南京工程学院" in first.output
    made = users(url)
    assert len(made) == 9 and all(u.is_demo for u in made.values())
    assert made["demo.enterprise"].enterprise_id is not None
    count = len(actions(url))
    second = run(url, "demo-accounts")
    assert second.exit_code == 0, second.output
    assert len(users(url)) == 9
    assert len(actions(url)) == count  # nothing changed, nothing audited


def test_unlock_and_list(url: str) -> None:
    run(
        url,
        "create",
        "--role",
        "auditor",
        "--username",
        "audit.zhao",
        "--password-stdin",
        stdin="Lotus-湖面-Morning-61\n",
    )
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            u = s.scalars(select(User)).one()
            u.locked_until = utcnow().replace(year=2100)
            s.commit()
    finally:
        engine.dispose()
    listed = run(url, "list")
    assert "audit.zhao" in listed.output and "锁定中" in listed.output
    result = run(url, "unlock", "audit.zhao")
    assert result.exit_code == 0 and "已解锁 audit.zhao" in result.output
    assert users(url)["audit.zhao"].locked_until is None
    assert actions(url)[-1] == "permission"
    assert run(url, "unlock", "nobody").exit_code == 1
