"""Latency, memory and build speed of hybrid matching on 10k / 100k / 1M generated items.

    nice .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--format json]

Same as ``shuanggao bench scale``; see ``shuanggao_matching.bench.run_scale_bench``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shuanggao_matching.bench import run_scale_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2, help="tokenizer processes")
    parser.add_argument("--datasets", type=Path, default=Path("var/bench"))
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
        help="items tokenised for real; above it the token bags are replicated",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    run_scale_bench(
        sizes,
        datasets_dir=args.datasets,
        n_queries=args.queries,
        n_jobs=args.jobs,
        quiet_wait_s=args.quiet_wait,
        quiet_load=args.quiet_load,
        real_lexical_max=args.real_lexical_max,
        out=sys.stdout,
        fmt=args.format,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
