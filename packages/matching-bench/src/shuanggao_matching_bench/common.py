"""What the benchmarks share: the embedding cache's default path, progress callbacks,
percentiles, timers and the per-method summary row."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from shuanggao_matching import Encoder, load_encoder

__all__ = [
    "DEFAULT_CACHE",
    "MB",
    "ProgressFactory",
    "encoder_from",
    "noop_progress",
    "percentile",
    "summary_row",
    "timer",
]

DEFAULT_CACHE = Path("var/bench/cache/embeddings.npz")
ProgressFactory = Callable[[str, int], Callable[[int], None]]
MB = 1024 * 1024


def noop_progress(_desc: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[idx]


def summary_row(
    metrics: dict[str, float], latencies: list[float], build_s: float, memory_bytes: int
) -> dict[str, float]:
    return {
        "ndcg@10": round(metrics["ndcg@10"], 4),
        "recall@10": round(metrics["recall@10"], 4),
        "mrr@10": round(metrics["mrr@10"], 4),
        "accuracy": round(metrics["accuracy"], 4),
        "latency_ms_p50": round(percentile(latencies, 0.5) * 1000, 2),
        "latency_ms_p95": round(percentile(latencies, 0.95) * 1000, 2),
        "build_s": round(build_s, 3),
        "memory_mb": round(memory_bytes / MB, 3),
    }


@contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def encoder_from(name: str | Encoder | None) -> Encoder | None:
    if name is None or isinstance(name, str):
        return load_encoder(name or "none")
    return name
