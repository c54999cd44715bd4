"""Build the topical, known-item and routing benchmark data sets (BEIR layout).

    .venv/bin/python bench/build_datasets.py [--source ../shared/data] [--out var/bench]

Same as ``shuanggao bench build-datasets``; see ``shuanggao_matching_bench.datasets``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shuanggao_matching_bench import build_benchmark_datasets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    args = parser.parse_args(argv)
    for summary in build_benchmark_datasets(args.source, args.out):
        print(f"{summary.name}: {summary.docs} docs, queries {summary.queries} -> {summary.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
