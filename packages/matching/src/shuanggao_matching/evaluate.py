"""Retrieval metrics and BEIR-layout data sets.

A data set directory holds ``corpus.jsonl`` (``_id``, ``title``, ``text``), ``queries.jsonl``
(``_id``, ``text``), both with optional classification ``codes`` (a list), and
``qrels/<split>.tsv`` (header ``query-id corpus-id score``). An optional ``examples.jsonl``
(``text``, ``label``) marks a *routing* data set: the corpus documents are labels, the examples
are labelled texts for the classifier.

Metrics follow BEIR / pytrec_eval: nDCG@k with linear gains (the qrels score) and log2
discounts, Recall@k = relevant retrieved in the top k / relevant, MRR@k, and accuracy = the share
of queries whose first result is relevant. As in BEIR, a result whose id equals the query id is
ignored.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BeirDataset",
    "accuracy_at_1",
    "evaluate_run",
    "load_beir",
    "mrr_at_k",
    "ndcg_at_k",
    "recall_at_k",
]


@dataclass(frozen=True)
class BeirDataset:
    name: str
    corpus: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: dict[str, dict[str, dict[str, int]]]
    examples: list[tuple[str, str]] | None = None
    # Classification codes of documents and queries (GB/T 4754 …), where the rows carry them.
    corpus_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    query_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_routing(self) -> bool:
        return self.examples is not None

    def split_queries(self, split: str) -> dict[str, str]:
        rel = self.qrels.get(split, {})
        return {qid: self.queries[qid] for qid in rel if qid in self.queries}


def load_beir(directory: str | Path) -> BeirDataset:
    root = Path(directory)
    corpus: dict[str, tuple[str, str]] = {}
    corpus_codes: dict[str, tuple[str, ...]] = {}
    with (root / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                corpus[str(row["_id"])] = (str(row.get("title") or ""), str(row.get("text") or ""))
                if row.get("codes"):
                    corpus_codes[str(row["_id"])] = tuple(str(c) for c in row["codes"])
    queries: dict[str, str] = {}
    query_codes: dict[str, tuple[str, ...]] = {}
    with (root / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                queries[str(row["_id"])] = str(row["text"])
                if row.get("codes"):
                    query_codes[str(row["_id"])] = tuple(str(c) for c in row["codes"])
    qrels: dict[str, dict[str, dict[str, int]]] = {}
    qdir = root / "qrels"
    if qdir.is_dir():
        for path in sorted(qdir.glob("*.tsv")):
            split: dict[str, dict[str, int]] = {}
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh, delimiter="\t")
                header = next(reader, None)
                if header and header[0] != "query-id":
                    raise ValueError(f"{path}: expected the header 'query-id corpus-id score'")
                for row in reader:
                    if len(row) >= 3 and int(row[2]) > 0:
                        split.setdefault(row[0], {})[row[1]] = int(row[2])
            qrels[path.stem] = split
    examples: list[tuple[str, str]] | None = None
    if (root / "examples.jsonl").exists():
        examples = []
        with (root / "examples.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    examples.append((str(row["text"]), str(row["label"])))
    return BeirDataset(root.name, corpus, queries, qrels, examples, corpus_codes, query_codes)


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    if not relevant:
        return 0.0
    return sum(1 for doc in ranked[:k] if doc in relevant) / len(relevant)


def mrr_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    for i, doc in enumerate(ranked[:k]):
        if doc in relevant:
            return 1.0 / (i + 1)
    return 0.0


def accuracy_at_1(ranked: Sequence[str], relevant: Mapping[str, int]) -> float:
    return 1.0 if ranked and ranked[0] in relevant else 0.0


def evaluate_run(
    run: Mapping[str, Sequence[str]],
    qrels: Mapping[str, Mapping[str, int]],
    *,
    k: int = 10,
    ignore_identical_ids: bool = True,
) -> dict[str, float]:
    """Mean nDCG@k, Recall@k, MRR@k and accuracy over the queries of ``qrels``.

    A query missing from ``run`` counts as an empty ranking.
    """
    totals = {f"ndcg@{k}": 0.0, f"recall@{k}": 0.0, f"mrr@{k}": 0.0, "accuracy": 0.0}
    n = 0
    for qid, relevant in qrels.items():
        ranked = list(run.get(qid, ()))
        if ignore_identical_ids:
            ranked = [d for d in ranked if d != qid]
        totals[f"ndcg@{k}"] += ndcg_at_k(ranked, relevant, k)
        totals[f"recall@{k}"] += recall_at_k(ranked, relevant, k)
        totals[f"mrr@{k}"] += mrr_at_k(ranked, relevant, k)
        totals["accuracy"] += accuracy_at_1(ranked, relevant)
        n += 1
    return {name: (value / n if n else 0.0) for name, value in totals.items()}
