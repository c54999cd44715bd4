"""``shuanggao matching reindex`` and ``shuanggao match demand|supply``.

- ``shuanggao matching reindex [--incremental] [--classifiers]``: rebuild the search index from
  the database (vectors of unchanged texts come from the embedding cache), with a progress bar.
- ``shuanggao matching map --zone NAME|--university NAME|--all --out FILE.xlsx``: the batch
  two-way map (every need × its best supply, every item × the needs it answers, gaps, unused
  supply) as a workbook, with a progress bar.
- ``shuanggao match demand ID|--text TEXT [--top N] [--format table|json]`` and
  ``shuanggao match supply ID [--top N] [--format table|json]``: ranked results with reasons.
  The JSON lists ``{"kind", "id", "title", "owner", "score", "reasons"}`` under ``results``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session, progress_bar
from shuanggao.config import get_settings
from shuanggao.demandmap import batch as map_batch
from shuanggao.demandmap import export as map_export
from shuanggao.demandmap import repository as map_repo
from shuanggao.errors import AppError, NotFound
from shuanggao.matches import dup_eval, service
from shuanggao.matches.duplicates import FLAG_AT
from shuanggao.matches.service import MatchRun, SearchOptions

_SIDES = {"supply": "技术供给", "demand": "产业需求"}


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _fail(exc: AppError) -> typer.Exit:
    err_console.print(f"[red]{exc.detail}[/red]")
    for name, message in exc.fields.items():
        err_console.print(f"  [red]{name}：{message}[/red]")
    return typer.Exit(1)


def _print_run(run: MatchRun, fmt: OutputFormat, title: str) -> None:
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(run.results().model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    if run.note:
        err_console.print(f"[yellow]{run.note}[/yellow]")
    table = Table(title=title)
    table.add_column("#", justify="right")
    table.add_column("类型")
    table.add_column("ID", justify="right")
    table.add_column("名称")
    table.add_column("归属")
    table.add_column("得分", justify="right")
    table.add_column("共有词")
    labels = {"supply_item": "技术供给", "demand": "产业需求"}
    for hit in run.hits:
        terms = "、".join(t["term"] for t in hit.reasons.get("shared_terms", [])[:6])
        table.add_row(
            str(hit.rank),
            labels.get(hit.kind, hit.kind),
            str(hit.obj.id),
            hit.title,
            hit.owner or "—",
            f"{hit.score:.3f}",
            terms or "—",
        )
    console.print(table)
    if run.filters_applied:
        console.print("筛选条件：" + "；".join(run.filters_applied))
    console.print(f"匹配方式：{run.method}")


matching_app = typer.Typer(name="matching", help="供需匹配索引。", no_args_is_help=True)
match_app = typer.Typer(
    name="match", help="供需匹配：需求找供给、供给找需求。", no_args_is_help=True
)


@matching_app.command("reindex")
def reindex(
    incremental: bool = typer.Option(
        False, "--incremental", help="只处理变化的记录（默认全部重建）"
    ),
    with_classifiers: bool = typer.Option(
        False, "--classifiers", help="同时为行业、产业链节点、学科分类器建立语义向量"
    ),
) -> None:
    """重建供需匹配索引（未变化文本的向量取自缓存，不会重复计算）。"""
    settings = get_settings()
    try:
        with progress_bar(err_console) as bar:
            tasks: dict[str, Any] = {}

            def progress(side: str, done: int, total: int) -> None:
                if side not in tasks:
                    label = f"索引{_SIDES.get(side, side)}"
                    tasks[side] = bar.add_task(label, total=total or None)
                bar.update(tasks[side], completed=done, total=total or None)

            def classifier_step(name: str) -> None:
                label = {"industry": "行业", "chain_node": "产业链节点", "discipline": "学科"}
                bar.add_task(f"准备{label.get(name, name)}分类器", total=None)

            with open_session() as session:
                index, report = service.reindex(
                    session,
                    settings,
                    cli_actor(),
                    full=not incremental,
                    progress=progress,
                    prepare_classifiers=classifier_step,
                    with_classifiers=with_classifiers,
                )
    except AppError as exc:
        raise _fail(exc) from None
    if index.note:
        err_console.print(f"[yellow]{index.note}[/yellow]")
    console.print(
        f"[green]索引已更新：[/green]技术供给 {index.size('supply')} 条，"
        f"产业需求 {index.size('demand')} 条（新增 {report.added}，更新 {report.updated}，"
        f"移除 {report.removed}）；匹配方式：{index.method}。"
    )


@matching_app.command("map")
def batch_map(
    out: Path = typer.Option(..., "--out", help="输出的 Excel 文件（.xlsx）"),
    zone: str | None = typer.Option(None, "--zone", help="高新区名称：该区需求 × 结对高校供给"),
    university: str | None = typer.Option(
        None, "--university", help="高校名称：该校供给 × 结对高新区需求"
    ),
    province: bool = typer.Option(False, "--all", help="全省：全部需求 × 全部供给"),
) -> None:
    """双向匹配表：每条需求的最佳供给、每条供给回答的需求、缺口与未被需要的供给。"""
    if out.suffix.lower() != ".xlsx":
        err_console.print("[red]--out 应为 .xlsx 文件[/red]")
        raise typer.Exit(1)
    settings = get_settings()
    labels = {"needs": "需求找供给", "supply": "供给找需求"}
    try:
        with open_session() as session:
            zone_id = university_id = None
            if zone is not None:
                found = map_repo.zone_by_name(session, zone)
                if found is None:
                    raise NotFound(f"没有名为“{zone}”的高新区。")
                zone_id = found.id
            if university is not None:
                uni = map_repo.university_by_name(session, university)
                if uni is None:
                    raise NotFound(f"没有名为“{university}”的高校。")
                university_id = uni.id
            started = time.perf_counter()
            with progress_bar(err_console) as bar:
                tasks: dict[str, Any] = {}

                def progress(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bar.add_task(labels[stage], total=total or None)
                    bar.update(tasks[stage], completed=done, total=total or None)

                result = map_batch.batch_map(
                    session,
                    settings,
                    cli_actor(),
                    zone_id=zone_id,
                    university_id=university_id,
                    province=province,
                    progress=progress,
                )
            data = map_export.batch_workbook(result)
            seconds = time.perf_counter() - started
    except AppError as exc:
        raise _fail(exc) from None
    out.write_bytes(data)
    console.print(
        f"[green]双向匹配表已写入 {out}[/green]：{result.scope_name}，需求 {len(result.needs)} 条"
        f"（缺口 {len(result.gaps)}），供给 {len(result.supply)} 条"
        f"（未被需要 {len(result.unused)}），"
        f"匹配方式：{result.method}，用时 {seconds:.1f} 秒。"
    )


@match_app.command("demand")
def match_demand(
    demand_id: int | None = typer.Argument(None, help="产业需求 ID"),
    text: str | None = typer.Option(None, "--text", help="直接按一段需求描述匹配"),
    top: int = typer.Option(10, "--top", help="返回条数"),
    paired_only: bool = typer.Option(False, "--paired-only", help="只在结对高校范围内匹配"),
    mode_compatible: bool = typer.Option(
        False, "--mode-compatible", help="只要与合作方式相符的供给"
    ),
    min_maturity: int | None = typer.Option(None, "--min-maturity", help="科技成果最低 TRL"),
    fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="table 或 json"),
) -> None:
    """需求找供给：按需求 ID 或一段描述列出匹配的技术供给及理由。"""
    if (demand_id is None) == (text is None):
        err_console.print("[red]请给出需求 ID，或用 --text 给出需求描述（二者选一）。[/red]")
        raise typer.Exit(2)
    opts = SearchOptions(top, paired_only, mode_compatible, min_maturity)
    settings = get_settings()
    try:
        with open_session() as session:
            if text is not None:
                run = service.match_text(session, settings, cli_actor(), text, opts)
                title = "需求描述的匹配结果"
            else:
                assert demand_id is not None
                run = service.match_demand(session, settings, cli_actor(), demand_id, opts)
                title = f"产业需求 #{demand_id} 的匹配结果"
            _print_run(run, fmt, title)
    except AppError as exc:
        raise _fail(exc) from None


@match_app.command("supply")
def match_supply(
    item_id: int = typer.Argument(..., help="技术供给清单条目 ID"),
    top: int = typer.Option(10, "--top", help="返回条数"),
    paired_only: bool = typer.Option(False, "--paired-only", help="只在结对高新区范围内匹配"),
    fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="table 或 json"),
) -> None:
    """供给找需求：列出与一条技术供给匹配的产业需求及理由。"""
    settings = get_settings()
    try:
        with open_session() as session:
            run = service.match_supply(
                session, settings, cli_actor(), item_id, SearchOptions(top, paired_only)
            )
            _print_run(run, fmt, f"技术供给 #{item_id} 的匹配需求")
    except AppError as exc:
        raise _fail(exc) from None


@matching_app.command("duplicates-eval")
def duplicates_eval(
    pairs: Path = typer.Option(
        dup_eval.DEFAULT_PAIRS,
        "--pairs",
        help="标注的需求对（CSV，见 scripts/build_duplicate_pairs.py）",
    ),
    show_sweep: bool = typer.Option(False, "--sweep", help="列出每个阈值的查准率和查全率"),
) -> None:
    """重复需求识别：在标注集上计算所用阈值的查准率（precision）和查全率（recall）。"""
    if not pairs.is_file():
        err_console.print(f"[red]找不到标注文件：{pairs}[/red]")
        raise typer.Exit(1)
    scored = dup_eval.score_pairs(pairs)
    labels = Counter(s.label for s in scored)
    console.print(
        f"标注需求对 {len(scored)} 对：" + "，".join(f"{k} {v}" for k, v in sorted(labels.items()))
    )
    if show_sweep:
        for pr in dup_eval.sweep(scored):
            console.print(
                f"阈值 {pr.threshold:.2f}  precision {pr.precision:.3f}  "
                f"recall {pr.recall:.3f}  F1 {pr.f1:.3f}"
            )
    used = dup_eval.at_threshold(scored, FLAG_AT)
    console.print(
        f"所用阈值 {FLAG_AT:.2f}：precision {used.precision:.3f}，recall {used.recall:.3f}，"
        f"F1 {used.f1:.3f}（标记 {used.flagged} 对，应标记 {used.positives} 对）"
    )
    for n, (chosen, pr) in enumerate(dup_eval.two_fold(scored), start=1):
        console.print(
            f"二折检验 {n}：在一半标注上选出阈值 {chosen:.2f}，在另一半上 "
            f"precision {pr.precision:.3f}，recall {pr.recall:.3f}"
        )


def register(root: typer.Typer) -> None:
    root.add_typer(matching_app, name="matching")
    root.add_typer(match_app, name="match")
