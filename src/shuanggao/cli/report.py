"""``shuanggao report``: the programme briefing for scheduling meetings.

- ``shuanggao report briefing --as-of DATE [--zone NAME] --out FILE.(docx|pdf|xlsx)
  [--stalled-days N]``: the 数说双高协同 figures (those ``shuanggao stats --as-of`` prints), the
  per-pilot table, 五个一 completeness, coverage, lagging items, cases and matches.
"""

from __future__ import annotations

from pathlib import Path

import typer

from shuanggao.briefing.files import check_format, write_briefing
from shuanggao.briefing.fonts import FontsMissing
from shuanggao.briefing.progress import DEFAULT_STALLED_DAYS
from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.cli.stats import _parse_date
from shuanggao.errors import AppError
from shuanggao.reports import service as reports

app = typer.Typer(name="report", help="工作简报（调度会材料）。", no_args_is_help=True)


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
    day = _parse_date(as_of)
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
