"""``shuanggao planner``: pairing recommendations, the coverage plan to 2027 and its evaluation.

- ``shuanggao planner recommend --zone 名称|ID`` or ``--university 名称|代码|ID`` [--top N]
- ``shuanggao planner plan [--capacity 2] [--partners 1] [--cap 高校=3 ...] [--fix 高新区=高校 ...]
  [--xlsx FILE] [--format table|json]``: the optimised plan next to the greedy one.
- ``shuanggao planner evaluate [--format table|json]``: recall@3/@5 on hidden pairings.
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
from shuanggao.planner import export, service
from shuanggao.planner import repository as repo
from shuanggao.planner.schemas import (
    DEFAULT_CAPACITY,
    CapacityOverride,
    FixedPair,
    PlanRead,
    PlanRequest,
    Recommendations,
)

app = typer.Typer(name="planner", help="结对推荐与 2027 全覆盖结对规划。", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def _fail(exc: AppError) -> typer.Exit:
    err_console.print(f"[red]{exc.detail}[/red]")
    for name, message in exc.fields.items():
        err_console.print(f"  [red]{name}：{message}[/red]")
    return typer.Exit(1)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _zone_id(session: Any, text: str) -> int:
    if text.isdigit():
        return int(text)
    found = repo.zone_ids_by_name(session, [text.strip()])
    if text.strip() not in found:
        err_console.print(f"[red]找不到高新区“{text}”。[/red]")
        raise typer.Exit(2)
    return found[text.strip()]


def _university_id(session: Any, text: str) -> int:
    if text.isdigit() and len(text) < 10:
        return int(text)
    found = repo.university_ids_by_name_or_code(session, [text.strip()])
    if text.strip() not in found:
        err_console.print(f"[red]找不到高校“{text}”。[/red]")
        raise typer.Exit(2)
    return found[text.strip()]


def _split(text: str, option: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left.strip() or not right.strip():
        err_console.print(f"[red]{option} 的值“{text}”格式不正确，应为 名称=值。[/red]")
        raise typer.Exit(2)
    return left.strip(), right.strip()


def _print_recommendations(recs: Recommendations) -> None:
    title = f"{recs.subject_name}：推荐{'高校' if recs.subject == 'zone' else '高新区'}"
    table = Table(title=title)
    for col in ("#", "对象", "综合", "匹配", "契合", "合作", "距离", "理由"):
        table.add_column(col, justify="right" if col in ("#", "综合") else "left")
    for r in recs.results:
        name = r.university_name if recs.subject == "zone" else r.zone_name
        s = r.signals
        table.add_row(
            str(r.rank),
            name + ("（已结对）" if r.paired else ""),
            f"{r.score:.3f}",
            f"{s.matching:.2f}",
            f"{s.fit:.2f}",
            f"{s.cooperation:.2f}",
            f"{s.distance:.2f}",
            "；".join(r.reasons),
        )
    console.print(table)
    console.print(f"匹配方式：{recs.method}；候选 {recs.candidates} 个")


@app.command("recommend")
def recommend(
    zone: str | None = typer.Option(None, "--zone", help="高新区名称或编号"),
    university: str | None = typer.Option(None, "--university", help="高校名称、标识码或编号"),
    top: int = typer.Option(10, "--top", help="列出前 N 个"),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
) -> None:
    """为高新区推荐高校，或为高校推荐最需要其供给的高新区。"""
    if (zone is None) == (university is None):
        err_console.print("[red]请您给出 --zone 或 --university 之一。[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        with open_session() as session:
            if zone is not None:
                recs = service.recommend_for_zone(
                    session, settings, cli_actor(), _zone_id(session, zone), top
                )
            else:
                uid = _university_id(session, str(university))
                recs = service.recommend_for_university(session, settings, cli_actor(), uid, top)
    except AppError as exc:
        raise _fail(exc) from None
    if fmt is Format.JSON:
        _echo_json(recs.model_dump(mode="json"))
    else:
        _print_recommendations(recs)


def plan_summary(plan: PlanRead) -> dict[str, Any]:
    """The plan's headline figures, then its pairs."""
    return {
        "zones": plan.zones,
        "covered": plan.covered,
        "total_affinity": plan.total_affinity,
        "greedy_total_affinity": plan.greedy_total_affinity,
        "greedy_covered": plan.greedy_covered,
        "gain_over_greedy": plan.gain_over_greedy,
        "target_total": plan.target_total,
        "registered": plan.registered,
        "unregistered": plan.unregistered,
        "paired": plan.paired,
        **plan.model_dump(mode="json", include={"parameters", "pairs", "greedy_pairs", "loads"}),
    }


