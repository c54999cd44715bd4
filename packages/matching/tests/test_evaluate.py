from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from shuanggao_matching import evaluate_run, load_beir
from shuanggao_matching.evaluate import mrr_at_k, ndcg_at_k, recall_at_k


def test_metric_worked_examples() -> None:
    rel = {"a": 1, "b": 1}
    ranked = ["x", "a", "y", "b"]
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranked, rel, 10) == pytest.approx(dcg / idcg)
    assert recall_at_k(ranked, rel, 2) == pytest.approx(0.5)
    assert mrr_at_k(ranked, rel, 10) == pytest.approx(0.5)
    assert mrr_at_k(ranked, rel, 1) == 0.0


def test_evaluate_run_ignores_identical_ids_and_missing_queries() -> None:
    qrels = {"q1": {"d1": 1}, "q2": {"d2": 1}}
    run = {"q1": ["q1", "d1"]}
    out = evaluate_run(run, qrels)
    assert out["accuracy"] == pytest.approx(0.5)
    assert out["mrr@10"] == pytest.approx(0.5)
    assert evaluate_run(run, qrels, ignore_identical_ids=False)["mrr@10"] == pytest.approx(0.25)


def test_load_beir(tmp_path: Path) -> None:
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text(
        json.dumps({"_id": "d1", "title": "标题", "text": "正文"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "查询"}\n', encoding="utf-8")
    (tmp_path / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td9\t0\n", encoding="utf-8"
    )
    ds = load_beir(tmp_path)
    assert ds.corpus == {"d1": ("标题", "正文")}
    assert ds.qrels == {"test": {"q1": {"d1": 1}}}
    assert ds.split_queries("test") == {"q1": "查询"}
    assert not ds.is_routing
