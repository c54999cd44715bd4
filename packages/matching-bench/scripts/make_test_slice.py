"""Cut the small checked-in quality slice out of the topical data set (dev split only).

Usage (from the repository root, after ``bench/build_datasets.py``)::

    .venv/bin/python packages/matching-bench/scripts/make_test_slice.py \
        --dataset var/bench/topical --out packages/matching-bench/tests/data/topical_dev_slice

It keeps ``--queries`` dev queries that have 2 to 8 relevant documents (chosen with a fixed seed),
all their relevant documents, and random other documents of the pool as distractors, up to
``--docs`` documents in all. Test data only: no test-split row is used.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from shuanggao_matching.evaluate import load_beir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path("var/bench/topical"))
    parser.add_argument(
        "--out", type=Path, default=Path("packages/matching-bench/tests/data/topical_dev_slice")
    )
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--docs", type=int, default=400)
    args = parser.parse_args()
    ds = load_beir(args.dataset)
    rng = random.Random(20261127)
    dev = ds.qrels["dev"]
    eligible = sorted(q for q, rel in dev.items() if 2 <= len(rel) <= 8)
    chosen = sorted(rng.sample(eligible, min(args.queries, len(eligible))))
    keep: set[str] = set(chosen) & set(ds.corpus)
    for q in chosen:
        keep.update(dev[q])
    others = sorted(set(ds.corpus) - keep)
    rng.shuffle(others)
    for doc_id in others:
        if len(keep) >= args.docs:
            break
        keep.add(doc_id)
    out: Path = args.out
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id in sorted(keep):
            title, text = ds.corpus[doc_id]
            fh.write(json.dumps({"_id": doc_id, "title": title, "text": text}, ensure_ascii=False))
            fh.write("\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for q in chosen:
            fh.write(json.dumps({"_id": q, "text": ds.queries[q]}, ensure_ascii=False) + "\n")
    with (out / "qrels" / "dev.tsv").open("w", encoding="utf-8") as fh:
        fh.write("query-id\tcorpus-id\tscore\n")
        for q in chosen:
            for doc_id in sorted(dev[q]):
                fh.write(f"{q}\t{doc_id}\t{dev[q][doc_id]}\n")
    print(f"{len(chosen)} queries, {len(keep)} documents -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
