"""Alembic, driven from code (CLI, tests): the migrations are the only way a schema is built."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from shuanggao.config import get_settings
from shuanggao.db.errors import check_connection
from shuanggao.db.session import build_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url or get_settings().resolved_database_url())
    return cfg


def _reachable(url: str | None) -> str:
    """The address, after one connection proved it answers (``DatabaseUnavailable`` if not)."""
    address = url or get_settings().resolved_database_url()
    engine = build_engine(address)
    try:
        check_connection(engine, address)
    finally:
        engine.dispose()
    return address


def upgrade(revision: str = "head", url: str | None = None) -> None:
    command.upgrade(alembic_config(_reachable(url)), revision)


def downgrade(revision: str, url: str | None = None) -> None:
    command.downgrade(alembic_config(_reachable(url)), revision)


def current(url: str | None = None) -> str | None:
    address = url or get_settings().resolved_database_url()
    engine = build_engine(address)
    try:
        check_connection(engine, address)
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
