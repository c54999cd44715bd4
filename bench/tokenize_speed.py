"""Lexical build speed (tokenise + vocabulary + BM25 matrix) of rjieba against jieba, same run.

    nice .venv/bin/python bench/tokenize_speed.py [--items 20000] [--jobs 1,2] [--rounds 3]

Items are the scale bench's (a title of one real CSL/FewCLUE clause and a body of four, ~200
characters, from the shared data). Each measurement builds a fresh lexical-only
``Matcher`` with ``add(docs, n_jobs=J)`` + ``refresh()``, exactly what the scale bench times as
"lexical build items/s". The backends alternate for ``--rounds`` rounds and the best round of
each is reported, with the CPU seconds per 1,000 items (this process and its tokenizer workers),
which a busy machine disturbs far less than wall time. For the default backend the build is
also split into its phases (normalisation, segmentation, token filtering, term counting, bag
encoding, BM25 matrix) in one process. Compare ratios within one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from shuanggao_matching import ChineseTokenizer, Matcher
from shuanggao_matching.lexical import BM25Index, Vocabulary, count_chunk
from shuanggao_matching.text import normalize
from shuanggao_matching.types import Document
from shuanggao_matching_bench import clauses, generate_items


def _build(docs: list[Document], backend: str, n_jobs: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its workers) of one lexical build."""
    gc.collect()  # nothing of the previous build is left in the heap that workers fork
    tok = ChineseTokenizer(backend=backend)  # type: ignore[arg-type]
    tok.warm_up()
    matcher = Matcher(tokenizer=tok, encoder=None)
    cpu0 = os.times()
    start = time.perf_counter()
    matcher.add(docs, n_jobs=n_jobs)
    matcher.refresh()
    wall = time.perf_counter() - start
    cpu1 = os.times()
    cpu = sum(cpu1[:4]) - sum(cpu0[:4])  # user + system, self + waited-for children
    return wall, cpu


def _phases(docs: list[Document]) -> dict[str, float]:
    """Seconds per phase of a single-process build with the default tokenizer."""
    tok = ChineseTokenizer()
    tok.warm_up()
    seg = tok._tk()
    weights = Matcher().field_weights
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
    items = [(d.title, d.keywords, d.body) for d in docs]
    start = time.perf_counter()
    chunks = [count_chunk(tok, items[i : i + 256], weights) for i in range(0, len(items), 256)]
    out["tokenize+count (all above)"] = time.perf_counter() - start
    vocab = Vocabulary()
    start = time.perf_counter()
    bags = [bag for chunk in chunks for bag in vocab.encode_chunk(chunk)]
    out["encode"] = time.perf_counter() - start
    start = time.perf_counter()
    BM25Index(k1=1.5, b=0.5, dtype="float16").build(bags, len(vocab))
    out["bm25"] = time.perf_counter() - start
    return {k: round(v, 3) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--jobs", default="1,2", help="tokenizer processes to try")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the jieba backend")
    parser.add_argument("--source", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    docs = list(generate_items(args.items, clauses(args.source), seed=args.items))
    backends = ["rjieba"] if args.no_baseline else ["rjieba", "jieba"]
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    result: dict[str, Any] = {
        "items": args.items,
        "chars_per_item": round(sum(len(d.title) + len(d.body) for d in docs) / len(docs), 1),
        "cpu_count": os.cpu_count(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
    }
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.rounds):
        for n_jobs in jobs:
            for backend in backends:
                wall, cpu = _build(docs, backend, n_jobs)
                key = f"{backend}_jobs{n_jobs}"
                old = best.get(key)
                best[key] = (wall, cpu) if old is None else (min(old[0], wall), min(old[1], cpu))
    result["items_per_s"] = {k: round(args.items / w) for k, (w, _) in best.items()}
    result["cpu_s_per_1000_items"] = {
        k: round(c * 1000 / args.items, 3) for k, (_, c) in best.items()
    }
    if not args.no_baseline:
        result["ratio_rjieba_over_jieba"] = {
            f"jobs{j}": {
                "items_per_s": round(best[f"jieba_jobs{j}"][0] / best[f"rjieba_jobs{j}"][0], 2),
                "cpu": round(best[f"jieba_jobs{j}"][1] / best[f"rjieba_jobs{j}"][1], 2),
            }
            for j in jobs
        }
    result["phases_s_rjieba_1_process"] = _phases(docs)
    result["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
