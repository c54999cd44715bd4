"""The ``chain`` data set: a need named like a product of an industry chain → the GB/T 4754
小类 it belongs to, with industry codes on both sides, so code evidence can be measured.

Input: ``industry_gbt4754/gbt4754_2017_flat.csv`` and ``gbt4754_tag_mapping.csv`` of
``shared/data`` (GB/T 4754-2017 with its 战略性新兴产业(2018) mapping, see PROVENANCE.md there).

* corpus: the 469 小类 of the 战略性新兴产业 table (the classes chain nodes are drawn from; the
  other 913 小类 are left out to keep the dense side affordable on 2 shared cores): title = its
  name, text = the standard's 说明 (what it includes and excludes), ``codes`` = its code with
  the 门类 letter (``C3841``). The 重点产品 lists are **never** in the corpus: they define the
  labels.
* queries: every distinct 重点产品 of the 战略性新兴产业 table (``"锂离子电池正极材料"``);
  ``codes`` = the 大类 of its class (``C38``): what a need filed under an industry, or placed on
  a chain whose nodes lie in that 大类, carries. The 小类 itself is never given (it is the
  answer), nor the chain node's codes (a node of the tree often has a single 小类, which would
  give the answer away).
* relevant: the 小类 whose 重点产品 list names the product (one per product in this edition).

Dev and test are split **by class**: a class's products are all in dev or all in test
(``crc32(code) % 2``), so nothing tuned on dev has seen a test class's products.
"""

from __future__ import annotations

import csv
import json
import zlib
from pathlib import Path

__all__ = ["CHAIN_SOURCE", "build_chain_dataset", "chain_split"]

CHAIN_SOURCE = Path("industry_gbt4754")


def chain_split(code: str) -> str:
    """``dev`` or ``test`` for a 小类 code (the same for all its products)."""
    return "dev" if zlib.crc32(code.encode("ascii")) % 2 == 0 else "test"


def build_chain_dataset(source: Path, out: Path) -> tuple[int, dict[str, int]]:
    """Write the ``chain`` data set (BEIR layout plus ``codes`` on corpus rows and queries)
    from ``source`` (a ``shared/data``-like directory) into ``out``; returns (docs, queries per
    split)."""
    base = source / CHAIN_SOURCE
    classes: dict[str, tuple[str, str, str]] = {}
    with (base / "gbt4754_2017_flat.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["level"] == "4":
                classes[row["code"]] = (row["section"], row["name"], row["description"])
    products: dict[str, str] = {}
    strategic: set[str] = set()
    with (base / "gbt4754_tag_mapping.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["tag"] != "strategic" or row["code"] not in classes:
                continue
            strategic.add(row["code"])
            for product in row["products"].split("|"):
                text = product.strip()
                if text and text not in products:
                    products[text] = row["code"]
    classes = {code: v for code, v in classes.items() if code in strategic}
    out.mkdir(parents=True, exist_ok=True)
    (out / "qrels").mkdir(exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for code, (section, name, description) in classes.items():
            row = {"_id": code, "title": name, "text": description, "codes": [section + code]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    qrels: dict[str, list[tuple[str, str]]] = {"dev": [], "test": []}
    numbered: dict[str, int] = {}
    with (out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for text, code in products.items():
            n = numbered[code] = numbered.get(code, 0) + 1
            qid = f"{code}#{n}"
            section = classes[code][0]
            row = {"_id": qid, "text": text, "codes": [section + code[:2]]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            qrels[chain_split(code)].append((qid, code))
    counts: dict[str, int] = {}
    for split, rows in qrels.items():
        with (out / "qrels" / f"{split}.tsv").open("w", encoding="utf-8") as fh:
            fh.write("query-id\tcorpus-id\tscore\n")
            for qid, did in rows:
                fh.write(f"{qid}\t{did}\t1\n")
        counts[split] = len(rows)
    return len(classes), counts
