"""``shuanggao events``: matchmaking events (校企对接会).

- ``shuanggao events list``
- ``shuanggao events schedule EVENT_ID [--format table|json]``: solve and store the 1:1 schedule;
  JSON starts with ``{"meetings": N, "total_score": x, "greedy_total_score": y, "clashes": 0}``.
- ``shuanggao events report EVENT_ID [--format table|json]``
- ``shuanggao events agenda EVENT_ID [--xlsx FILE] [--pdf FILE]``: every agenda, printable.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.config import get_settings
from shuanggao.errors import AppError
from shuanggao.events import agenda, report, scheduling, service

app = typer.Typer(name="events", help="校企对接会：日程、报告与打印。", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def _fail(exc: AppError) -> typer.Exit:
    err_console.print(f"[red]{exc.detail}[/red]", markup=True)
    for name, message in exc.fields.items():
        err_console.print(f"  [red]{name}：{message}[/red]")
    return typer.Exit(1)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


@app.command("list")
def list_events() -> None:
    """列出对接会。"""
    with open_session() as session:
        events = service.list_events(session, cli_actor())
        table = Table("编号", "名称", "日期", "组织方", "时段", "桌位")
        for e in events:
            table.add_row(
                str(e.id),
                e.title,
                e.event_date.isoformat(),
                e.organiser_name,
                str(len(e.slots)),
                str(len(e.tables)),
            )
    console.print(table)


@app.command("schedule")
def schedule(
    event_id: int = typer.Argument(..., min=1, help="对接会编号"),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
) -> None:
    """按匹配得分生成一对一洽谈日程（最优化求解，并与贪心基线比较）。"""
    settings = get_settings()
    try:
        with open_session(write=True) as session:
            summary = scheduling.schedule_event(session, settings, cli_actor(), event_id)
    except AppError as exc:
        raise _fail(exc) from exc
    if fmt is Format.JSON:
        _echo_json(summary.model_dump())
        return
    table = Table("洽谈场次", "匹配总分", "贪心基线总分", "冲突", "求解用时（秒）")
    table.add_row(
        str(summary.meetings),
        f"{summary.total_score:.4f}",
        f"{summary.greedy_total_score:.4f}",
        str(summary.clashes),
        f"{summary.solve_seconds or 0:.3f}",
    )
    console.print(table)


@app.command("report")
def event_report(
    event_id: int = typer.Argument(..., min=1),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """对接会报告：洽谈场次、达成意向、按高新区/高校统计、无人能答的需求。"""
    settings = get_settings()
    try:
        with open_session() as session:
            rep = report.event_report(session, settings, cli_actor(), event_id)
    except AppError as exc:
        raise _fail(exc) from exc
    if fmt is Format.JSON:
        _echo_json(rep.model_dump())
        return
    console.print(
        f"{rep.title}：报名 {rep.registrations}，签到 {rep.checked_in}，洽谈 {rep.meetings}，"
        f"已洽谈 {rep.held}，有意向 {rep.intentions}"
    )
    for need in rep.unanswered:
        console.print(f"  无人能答：{need.title}（{need.enterprise}）")


@app.command("agenda")
def print_agenda(
    event_id: int = typer.Argument(..., min=1),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="写出 Excel 日程"),
    pdf: Path | None = typer.Option(None, "--pdf", help="写出 PDF 日程"),
) -> None:
    """导出每位参会方与每张桌位的日程。"""
    if xlsx is None and pdf is None:
        err_console.print("请用 --xlsx 或 --pdf 指定输出文件。")
        raise typer.Exit(2)
    try:
        with open_session() as session:
            _, pages = agenda.agendas(session, cli_actor(), event_id)
        if xlsx is not None:
            xlsx.write_bytes(agenda.workbook(pages))
        if pdf is not None:
            pdf.write_bytes(agenda.pdf(pages))
    except AppError as exc:
        raise _fail(exc) from exc
    console.print(f"已导出 {len(pages)} 份日程。")
