"""Quality floor on a small checked-in slice of the CSL topical dev set.

The slice (60 dev queries, 400 documents, built by ``scripts/make_test_slice.py``) and the
baseline figures live in ``tests/data/topical_dev_slice``. A change that makes recall or nDCG
drop below the stored baseline (minus a small tolerance for float noise) fails here. When a
change improves the figures, raise the baseline in ``baseline.json`` in the same commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shuanggao_matching import ChineseTokenizer, HashingEncoder
from shuanggao_matching_bench import run_matching_bench

SLICE = Path(__file__).parent / "data" / "topical_dev_slice"
TOLERANCE = 0.005


@pytest.fixture(scope="module")
def result(tokenizer: ChineseTokenizer) -> dict[str, object]:
    return run_matching_bench(
        SLICE,
        split="dev",
        encoder=HashingEncoder(dim=256),
        cache_path=None,
        tokenizer=tokenizer,
        baselines=True,
    )


def test_quality_does_not_drop_below_the_stored_baseline(result: dict[str, object]) -> None:
    baseline = json.loads((SLICE / "baseline.json").read_text(encoding="utf-8"))
    methods = result["methods"]
    assert isinstance(methods, dict)
    for method, floors in baseline["methods"].items():
        for metric, floor in floors.items():
            assert methods[method][metric] >= floor - TOLERANCE, (method, metric)


def test_our_lexical_beats_plain_bm25_on_the_slice(result: dict[str, object]) -> None:
    methods = result["methods"]
    baselines = result["baselines"]
    assert isinstance(methods, dict) and isinstance(baselines, dict)
    assert methods["lexical"]["recall@10"] > baselines["bm25_plain"]["recall@10"]


def test_bench_result_has_the_documented_shape(result: dict[str, object]) -> None:
    assert set(result) >= {"dataset", "docs", "queries", "methods"}
    assert result["dataset"] == "topical_dev_slice"
    assert result["docs"] == 400 and result["queries"] == 60
    methods = result["methods"]
    assert isinstance(methods, dict) and set(methods) == {"lexical", "dense", "hybrid"}
    keys = {
        "ndcg@10",
        "recall@10",
        "mrr@10",
        "latency_ms_p50",
        "latency_ms_p95",
        "build_s",
        "memory_mb",
    }
    for values in methods.values():
        assert keys <= set(values)


def test_comparisons_are_the_ratios_of_this_runs_figures(result: dict[str, object]) -> None:
    methods = result["methods"]
    baselines = result["baselines"]
    comp = result["comparisons"]
    assert isinstance(methods, dict) and isinstance(baselines, dict) and isinstance(comp, dict)
    best = max(("lexical", "dense"), key=lambda m: methods[m]["ndcg@10"])
    assert comp["metric"] == "ndcg@10" and comp["best_single"] == best
    assert comp["hybrid_over_best_single"] == pytest.approx(
        methods["hybrid"]["ndcg@10"] / methods[best]["ndcg@10"], abs=1e-4
    )
    assert comp["hybrid_over_plain_bm25"] == pytest.approx(
        methods["hybrid"]["ndcg@10"] / baselines["bm25_plain"]["ndcg@10"], abs=1e-4
    )
