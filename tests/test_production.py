"""The production profile refuses to start on each unsafe setting, one by one (AUTH-07, SUP-04)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao import production
from shuanggao.accounts.models import User
from shuanggao.cli import serve as serve_cli
from shuanggao.config import Settings, get_settings
from shuanggao.db import sealed
from shuanggao.db.session import build_engine
from shuanggao.main import create_app
from tests.dbs import fresh_database
from tests.factories import create_user
from tests.harness import TEST_SECRET_KEY

STRONG_KEY = "Vq3-h8ZrT1yK0pWm6sXc2nLd9fGb4jHe7aUo5iR"
PI_KEYS = sealed.new_key_spec("prod1")


def safe(tmp_path: Path, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "production",
        "var_dir": tmp_path,
        "database_url": url,
        "secret_key": STRONG_KEY,
        "pi_keys": PI_KEYS,
        "cookie_secure": True,
        "base_url": "https://shuanggao.example.gov.cn",
        "admin_totp_required": True,
        "demo": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as u:
        yield u


def add_user(url: str, **overrides: Any) -> None:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            create_user(s, "auditor", **overrides)
            s.commit()
    finally:
        engine.dispose()


def test_safe_production_settings_start_without_docs(tmp_path: Path, url: str) -> None:
    app = create_app(safe(tmp_path, url))
    paths = {getattr(r, "path", "") for r in app.routes}
    assert "/api/v1/docs" not in paths and "/api/v1/openapi.json" not in paths
    app.state.engine.dispose()


def test_the_demo_profile_starts_on_the_defaults(tmp_path: Path, url: str) -> None:
    settings = Settings(var_dir=tmp_path, database_url=url)
    assert settings.env == "development"
    assert production.settings_refusals(settings) == []
    app = create_app(settings)
    assert "/api/v1/docs" in {getattr(r, "path", "") for r in app.routes}
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"secret_key": ""}, "secret_key_missing"),
        ({"secret_key": "changeme"}, "secret_key_weak"),
        ({"secret_key": TEST_SECRET_KEY}, "secret_key_weak"),
        ({"cookie_secure": False}, "cookie_not_secure"),
        ({"base_url": ""}, "base_url_not_https"),
        ({"base_url": "http://shuanggao.example.gov.cn"}, "base_url_not_https"),
        ({"base_url": "https://"}, "base_url_not_https"),
        ({"pi_keys": ""}, "pi_keys_missing"),
        ({"pi_keys": "k1:abc"}, "pi_keys_invalid"),
        ({"pi_keys": "k1"}, "pi_keys_invalid"),
        ({"admin_totp_required": False}, "admin_totp_off"),
        ({"demo": True}, "demo_mode_on"),
    ],
)
def test_each_unsafe_setting_is_refused_alone(
    tmp_path: Path, url: str, overrides: dict[str, Any], code: str
) -> None:
    settings = safe(tmp_path, url, **overrides)
    assert [r.code for r in production.settings_refusals(settings)] == [code]
    with pytest.raises(production.UnsafeProduction) as caught:
        create_app(settings)
    assert caught.value.code == "unsafe_production_settings"
    assert caught.value.to_dict()["refusals"] == [code]


@pytest.mark.parametrize(
    ("database_url", "refused"),
    [
        ("postgresql+psycopg://app@db.internal.example/shuanggao", True),
        ("postgresql+psycopg://app@db.internal.example/shuanggao?sslmode=prefer", True),
        ("postgresql+psycopg://app@10.0.0.5:5432/shuanggao?sslmode=disable", True),
        ("postgresql+psycopg://app@db.internal.example/shuanggao?sslmode=require", False),
        ("postgresql+psycopg://app@db.internal.example/shuanggao?sslmode=verify-full", False),
        ("postgresql+psycopg://app@127.0.0.1:5432/shuanggao", False),
        ("postgresql+psycopg://app@localhost/shuanggao", False),
        ("postgresql+psycopg:///shuanggao?host=/var/run/postgresql", False),
        ("postgresql+psycopg:///shuanggao?host=db.internal.example", True),
        ("sqlite:////srv/shuanggao/shuanggao.sqlite3", False),
    ],
)
def test_a_remote_database_needs_tls(tmp_path: Path, database_url: str, refused: bool) -> None:
    settings = safe(tmp_path, database_url)
    codes = [r.code for r in production.settings_refusals(settings)]
    assert codes == (["database_without_tls"] if refused else [])
    if refused:
        # Refused before any connection is attempted (the host does not exist).
        with pytest.raises(production.UnsafeProduction) as caught:
            create_app(settings)
        assert caught.value.to_dict()["refusals"] == ["database_without_tls"]


def test_active_demo_accounts_are_refused(tmp_path: Path, url: str) -> None:
    add_user(url, is_demo=False)
    add_user(url, username="demo.auditor", is_demo=True)
    with pytest.raises(production.UnsafeProduction) as caught:
        create_app(safe(tmp_path, url))
    assert caught.value.to_dict()["refusals"] == ["demo_accounts_present"]
    assert "demo.auditor" in caught.value.refusals[0].reason
    # Outside production the same database starts (make run keeps its demo accounts).
    create_app(Settings(var_dir=tmp_path, database_url=url)).state.engine.dispose()


def test_a_deactivated_demo_account_is_not_refused(tmp_path: Path, url: str) -> None:
    add_user(url, username="demo.auditor", is_demo=True, is_active=False)
    create_app(safe(tmp_path, url)).state.engine.dispose()


def serve(env: dict[str, str]) -> Any:
    root = typer.Typer()
    serve_cli.register(root)

    @root.command("noop")
    def _noop() -> None:  # a second command, so "serve" is addressed by name
        pass

    get_settings.cache_clear()
    try:
        return CliRunner().invoke(root, ["serve", "--port", "1"], env={"COLUMNS": "200", **env})
    finally:
        get_settings.cache_clear()


def test_serve_refuses_and_lists_every_reason(tmp_path: Path, url: str) -> None:
    add_user(url, username="demo.auditor", is_demo=True)
    result = serve(
        {
            "SHUANGGAO_ENV": "production",
            "SHUANGGAO_DATABASE_URL": url,
            "SHUANGGAO_VAR_DIR": str(tmp_path),
            "SHUANGGAO_SECRET_KEY": "",
            "SHUANGGAO_COOKIE_SECURE": "0",
            "SHUANGGAO_BASE_URL": "http://127.0.0.1:8000",
            "SHUANGGAO_ADMIN_TOTP_REQUIRED": "0",
            "SHUANGGAO_DEMO": "1",
        }
    )
    assert result.exit_code == 1
    codes = [
        line.split("]")[0].strip(" [")
        for line in result.output.splitlines()
        if line.startswith("  [")
    ]
    assert codes == [
        "secret_key_missing",
        "cookie_not_secure",
        "base_url_not_https",
        "pi_keys_missing",
        "admin_totp_off",
        "demo_mode_on",
        "demo_accounts_present",
    ]
    # Nothing was generated: a refused production start writes no secret key file.
    assert not (tmp_path / "secret_key").exists()


def test_demo_accounts_command_refuses_in_production(tmp_path: Path, url: str) -> None:
    from shuanggao.cli import user as user_cli

    root = typer.Typer()
    root.add_typer(user_cli.app, name="user")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            root,
            ["user", "demo-accounts"],
            env={"SHUANGGAO_ENV": "production", "SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200"},
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            assert s.scalars(select(User)).all() == []
    finally:
        engine.dispose()
