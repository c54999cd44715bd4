"""Lexical build speed (tokenise + vocabulary + BM25 matrix) of rjieba against jieba, same run.

    nice .venv/bin/python bench/tokenize_speed.py [--items 50000] [--jobs 1,2] [--baseline-items N]

Items are the scale bench's (a title of one real CSL/FewCLUE clause and a body of four, ~200
characters, from ``var/bench`` when present). Each configuration builds a fresh lexical-only
``Matcher`` with ``add(docs, n_jobs=J)`` + ``refresh()``, exactly what the scale bench times as
"lexical build items/s". For the default backend the build is also split into its phases
(normalisation, segmentation, token filtering, vocabulary/bag encoding, BM25 matrix) in one
process. The load average is printed: compare ratios within one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from shuanggao_matching import ChineseTokenizer, Matcher
from shuanggao_matching.bench import _generate_items, _sentences
from shuanggao_matching.lexical import BM25Index, Vocabulary, field_counts
from shuanggao_matching.text import normalize
from shuanggao_matching.types import Document


def _build(docs: list[Document], backend: str, n_jobs: int) -> float:
    tok = ChineseTokenizer(backend=backend)  # type: ignore[arg-type]
    tok.warm_up()
    matcher = Matcher(tokenizer=tok, encoder=None)
    start = time.perf_counter()
    matcher.add(docs, n_jobs=n_jobs)
    matcher.refresh()
    return time.perf_counter() - start


def _phases(docs: list[Document]) -> dict[str, float]:
    """Seconds per phase of a single-process build with the default tokenizer."""
    tok = ChineseTokenizer()
    tok.warm_up()
    seg = tok._tk()
    texts = [t for d in docs for t in (d.title, d.body)]
    out: dict[str, float] = {}
    start = time.perf_counter()
    norms = [normalize(t) for t in texts]
    out["normalise"] = time.perf_counter() - start
    start = time.perf_counter()
    words = [seg.cut_for_search(n, False) for n in norms]
    out["segment"] = time.perf_counter() - start
    start = time.perf_counter()
    kept = tok._kept
    _ = [list(filter(None, map(kept.__getitem__, w))) for w in words]
    out["filter"] = time.perf_counter() - start
    tokens = [field_counts(tok, d.title, d.keywords, d.body, Matcher().field_weights) for d in docs]
    vocab = Vocabulary()
    start = time.perf_counter()
    bags = [vocab.encode_bag(t) for t in tokens]
    out["encode"] = time.perf_counter() - start
    start = time.perf_counter()
    BM25Index(k1=1.5, b=0.5, dtype="float16").build(bags, len(vocab))
    out["bm25"] = time.perf_counter() - start
    return {k: round(v, 3) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--jobs", default="1,2", help="tokenizer processes to try")
    parser.add_argument(
        "--baseline-items",
        type=int,
        default=None,
        help="items for the jieba baseline (default: --items; 0 skips it)",
    )
    parser.add_argument("--datasets", type=Path, default=Path("var/bench"))
    args = parser.parse_args(argv)
    clauses = _sentences(args.datasets if args.datasets.exists() else None)
    docs = list(_generate_items(args.items, clauses, seed=args.items))
    n_base = args.items if args.baseline_items is None else args.baseline_items
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    result: dict[str, Any] = {
        "items": args.items,
        "chars_per_item": round(sum(len(d.title) + len(d.body) for d in docs) / len(docs), 1),
        "cpu_count": os.cpu_count(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
        "items_per_s": {},
    }
    rates: dict[str, Any] = result["items_per_s"]
    for n_jobs in jobs:
        rates[f"rjieba_jobs{n_jobs}"] = round(args.items / _build(docs, "rjieba", n_jobs))
        if n_base:
            rate = n_base / _build(docs[:n_base], "jieba", n_jobs)
            rates[f"jieba_jobs{n_jobs}"] = round(rate)
            rates[f"ratio_jobs{n_jobs}"] = round(rates[f"rjieba_jobs{n_jobs}"] / rate, 2)
    result["phases_s_rjieba_1_process"] = _phases(docs)
    result["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
