"""``shuanggao backup FILE`` / ``shuanggao restore FILE``: the whole database, with a manifest
(schema revision, rows per table, checksum). See ``shuanggao.backup``."""

from __future__ import annotations

from pathlib import Path

import typer

from shuanggao import backup as backups
from shuanggao.cli.context import console, err_console
from shuanggao.config import get_settings
from shuanggao.db.errors import DatabaseUnavailable
from shuanggao.errors import AppError


def _fail(exc: AppError) -> typer.Exit:
    err_console.print(f"[{exc.code}] {exc.detail}", markup=False, highlight=False)
    return typer.Exit(code=1)


def register(root: typer.Typer) -> None:
    @root.command("backup")
    def backup(
        file: Path = typer.Argument(..., help="备份文件（.tar），已存在时覆盖", dir_okay=False),
    ) -> None:
        """备份整个数据库（SQLite 在线备份 / PostgreSQL pg_dump），附清单与校验和。"""
        try:
            manifest = backups.create_backup(get_settings().resolved_database_url(), file)
        except DatabaseUnavailable:
            raise
        except AppError as exc:
            raise _fail(exc) from None
        console.print(
            f"已备份到 {file}：{len(manifest.tables)} 张表，{manifest.rows} 行，"
            f"结构版本 {manifest.schema_revision}，SHA-256 {manifest.sha256[:16]}…",
            highlight=False,
            soft_wrap=True,
        )

    @root.command("restore")
    def restore(
        file: Path = typer.Argument(..., help="由 shuanggao backup 生成的备份文件", dir_okay=False),
        force: bool = typer.Option(False, "--force", help="目标数据库已有数据时仍然覆盖"),
    ) -> None:
        """从备份恢复数据库：先核对校验和与结构版本，恢复后逐表核对行数。"""
        try:
            manifest = backups.restore_backup(
                get_settings().resolved_database_url(), file, force=force
            )
        except DatabaseUnavailable:
            raise
        except AppError as exc:
            raise _fail(exc) from None
        console.print(
            f"已从 {file} 恢复：{len(manifest.tables)} 张表，{manifest.rows} 行，"
            f"结构版本 {manifest.schema_revision}，各表行数与清单一致。",
            highlight=False,
            soft_wrap=True,
        )