@app.command("plan")
def plan(
    capacity: int = typer.Option(DEFAULT_CAPACITY, "--capacity", help="每所高校最多参与的试点数"),
    partners: int = typer.Option(1, "--partners", help="每个待结对高新区安排的高校数"),
    cap: list[str] = typer.Option([], "--cap", help="单独设置某校容量：高校=容量（可重复）"),
    fix: list[str] = typer.Option([], "--fix", help="固定结对：高新区=高校（可重复）"),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="另存为决策会用的 Excel 文件"),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
) -> None:
    """全省结对规划：在容量内使总亲和度最大，并与贪心方案比较（可固定结对、调整容量）。"""
    settings = get_settings()
    try:
        with open_session() as session:
            caps = []
            for text in cap:
                name, value = _split(text, "--cap")
                if not value.isdigit():
                    err_console.print(f"[red]--cap 的容量“{value}”应为非负整数。[/red]")
                    raise typer.Exit(2)
                caps.append(
                    CapacityOverride(
                        university_id=_university_id(session, name), capacity=int(value)
                    )
                )
            fixed = []
            for text in fix:
                zone_name, uni_name = _split(text, "--fix")
                fixed.append(
                    FixedPair(
                        zone_id=_zone_id(session, zone_name),
                        university_id=_university_id(session, uni_name),
                    )
                )
            request = PlanRequest(
                capacity=capacity, partners=partners, capacities=caps, fixed=fixed
            )
            result = service.make_plan(session, settings, cli_actor(), request)
    except AppError as exc:
        raise _fail(exc) from None
    if xlsx is not None:
        xlsx.write_bytes(export.plan_workbook(result))
        err_console.print(f"已写入 {xlsx}")
    if fmt is Format.JSON:
        _echo_json(plan_summary(result))
        return
    table = Table(title=f"结对规划（截至 {result.as_of.isoformat()}）")
    for col in ("高新区", "设区市", "高校", "亲和度", "固定", "理由"):
        table.add_column(col)
    for p in result.pairs:
        table.add_row(
            p.zone_name,
            p.zone_city,
            p.university_name,
            f"{p.affinity:.3f}",
            "是" if p.fixed else "",
            "；".join(p.reasons),
        )
    console.print(table)
    console.print(
        f"规划目标 {result.target_total} 家（已登记 {result.registered}，未登记 "
        f"{result.unregistered}）；已结对 {result.paired}；本方案安排 {result.covered}/"
        f"{result.zones} 家。总亲和度 {result.total_affinity:.3f}，贪心方案 "
        f"{result.greedy_total_affinity:.3f}（提高 {result.gain_over_greedy:.3f}）。"
    )


@app.command("evaluate")
def evaluate(
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
) -> None:
    """隐藏现有结对，统计推荐结果前 3、前 5 名中找回的比例（recall@3/@5）。"""
    settings = get_settings()
    try:
        with open_session() as session:
            result = service.evaluate(session, settings, cli_actor())
    except AppError as exc:
        raise _fail(exc) from None
    if fmt is Format.JSON:
        _echo_json(result.model_dump(mode="json"))
        return
    table = Table(title=f"隐藏 {result.hidden_pairs} 对结对（{result.zones} 个高新区）后的找回率")
    for col in ("信号", "recall@3", "recall@5", "前3命中", "前5命中"):
        table.add_column(col)
    for f in result.figures:
        table.add_row(
            f.label,
            f"{f.recall_at_3:.3f}",
            f"{f.recall_at_5:.3f}",
            f"{f.hits_at_3:.2f}",
            f"{f.hits_at_5:.2f}",
        )
    console.print(table)
    console.print(f"候选高校 {result.candidates} 所；匹配方式：{result.method}")
    console.print(result.note)
