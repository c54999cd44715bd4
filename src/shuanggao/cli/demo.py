"""``shuanggao demo``: demo data (演示数据), marked as such in the database."""

from __future__ import annotations

import time
from types import ModuleType

import typer
from rich.table import Table

from shuanggao.cli.context import cli_actor, console, err_console, open_session, progress_bar
from shuanggao.demo.context import DemoContext
from shuanggao.demo.loader import demo_modules, load_demo_data, module_label
from shuanggao.errors import AppError

app = typer.Typer(name="demo", help="演示数据（数据库中标记为演示）。", no_args_is_help=True)


@app.command("load")
def load(
    if_empty: bool = typer.Option(
        False, "--if-empty", help="数据库中已有演示数据时不做任何事（首次启动时使用）"
    ),
) -> None:
    """载入演示数据：报道中的结对、事例与数字，以及生成的企业、项目、平台等；可重复执行。"""
    started = time.perf_counter()
    written: list[tuple[str, int]] = []
    ctx = DemoContext()
    try:
        with (
            progress_bar(console, bold=True) as progress,
            open_session(write=True) as session,
        ):
            task = progress.add_task("载入演示数据", total=len(demo_modules()))

            def on_step(label: str) -> None:
                progress.update(task, description=label)

            ctx.on_step = on_step

            def on_module(mod: ModuleType, count: int) -> None:
                written.append((module_label(mod), count))
                progress.advance(task)

            result = load_demo_data(
                session,
                cli_actor(),
                if_empty=if_empty,
                ctx=ctx,
                on_module=on_module,
            )
    except AppError as exc:
        err_console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(code=1) from exc
    if result.skipped:
        console.print("数据库中已有演示数据，未做修改。")
        return
    for note in ctx.notes:
        console.print(note, markup=False, highlight=False)
    table = Table(title="演示数据载入结果")
    table.add_column("内容")
    table.add_column("新增", justify="right")
    for label, count in written:
        table.add_row(label, str(count))
    console.print(table)
    elapsed = time.perf_counter() - started
    if result.total:
        console.print(
            f"[green]演示数据已载入：新增 {result.total} 条（用时 {elapsed:.1f} 秒）[/green]"
        )
    else:
        console.print(f"演示数据已是最新，未做修改（用时 {elapsed:.1f} 秒）。")
