"""``shuanggao db``: migrations."""

from __future__ import annotations

import typer

from shuanggao.cli.context import console
from shuanggao.db import migrate

app = typer.Typer(name="db", help="数据库迁移。", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="目标版本")) -> None:
    """升级数据库结构到指定版本（默认最新）。"""
    migrate.upgrade(revision)
    console.print(f"[green]数据库已升级到 {revision}[/green]")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="目标版本，如 base")) -> None:
    """降级数据库结构。"""
    migrate.downgrade(revision)
    console.print(f"[yellow]数据库已降级到 {revision}[/yellow]")


@app.command("current")
def current() -> None:
    """显示当前数据库版本。"""
    console.print(migrate.current() or "(空数据库)")
