"""``shuanggao reference``: load the reference data shipped in the package."""

from __future__ import annotations

import time

import typer
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session, progress_bar
from shuanggao.reference.errors import ReferenceLoadFailed
from shuanggao.reference_loader import STEPS, Counts, Step, load_reference

app = typer.Typer(
    name="reference", help="参考数据（行业分类、学科目录、高校、高新区、试点公开信息）。"
)


@app.command("load")
def load() -> None:
    """载入随软件提供的参考数据；可重复执行，第二次执行不做任何修改。"""
    started = time.perf_counter()
    try:
        with (
            progress_bar(console, bold=True) as progress,
            open_session() as session,
        ):
            task = progress.add_task("载入参考数据", total=len(STEPS))

            def advance(step: Step, counts: Counts) -> None:
                progress.update(task, advance=1, description=f"已载入{step.label}")

            report = load_reference(session, cli_actor(), on_step=advance)
    except ReferenceLoadFailed as exc:
        err_console.print(f"[red]{exc.detail}[/red]")
        for problem in exc.problems:
            err_console.print(f"  - {problem}")
        raise typer.Exit(code=1) from exc

    table = Table(title="参考数据载入结果")
    table.add_column("数据")
    table.add_column("新增", justify="right")
    table.add_column("更新", justify="right")
    table.add_column("未变", justify="right")
    for key, counts in report.steps.items():
        table.add_row(
            report.labels[key], str(counts.created), str(counts.updated), str(counts.unchanged)
        )
    console.print(table)
    totals = report.totals
    elapsed = time.perf_counter() - started
    if totals.changed:
        console.print(f"[green]参考数据已载入：{totals.summary()}（用时 {elapsed:.1f} 秒）[/green]")
    else:
        console.print(f"参考数据已是最新，未做修改：{totals.summary()}（用时 {elapsed:.1f} 秒）")
