"""``shuanggao pipeline``: collaborations (合作对接) and the funnel.

- ``shuanggao pipeline list [--stage 有意向] [--status active] [--format table|json]``
- ``shuanggao pipeline start --match ID`` or ``--demand ID --supply ID`` [--note 文本]
- ``shuanggao pipeline advance ID [--stage 已联系] [--date YYYY-MM-DD] [--owner 姓名] [--note 文本]
  [--project ID] [--version N]``: the next stage (the version read now unless ``--version``).
- ``shuanggao pipeline decline ID --reason 原因``
- ``shuanggao pipeline funnel [--by zone|university|pairing|event|month] [--as-of YYYY-MM-DD]
  [--format table|json] [--xlsx FILE]``
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from shuanggao.actor import Actor
from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.errors import AppError
from shuanggao.pipeline import service, views
from shuanggao.pipeline.funnel import FunnelRead, funnel, funnel_xlsx
from shuanggao.pipeline.schemas import Advance, Decline, Stage

app = typer.Typer(name="pipeline", help="合作对接流程与对接漏斗。", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def _fail(exc: AppError) -> typer.Exit:
    err_console.print(f"[red]{exc.detail}[/red]")
    for name, message in exc.fields.items():
        err_console.print(f"  [red]{name}：{message}[/red]")
    return typer.Exit(1)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        err_console.print(f"[red]{option}“{text}”格式不正确，应为 YYYY-MM-DD。[/red]")
        raise typer.Exit(2) from None


def _echo(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _brief(c: Any) -> dict[str, Any]:
    return views.present(c, Actor.system()).model_dump(mode="json", exclude={"steps"})


@app.command("list")
def list_command(
    stage: str | None = typer.Option(None, help="阶段（有意向、已联系……或英文值）"),
    status: str | None = typer.Option(None, help="active、declined 或 done"),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
) -> None:
    """列出合作对接。"""
    try:
        with open_session() as session:
            rows, total = service.list_collaborations(
                session, cli_actor(), stage=stage, status=status, page_size=200
            )
            items = [_brief(c) for c in rows]
    except AppError as exc:
        raise _fail(exc) from None
    if fmt is Format.JSON:
        _echo({"total": total, "items": items})
        return
    table = Table(title=f"合作对接（{total} 项）")
    for header in ("编号", "对接", "阶段", "状态", "来源", "项目"):
        table.add_column(header)
    for c in items:
        table.add_row(
            str(c["id"]), c["title"], c["stage_label"], c["status"], c["origin"],
            str(c["project_id"] or ""),
        )  # fmt: skip
    console.print(table)


@app.command("start")
def start_command(
    match: int | None = typer.Option(None, "--match", help="匹配记录编号"),
    demand: int | None = typer.Option(None, "--demand", help="需求编号"),
    supply: int | None = typer.Option(None, "--supply", help="技术供给编号"),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """从匹配记录（或指定的需求与技术供给）开始合作对接（有意向）。"""
    try:
        with open_session(write=True) as session:
            c = service.start_from_match(
                session, cli_actor(), match, demand_id=demand, supply_item_id=supply, note=note
            )
            out = _brief(c)
    except AppError as exc:
        raise _fail(exc) from None
    _echo(out)


@app.command("advance")
def advance_command(
    collab_id: int = typer.Argument(..., help="合作对接编号"),
    stage: str | None = typer.Option(None, help="到达的阶段（须为下一阶段）"),
    date: str | None = typer.Option(None, "--date", help="日期 YYYY-MM-DD（默认今天）"),
    owner: str | None = typer.Option(None, "--owner", help="经办人"),
    note: str | None = typer.Option(None, "--note"),
    project: int | None = typer.Option(None, "--project", help="关联已有项目（签订合同/立项）"),
    version: int | None = typer.Option(None, "--version", help="所编辑记录的版本号"),
) -> None:
    """推进到下一阶段（签订合同、立项时生成或关联合作研发项目）。"""
    try:
        with open_session(write=True) as session:
            actor = cli_actor()
            if version is None:
                version = service.get_collaboration(session, actor, collab_id).version
            body = Advance(
                version=version, stage=Stage.parse(stage) if stage else None,
                happened_date=_date(date, "--date"), owner=owner, note=note, project_id=project,
            )  # fmt: skip
            out = _brief(service.advance(session, actor, collab_id, body))
    except AppError as exc:
        raise _fail(exc) from None
    _echo(out)


@app.command("decline")
def decline_command(
    collab_id: int = typer.Argument(..., help="合作对接编号"),
    reason: str = typer.Option(..., "--reason", help="终止原因"),
    date: str | None = typer.Option(None, "--date"),
    version: int | None = typer.Option(None, "--version"),
) -> None:
    """终止合作对接并记录原因。"""
    try:
        with open_session(write=True) as session:
            actor = cli_actor()
            if version is None:
                version = service.get_collaboration(session, actor, collab_id).version
            body = Decline(version=version, reason=reason, happened_date=_date(date, "--date"))
            out = _brief(service.decline(session, actor, collab_id, body))
    except AppError as exc:
        raise _fail(exc) from None
    _echo(out)


def _print_funnel(result: FunnelRead) -> None:
    table = Table(title=f"对接漏斗：按{result.by_label}，截至 {result.as_of.isoformat()}")
    table.add_column(result.by_label)
    for stage in Stage:
        table.add_column(stage.label, justify="right")
    table.add_column("终止", justify="right")
    for g in [*result.groups, result.overall]:
        cells = []
        for s in g.stages:
            conv = "" if s.conversion is None else f"（{s.conversion * 100:.0f}%）"
            cells.append(f"{s.reached}{conv}")
        table.add_row(g.label, *cells, str(g.declined))
    console.print(table)


@app.command("funnel")
def funnel_command(
    by: str = typer.Option("zone", "--by", help="zone、university、pairing、event 或 month"),
    as_of: str | None = typer.Option(None, "--as-of", help="截至日期 YYYY-MM-DD"),
    fmt: Format = typer.Option(Format.TABLE, "--format"),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="同时导出为 Excel 文件"),
) -> None:
    """对接漏斗：各阶段数量、转化率、阶段间中位天数和终止原因。"""
    try:
        with open_session() as session:
            result = funnel(session, cli_actor(), by=by, as_of=_date(as_of, "--as-of"))
    except AppError as exc:
        raise _fail(exc) from None
    if xlsx is not None:
        xlsx.write_bytes(funnel_xlsx(result))
    if fmt is Format.JSON:
        _echo(result.model_dump(mode="json"))
    else:
        _print_funnel(result)
