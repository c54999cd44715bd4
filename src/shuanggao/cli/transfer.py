"""``shuanggao import`` and ``shuanggao export``: spreadsheets in and out of any register.

- ``shuanggao import KIND FILE [--dry-run]``: a file with any bad row is refused whole (exit 1)
  and every bad row is listed; a good file is written in one transaction. Rows written despite
  a warning (a need that may duplicate a stored one, or another row of the file) are listed.
- ``shuanggao export KIND FILE [--format xlsx|csv]`` and ``shuanggao export KIND --template FILE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session, progress_bar
from shuanggao.config import get_settings
from shuanggao.errors import AppError
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.imports.files import FORMATS
from shuanggao.imports.models import ImportJob, ImportStatus
from shuanggao.kit.register import Register, all_registers, get_register

_PHASES = {"read": "读取文件", "validate": "校验数据", "write": "写入数据库"}


def _register_or_exit(kind: str) -> Register[Any]:
    try:
        return get_register(kind)
    except KeyError:
        names = "、".join(f"{r.name}（{r.label}）" for r in all_registers())
        err_console.print(f"[red]没有名为“{kind}”的登记表。[/red]可用的有：{names}")
        raise typer.Exit(2) from None


def _errors_table(job: ImportJob) -> Table:
    table = Table(title=escape(f"{job.filename}：{job.error_count} 处错误，未导入任何数据"))
    table.add_column("行", justify="right")
    table.add_column("列")
    table.add_column("原因")
    table.add_column("代码", style="dim")
    for err in job.errors:
        table.add_row(
            str(err["row"]), escape(err["column"] or "—"), escape(err["message"]), err["code"]
        )
    return table


def _warnings_table(job: ImportJob) -> Table:
    """Rows written (or to be written) despite a warning: a possible duplicate need."""
    table = Table(title=escape(f"{job.filename}：{len(job.warnings)} 处提醒（不影响导入）"))
    table.add_column("行", justify="right")
    table.add_column("提醒", overflow="fold")
    table.add_column("代码", style="dim")
    for w in job.warnings:
        table.add_row(str(w["row"]), escape(w["message"]), w["code"])
    return table


def _counts(job: ImportJob) -> str:
    return (
        f"共 {job.row_count} 行：新增 {job.created_count} 条，更新 {job.updated_count} 条，"
        f"未变 {job.unchanged_count} 条"
    )


def _import(kind: str, path: Path, dry_run: bool) -> None:
    reg = _register_or_exit(kind)
    if not path.is_file():
        err_console.print(f"[red]找不到文件：{escape(str(path))}[/red]")
        raise typer.Exit(2)
    limit = get_settings().max_upload_bytes
    if path.stat().st_size > limit:
        err_console.print(
            f"[red]文件大小超过上限 {limit / 1024 / 1024:.1f} MB，请拆分后分批导入。[/red]"
        )
        raise typer.Exit(1)
    data = path.read_bytes()
    actor = cli_actor()
    try:
        with progress_bar(err_console) as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total or None)
                bar.update(tasks[phase], completed=done, total=total or None)

            with open_session(write=not dry_run) as session:
                job = imports.import_file(
                    session,
                    actor,
                    reg,
                    path.name,
                    data,
                    dry_run=dry_run,
                    max_bytes=limit,
                    progress=progress,
                )
    except AppError as exc:
        err_console.print(f"[red]{escape(exc.detail)}[/red]")
        raise typer.Exit(1) from None
    if job.notice:
        console.print(f"[yellow]{escape(job.notice)}[/yellow]")
    if job.status == ImportStatus.REJECTED.value:
        console.print(_errors_table(job))
        if job.error_count > len(job.errors):
            console.print(f"（仅列出前 {len(job.errors)} 处错误）")
        raise typer.Exit(1)
    if job.status == ImportStatus.FAILED.value:
        err_console.print(f"[red]{escape(job.notice or '')}[/red]")
        raise typer.Exit(1)
    if job.warnings:
        console.print(_warnings_table(job))
    if dry_run:
        console.print(f"[green]预检通过，未写入（导入任务 #{job.id}）。[/green]{_counts(job)}")
    else:
        console.print(f"[green]已导入{reg.label}（导入任务 #{job.id}）。[/green]{_counts(job)}")


def _format_of(path: Path, given: str | None) -> str:
    fmt = (given or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in FORMATS:
        err_console.print("[red]格式只能为 xlsx 或 csv。[/red]")
        raise typer.Exit(2)
    return fmt


def _export(kind: str, path: Path | None, fmt: str | None, template: Path | None) -> None:
    reg = _register_or_exit(kind)
    if template is not None:
        file = exports.export_template(reg, fmt=_format_of(template, fmt))
        template.write_bytes(file.content)
        console.print(f"[green]已写出{reg.label}导入模板：{escape(str(template))}[/green]")
        return
    if path is None:
        err_console.print("[red]请给出导出文件路径，或用 --template 路径 导出模板。[/red]")
        raise typer.Exit(2)
    chosen = _format_of(path, fmt)
    with console.status(f"正在导出{reg.label}……"), open_session() as session:
        file = exports.export_records(session, cli_actor(), reg, fmt=chosen)
    path.write_bytes(file.content)
    console.print(f"[green]已导出{reg.label}到 {escape(str(path))}[/green]")


def register(root: typer.Typer) -> None:
    @root.command("import")
    def import_command(
        kind: str = typer.Argument(..., help="登记表，如 zones、universities、enterprises"),
        file: Path = typer.Argument(..., help=".xlsx 或 .csv 文件"),
        dry_run: bool = typer.Option(False, "--dry-run", help="只校验并报告，不写入"),
    ) -> None:
        """从 Excel/CSV 文件导入登记表（有任何错误行则整个文件不导入）。"""
        _import(kind, file, dry_run)

    @root.command("export")
    def export_command(
        kind: str = typer.Argument(..., help="登记表，如 zones、universities、enterprises"),
        file: Path | None = typer.Argument(None, help="导出文件路径（.xlsx 或 .csv）"),
        fmt: str | None = typer.Option(None, "--format", help="xlsx 或 csv（默认按扩展名）"),
        template: Path | None = typer.Option(None, "--template", help="改为导出空白导入模板"),
    ) -> None:
        """把登记表导出为 Excel/CSV 文件，或导出导入模板。"""
        _export(kind, file, fmt, template)
