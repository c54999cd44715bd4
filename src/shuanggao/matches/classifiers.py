"""Classifiers onto the reference label sets: GB/T 4754 小类 and 战略性新兴产业 nodes for demands,
一级学科 for supply items. Built once per process from the shipped reference data.

Classification is lexical until ``shuanggao matching reindex`` has embedded the label profiles
(a one-off of a minute or two with the real model); from then on it is hybrid. The marker file
``classifiers.json`` in the index directory records for which model the profiles are embedded.
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from shuanggao_matching import Classifier, Label

from shuanggao.matches.index import MatchIndex, shared_tokenizer
from shuanggao.reference import service as reference

MARKER = "classifiers.json"
DISCIPLINE_EXAMPLES = Path(__file__).resolve().parent / "data" / "discipline_examples.csv"

LabelSource = Callable[[], list[Any]]
LABEL_SETS: dict[str, LabelSource] = {
    "industry": reference.industry_labels,
    "chain_node": reference.emerging_labels,
    "discipline": reference.discipline_labels,
}

# A chain node whose path names an application domain is proposed only for a text that names
# it too (the need's own words): products alone (储能装置, 电池管理系统) are shared with nodes
# of other domains, e.g. a grid storage need must not become a 新能源汽车 node (issue 16).
CHAIN_EVIDENCE: dict[str, tuple[str, ...]] = {
    "新能源汽车": (
        "汽车",
        "车辆",
        "整车",
        "电动车",
        "新能源车",
        "车载",
        "车用",
        "车规",
        "动力电池",
        "充电桩",
        "换电",
    ),
    "轨道交通": ("轨道交通", "铁路", "地铁", "列车", "城轨", "高铁", "机车", "动车"),
    "航空": ("航空", "飞机", "飞行器", "机载", "无人机", "航空器"),
    "海洋工程": ("海洋", "海上", "海底", "深海", "船", "离岸", "海工"),
}

_CACHE: dict[tuple[str, str | None], Classifier] = {}
_LOCK = threading.Lock()


def _requires(name: str, code: str) -> tuple[str, ...]:
    """The words a text needs for label ``code`` of set ``name`` (see ``CHAIN_EVIDENCE``)."""
    if name != "chain_node":
        return ()
    words: list[str] = []
    for domain, evidence in CHAIN_EVIDENCE.items():
        if domain in code:
            words.extend(w for w in evidence if w not in words)
    return tuple(words)


def _labels(name: str) -> list[Label]:
    return [
        Label(
            code=lab.code,
            name=lab.name,
            description=lab.text,
            requires=_requires(name, lab.code),
        )
        for lab in LABEL_SETS[name]()
    ]


@cache
def _examples(name: str) -> tuple[tuple[str, str], ...]:
    """Labelled example texts of a label set (the 一级学科 ones: CSL dev papers, see
    ``data/PROVENANCE.md``); only examples of known labels are kept."""
    if name != "discipline":
        return ()
    known = {lab.code for lab in LABEL_SETS[name]()}
    with DISCIPLINE_EXAMPLES.open(encoding="utf-8", newline="") as fh:
        return tuple((r["text"], r["code"]) for r in csv.DictReader(fh) if r["code"] in known)


def _ready_models(index: MatchIndex) -> set[str]:
    try:
        data = json.loads((index.directory / MARKER).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return set()
    return set(data.get("models", []))


def classifier(index: MatchIndex, name: str) -> Classifier:
    """The classifier for label set ``name``: hybrid once its profiles are embedded, else
    lexical (so a suggestion never waits for a thousand label embeddings)."""
    encoder = index.encoder
    model = encoder.model_id if encoder is not None else None
    dense = model is not None and model in _ready_models(index)
    key = (name, model if dense else None)
    with _LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = Classifier(
                _labels(name),
                examples=_examples(name),
                tokenizer=shared_tokenizer(),
                encoder=encoder if dense else None,
                embedding_cache=index.cache,
            )
            _CACHE[key] = found
        return found


def prepare(index: MatchIndex, progress: Callable[[str], None] | None = None) -> bool:
    """Embed every label profile now (``matching reindex``); False when lexical only."""
    encoder = index.encoder
    if encoder is None:
        return False
    for name in LABEL_SETS:
        if progress is not None:
            progress(name)
        built = Classifier(
            _labels(name),
            examples=_examples(name),
            tokenizer=shared_tokenizer(),
            encoder=encoder,
            embedding_cache=index.cache,
        )
        built.prepare()
        with _LOCK:
            _CACHE[(name, encoder.model_id)] = built
    index.save()
    models = _ready_models(index) | {encoder.model_id}
    (index.directory / MARKER).write_text(json.dumps({"models": sorted(models)}), "utf-8")
    return True
