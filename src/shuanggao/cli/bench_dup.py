"""``shuanggao bench dup-save``: what saving a demand costs as the register grows (the duplicate
check at N stored needs, next to the same save without it, in the same run).

Added to the ``bench`` group from its own module (``register`` runs after ``bench`` is loaded);
the harness is ``bench/dup_save.py`` of the checkout (kept out of the runtime package).
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

import typer

from shuanggao.cli.context import console, err_console


def _load_harness() -> Any:
    import shuanggao

    path = Path(shuanggao.__file__).resolve().parents[2] / "bench" / "dup_save.py"
    spec = importlib.util.spec_from_file_location("shuanggao_bench_dup_save", path)
    if spec is None or spec.loader is None or not path.exists():
        err_console.print(f"[red]找不到基准测试脚本 {path}（需要在源码检出中运行）。[/red]")
        raise typer.Exit(2)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dup_save(
    sizes: str = typer.Option("1000,10000,50000", "--sizes", help="逗号分隔的已登记需求数"),
    saves: int = typer.Option(40, "--saves", min=2, help="每个规模、每个角色的保存次数"),
    scan_saves: int = typer.Option(10, "--scan-saves", min=1, help="其中对照全量扫描的次数"),
    directory: Path = typer.Option(
        Path("var/bench-dup"), "--dir", help="基准数据库目录（再次运行时复用）"
    ),
    fmt: str = typer.Option("table", "--format", help="table 或 json"),
) -> None:
    """保存一条需求的耗时（含重复需求检查）随已登记需求数的变化，对照同次运行中不做检查的保存
    与全量扫描。"""
    harness = _load_harness()
    size_list = [int(s) for s in sizes.replace("_", "").split(",") if s.strip()]
    buffer = io.StringIO()
    harness.run_dup_bench(size_list, saves, scan_saves, directory, buffer, fmt)
    console.print(buffer.getvalue(), markup=False, highlight=False, soft_wrap=True, end="")


def register(root: typer.Typer) -> None:
    from shuanggao.cli.bench import app as bench

    bench.command("dup-save")(dup_save)
