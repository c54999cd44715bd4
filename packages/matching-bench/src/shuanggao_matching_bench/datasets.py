"""Build the benchmark data sets (BEIR layout) from CSL and FewCLUE (and ``chain`` from
GB/T 4754, :mod:`.chain`).

Input: a directory laid out like ``shared/data`` (``csl/csl_benchmark_2000.jsonl`` and
``fewclue_csl/{csldcp,csl}/*.json``). Output, under ``out_dir``:

* ``topical/``: query = a CSL paper's title; relevant = the *other* papers of the pool that share a
  non-generic author keyword with it (keyword document frequency ≤ 30 among the papers that carry
  author keywords). The corpus holds title + abstract, **never the keywords** (they define the
  labels). The query id equals the paper's corpus id; evaluation skips that identical id, as BEIR
  does.
* ``known_item/``: query = the paper's author keywords (``<id>#kw``); relevant = the paper
  itself; the corpus is the same pool as ``topical`` (title + abstract; keywords are not
  indexed). The title variant of the issue is left out: with titles in the corpus it is a string
  lookup, and without them it would need a second embedding of 2,000 abstracts.
* ``routing/``: the 67 CSLDCP disciplines as the corpus, ``examples.jsonl`` (the labelled FewCLUE
  ``train_few_all`` abstracts, ``{"text", "label"}``) as training examples of the classifier,
  queries = ``dev_few_all`` (dev) and ``test_public`` (test) abstracts; relevant = their label.

The pool is CSL's 2,000 papers + FewCLUE CSLDCP (5,888) + FewCLUE CSL (749 distinct abstracts),
deduplicated on the first 60 characters of the normalised abstract (CSL wins). Dev and test qrels
follow CSL's own dev/test split (``qrels/dev.tsv``, ``qrels/test.tsv``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shuanggao_matching import normalize

from .chain import CHAIN_SOURCE, build_chain_dataset

__all__ = ["DatasetSummary", "build_benchmark_datasets"]

GENERIC_DF = 30


@dataclass
class _Paper:
    id: str
    title: str
    abstract: str
    keywords: list[str] = field(default_factory=list)
    split: str | None = None
    discipline: str | None = None


@dataclass(frozen=True)
class DatasetSummary:
    name: str
    path: Path
    docs: int
    queries: dict[str, int]


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def _dedup_key(abstract: str) -> str:
    return normalize(abstract).replace(" ", "")[:60]


def _keyword_key(keyword: str) -> str:
    return normalize(keyword).lower().replace(" ", "")


def _load_pool(source: Path) -> list[_Paper]:
    pool: list[_Paper] = []
    seen: set[str] = set()

    def add(paper: _Paper) -> None:
        key = _dedup_key(paper.abstract)
        if not key or key in seen:
            return
        seen.add(key)
        pool.append(paper)

    for row in _read_jsonl(source / "csl" / "csl_benchmark_2000.jsonl"):
        add(
            _Paper(
                id=row["id"],
                title=row["title"].strip(),
                abstract=row["abstract"].strip(),
                keywords=[k.strip() for k in row["keywords"] if k.strip()],
                split=row["split"],
                discipline=row["discipline"],
            )
        )
    dcp = source / "fewclue_csl" / "csldcp"
    for name in ("train_few_all", "dev_few_all", "test_public"):
        for n, row in enumerate(_read_jsonl(dcp / f"{name}.json")):
            add(
                _Paper(
                    id=f"csldcp-{name}-{n:04d}",
                    title="",
                    abstract=row["content"].strip(),
                    discipline=row["label"],
                )
            )
    keyword_sets: dict[str, set[str]] = defaultdict(set)
    abstracts: dict[str, str] = {}
    for name in ("train_few_all", "dev_few_all", "test_public"):
        for row in _read_jsonl(source / "fewclue_csl" / "csl" / f"{name}.json"):
            abst = row["abst"].strip()
            abstracts.setdefault(abst, abst)
            if row["label"] == "1":
                keyword_sets[abst].update(k.strip() for k in row["keyword"] if k.strip())
    for n, abst in enumerate(sorted(abstracts)):
        keywords = sorted(keyword_sets[abst])
        add(_Paper(id=f"fcsl-{n:04d}", title="", abstract=abst, keywords=keywords))
    return pool


def _write_beir(
    out: Path,
    corpus: Iterable[Mapping[str, str]],
    queries: Iterable[Mapping[str, str]],
    qrels: Mapping[str, list[tuple[str, str, int]]],
) -> tuple[int, dict[str, int]]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "qrels").mkdir(exist_ok=True)
    n_docs = 0
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for doc in corpus:
            fh.write(json.dumps(dict(doc), ensure_ascii=False) + "\n")
            n_docs += 1
    with (out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for q in queries:
            fh.write(json.dumps(dict(q), ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for split, rows in qrels.items():
        with (out / "qrels" / f"{split}.tsv").open("w", encoding="utf-8") as fh:
            fh.write("query-id\tcorpus-id\tscore\n")
            for qid, did, score in rows:
                fh.write(f"{qid}\t{did}\t{score}\n")
        counts[split] = len({qid for qid, _, _ in rows})
    return n_docs, counts


def _build_topical(pool: list[_Paper], out: Path) -> DatasetSummary:
    df: Counter[str] = Counter()
    doc_keys: dict[str, set[str]] = {}
    for paper in pool:
        keys = {_keyword_key(k) for k in paper.keywords} - {""}
        if keys:
            doc_keys[paper.id] = keys
            df.update(keys)
    postings: dict[str, list[str]] = defaultdict(list)
    for pid, keys in doc_keys.items():
        for key in keys:
            if df[key] <= GENERIC_DF:
                postings[key].append(pid)
    qrels: dict[str, list[tuple[str, str, int]]] = {"dev": [], "test": []}
    queries = []
    for paper in pool:
        if paper.split is None:
            continue
        relevant: set[str] = set()
        for key in doc_keys.get(paper.id, set()):
            if df[key] <= GENERIC_DF:
                relevant.update(postings[key])
        relevant.discard(paper.id)
        if not relevant:
            continue
        queries.append({"_id": paper.id, "text": paper.title})
        qrels[paper.split].extend((paper.id, did, 1) for did in sorted(relevant))
    corpus = ({"_id": p.id, "title": p.title, "text": p.abstract} for p in pool)
    n_docs, counts = _write_beir(out, corpus, queries, qrels)
    return DatasetSummary("topical", out, n_docs, counts)


def _build_known_item(pool: list[_Paper], out: Path) -> DatasetSummary:
    qrels: dict[str, list[tuple[str, str, int]]] = {"dev": [], "test": []}
    queries = []
    for paper in pool:
        if paper.split is None or not paper.keywords:
            continue
        qid = f"{paper.id}#kw"
        queries.append({"_id": qid, "text": " ".join(paper.keywords)})
        qrels[paper.split].append((qid, paper.id, 1))
    corpus = ({"_id": p.id, "title": p.title, "text": p.abstract} for p in pool)
    n_docs, counts = _write_beir(out, corpus, queries, qrels)
    return DatasetSummary("known_item", out, n_docs, counts)


def _build_routing(source: Path, out: Path) -> DatasetSummary:
    dcp = source / "fewclue_csl" / "csldcp"
    labels = [
        line.strip()
        for line in (dcp / "labels_all.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    corpus = [{"_id": label, "title": label, "text": ""} for label in labels]
    examples = [
        {"text": row["content"].strip(), "label": row["label"]}
        for row in _read_jsonl(dcp / "train_few_all.json")
    ]
    queries = []
    qrels: dict[str, list[tuple[str, str, int]]] = {"dev": [], "test": []}
    for split, name in (("dev", "dev_few_all"), ("test", "test_public")):
        for n, row in enumerate(_read_jsonl(dcp / f"{name}.json")):
            qid = f"{name}-{n:04d}"
            queries.append({"_id": qid, "text": row["content"].strip()})
            qrels[split].append((qid, row["label"], 1))
    n_docs, counts = _write_beir(out, corpus, queries, qrels)
    with (out / "examples.jsonl").open("w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(ex, ensure_ascii=False) + "\n")
    return DatasetSummary("routing", out, n_docs, counts)


def build_benchmark_datasets(source_dir: str | Path, out_dir: str | Path) -> list[DatasetSummary]:
    """Build ``topical``, ``known_item`` and ``routing`` under ``out_dir`` from ``source_dir``,
    and ``chain`` (:mod:`.chain`) when the source has the GB/T 4754 files."""
    source = Path(source_dir)
    out = Path(out_dir)
    pool = _load_pool(source)
    built = [
        _build_topical(pool, out / "topical"),
        _build_known_item(pool, out / "known_item"),
        _build_routing(source, out / "routing"),
    ]
    if (source / CHAIN_SOURCE / "gbt4754_tag_mapping.csv").exists():
        docs, counts = build_chain_dataset(source, out / "chain")
        built.append(DatasetSummary("chain", out / "chain", docs, counts))
    return built
