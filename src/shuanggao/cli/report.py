"""``shuanggao report``: periodic reports (填报) — the daily reminder job — and the briefing.

- ``shuanggao report remind [--as-of DATE]``: reminders of reports due and overdue.
- ``shuanggao report briefing --as-of DATE [--zone NAME] --out FILE.(docx|pdf|xlsx)
  [--stalled-days N]``: the 数说双高协同 figures (those ``shuanggao stats --as-of`` prints), the
  per-pilot table, 五个一 completeness, coverage, lagging items, cases and matches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from shuanggao.briefing.files import check_format, write_briefing
from shuanggao.briefing.fonts import FontsMissing
from shuanggao.briefing.progress import DEFAULT_STALLED_DAYS
from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.clock import today
from shuanggao.errors import AppError
from shuanggao.reports import reminders
from shuanggao.reports import service as reports

app = typer.Typer(name="report", help="填报提醒与工作简报（调度会材料）。", no_args_is_help=True)


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


@app.command("briefing")
def briefing(
    out: Path = typer.Option(..., "--out", help="输出文件：.docx、.pdf 或 .xlsx"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="截至日期 YYYY-MM-DD，默认今天", show_default=False
    ),
    zone: str | None = typer.Option(None, "--zone", help="高新区名称；不填为全省"),
    stalled_days: int = typer.Option(
        DEFAULT_STALLED_DAYS, "--stalled-days", help="多少天无进展算停滞", min=1, max=3650
    ),
) -> None:
    """生成“双高协同”工作简报（公文格式 .docx、嵌入中文字体的 .pdf 或 .xlsx）。"""
    day = _day(as_of)
    try:
        fmt = check_format(out.suffix)
    except AppError:
        err_console.print(f"输出文件“{out.name}”的扩展名应为 .docx、.pdf 或 .xlsx。")
        raise typer.Exit(code=2) from None
    try:
        with open_session() as session:
            zone_id = reports.find_zone_id(session, zone) if zone else None
            made = write_briefing(
                session, cli_actor(), day, zone_id, fmt, stalled_days=stalled_days
            )
    except (AppError, FontsMissing) as exc:
        err_console.print(getattr(exc, "detail", str(exc)), markup=False)
        raise typer.Exit(code=1) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.content)
    console.print(f"已生成工作简报：{out}（{len(made.content):,} 字节）", markup=False)
