"""``shuanggao stats``: the programme's figures (数说双高协同) as of a date."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import StrEnum

import typer
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session
from shuanggao.clock import today
from shuanggao.errors import AppError
from shuanggao.mentoring import figures
from shuanggao.mentoring.figures import TalentFigures
from shuanggao.pipeline.origins import ProjectOrigins, project_origins
from shuanggao.reports import service
from shuanggao.reports.service import Figure, Number, Stats


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def _parse_date(text: str | None) -> dt.date:
    if text is None:
        return today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        err_console.print(f"[red]日期“{text}”格式不正确，应为 YYYY-MM-DD。[/red]")
        raise typer.Exit(code=2) from None


def stats_json(
    stats: Stats, talent: TalentFigures | None = None, origins: ProjectOrigins | None = None
) -> dict[str, object]:
    """``{"as_of": "YYYY-MM-DD", "figures": {NAME: {"value", "source", "records", ...}},
    "talent": {"residents", "trained", "rows": [...]}, "project_origins": {"total", "match",
    "meeting", "manual", "direct"}}`` (the projects' records by where they began)."""
    body: dict[str, object] = {
        "as_of": stats.as_of.isoformat(),
        "figures": {name: fig.to_json() for name, fig in stats.figures.items()},
    }
    if talent is not None:
        body["talent"] = talent.model_dump(mode="json", exclude={"as_of"})
    if origins is not None:
        body["project_origins"] = origins.model_dump(mode="json")
    return body


def _render_talent(talent: TalentFigures) -> None:
    table = Table(title=f"人才培养：驻园师生与双导师实践，截至 {talent.as_of.isoformat()}")
    for header in ("高新区", "结对", "驻园师生", "教师", "研究生", "本科生", "实践成果认定"):
        table.add_column(header, justify="left" if header == "高新区" else "right")
    for row in talent.rows:
        table.add_row(
            row.zone_name,
            "—" if row.pairing_id is None else f"#{row.pairing_id}",
            f"{row.residents:,}",
            f"{row.teachers:,}",
            f"{row.graduates:,}",
            f"{row.undergraduates:,}",
            f"{row.trained:,}",
        )
    table.add_row("合计", "", f"{talent.residents:,}", "", "", "", f"{talent.trained:,}")
    console.print(table)


def _number(value: Number, *, money: bool) -> str:
    return f"{Decimal(value):,.2f}" if money else f"{value:,}"


def _source_text(fig: Figure) -> str:
    if fig.source == "reports":
        as_of = fig.report_as_of.isoformat() if fig.report_as_of else ""
        return f"填报#{fig.report_id}（{as_of}）"
    return "记录"


def _render_table(stats: Stats) -> None:
    where = stats.zone_name or "全省"
    table = Table(title=f"数说双高协同：{where}，截至 {stats.as_of.isoformat()}")
    table.add_column("指标")
    table.add_column("数值", justify="right")
    table.add_column("修饰")
    table.add_column("来源")
    table.add_column("记录合计", justify="right")
    table.add_column("差额", justify="right")
    for fig in stats.figures.values():
        money = fig.name == "funding_yuan"
        gap = "" if fig.source == "records" else _number(fig.gap, money=money)
        table.add_row(
            fig.label if money else f"{fig.label}（{fig.unit}）",
            _number(fig.value, money=money),
            fig.qualifier or "",
            _source_text(fig),
            _number(fig.records, money=money),
            gap,
        )
    console.print(table)
    console.print(
        "数值取截至该日最新的已审核填报；无填报的指标按登记记录统计。差额 = 填报 − 记录。"
    )


def register(root: typer.Typer) -> None:
    @root.command("stats")
    def stats(
        as_of: str | None = typer.Option(
            None, "--as-of", help="截至日期 YYYY-MM-DD，默认今天", show_default=False
        ),
        zone: str | None = typer.Option(None, "--zone", help="高新区名称；不填为全省"),
        fmt: Format = typer.Option(Format.TABLE, "--format", help="输出格式：table 或 json"),
    ) -> None:
        """数说双高协同：截至某日的试点数字（填报数与记录数并列）。"""
        day = _parse_date(as_of)
        try:
            with open_session() as session:
                zone_id = service.find_zone_id(session, zone) if zone else None
                result = service.compute_stats(session, cli_actor(), day, zone_id)
                talent = figures.talent_figures(session, cli_actor(), day, zone_id)
                origins = project_origins(session, cli_actor(), day, zone_id)
        except AppError as exc:
            err_console.print(f"[red]{exc.detail}[/red]")
            raise typer.Exit(code=1) from exc
        if fmt is Format.JSON:
            body = stats_json(result, talent, origins)
            typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            _render_table(result)
            console.print(
                f"合作研发项目记录 {origins.total} 项，其中经合作对接产生："
                f"供需匹配 {origins.match}、对接会会谈 {origins.meeting}、"
                f"直接对接 {origins.manual}；直接登记 {origins.direct}。"
            )
            _render_talent(talent)
