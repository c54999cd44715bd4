"""Latency, memory, build speed and graph recall of hybrid matching on 10k / 100k / 1M items.

    nice .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--format json] \
        [--vectors synthetic|real] [--vectors-dir DIR] [--embed-missing]

Same as ``shuanggao bench scale``; see ``shuanggao_matching_bench.run_scale_bench``. Exits 1
when the dense index's recall@10 by distance is below 0.95 at any size.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shuanggao_matching_bench import recall_failures, run_scale_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2, help="tokenizer processes")
    parser.add_argument("--source", type=Path, default=Path("../shared/data"))
    parser.add_argument("--vectors", choices=("synthetic", "real"), default="synthetic")
    parser.add_argument(
        "--vectors-dir",
        type=Path,
        default=None,
        help="fragment vector cache (default $SHUANGGAO_BENCH_VECTORS or "
        "var/bench/cache/real_fragments)",
    )
    parser.add_argument(
        "--embed-missing",
        action="store_true",
        help="with --vectors real, embed fragments missing from the cache first (hours here)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="seconds to wait for a load average below --quiet-load before measuring latency",
    )
    parser.add_argument("--quiet-load", type=float, default=1.5)
    parser.add_argument(
        "--real-lexical-max",
        type=int,
        default=100_000,
        help="items tokenised for real; above it the token bags are repeated",
    )
    parser.add_argument(
        "--graph-threshold", type=int, default=None, help="graph index from this many vectors"
    )
    parser.add_argument(
        "--ef-search", type=int, default=None, help="the graph's ef_search (default: the index's)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    result = run_scale_bench(
        sizes,
        source_dir=args.source,
        vectors=args.vectors,
        vectors_dir=args.vectors_dir,
        embed_missing=args.embed_missing,
        n_queries=args.queries,
        n_jobs=args.jobs,
        quiet_wait_s=args.quiet_wait,
        quiet_load=args.quiet_load,
        real_lexical_max=args.real_lexical_max,
        graph_threshold=args.graph_threshold,
        ef_search=args.ef_search,
        out=sys.stdout,
        fmt=args.format,
    )
    failures = recall_failures(result)
    for line in failures:
        print(f"recall below the floor: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
