"""``shuanggao mentoring``: the dual-mentor practice projects for the degree office — list them
and export a student's full record (Excel)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.errors import AppError
from shuanggao.mentoring import export, service, views

app = typer.Typer(
    name="mentoring",
    help="双导师实践：项目列表与学生实践记录导出（学位办）。",
    no_args_is_help=True,
)


@app.command("list")
def list_projects(
    state: str | None = typer.Option(
        None, "--state", help="阶段：proposed、active、submitted、committee、decided"
    ),
) -> None:
    """列出双导师实践项目。"""
    with open_session() as session:
        actor = cli_actor()
        projects = [views.summary(p, actor) for p in service.list_projects(session, actor, state)]
    table = Table(title=f"双导师实践项目（共 {len(projects)} 个）")
    for header in ("编号", "项目", "学生", "高校", "企业", "阶段", "成果截止"):
        table.add_column(header)
    for p in projects:
        table.add_row(
            str(p.id), p.title, p.student.name, p.university_name, p.enterprise_name,
            p.state_label, p.outcome_due_date.isoformat(),
        )  # fmt: skip
    console.print(table)


@app.command("export")
def export_record(
    project_id: int = typer.Argument(..., help="实践项目编号"),
    out: Path = typer.Option(..., "--out", help="输出的 .xlsx 文件"),
) -> None:
    """导出学生实践全过程记录（评分、签字与认定结论），供学位办存档。"""
    try:
        with open_session() as session:
            record = views.project_read(session, cli_actor(), project_id)
    except AppError as exc:
        err_console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(code=1) from exc
    out.write_bytes(export.record_workbook(record))
    console.print(f"已导出 {record.student.name} 的实践记录：{out}")
