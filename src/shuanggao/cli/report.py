"""``shuanggao report``: periodic reports (填报) — the daily reminder job."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from shuanggao.cli.context import console, err_console, open_session
from shuanggao.clock import today
from shuanggao.reports import reminders

app = typer.Typer(name="report", help="填报：提醒待提交与逾期的填报。", no_args_is_help=True)


def _day(text: str | None) -> dt.date:
    if text is None:
        return today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        err_console.print(f"[red]日期“{text}”格式不正确，应为 YYYY-MM-DD。[/red]")
        raise typer.Exit(code=2) from None


@app.command("remind")
def remind(
    as_of: str | None = typer.Option(None, "--as-of", help="按哪一天计算（YYYY-MM-DD），默认今天"),
) -> None:
    """每日任务：为待提交、已逾期填报的高新区写入提醒（发件箱表 report_reminder 与审计日志）。

    同一天重复运行不会重复提醒。
    """
    day = _day(as_of)
    with open_session(write=True) as session:
        written = reminders.send_reminders(session, day)
        table = Table(title=f"填报提醒（{day.isoformat()}）")
        for header in ("高新区编号", "填报期编号", "类别", "提醒内容"):
            table.add_column(header)
        for r in written:
            table.add_row(
                str(r.zone_id), str(r.period_id), reminders.STATE_LABELS[r.kind], r.message
            )
    if written:
        console.print(table)
    console.print(f"新写入提醒 {len(written)} 条。")
