"""A data set whose queries carry codes: hybrid uses them, and the report shows hybrid without
them (``hybrid_no_codes``) from the same run."""

from __future__ import annotations

import json
from pathlib import Path

from shuanggao_matching import ChineseTokenizer, HashingEncoder
from shuanggao_matching_bench import run_matching_bench


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_codes_reach_hybrid_and_the_report(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    # Two classes with the same words, in different 大类; filler so the scores spread.
    corpus: list[dict[str, object]] = [
        {"_id": "3841", "title": "电池制造", "text": "电池的制造。", "codes": ["C3841"]},
        {"_id": "5174", "title": "电池制造", "text": "电池的制造。", "codes": ["F5174"]},
    ]
    corpus += [
        {"_id": f"x{i}", "title": f"其他行业{i}", "text": "水稻种植。", "codes": ["A0111"]}
        for i in range(10)
    ]
    _write(tmp_path / "corpus.jsonl", corpus)
    _write(
        tmp_path / "queries.jsonl",
        [
            {"_id": "q1", "text": "电池制造", "codes": ["F51"]},
            {"_id": "q2", "text": "电池制造", "codes": ["C38"]},
        ],
    )
    (tmp_path / "qrels").mkdir()
    (tmp_path / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\t5174\t1\nq2\t3841\t1\n", "utf-8"
    )
    result = run_matching_bench(
        tmp_path,
        encoder=HashingEncoder(dim=64),
        cache_path=None,
        tokenizer=tokenizer,
        baselines=False,
    )
    methods = result["methods"]
    # Same words: without codes one of the two queries gets the wrong class first.
    assert methods["lexical"]["accuracy"] == 0.5
    assert result["baselines"]["hybrid_no_codes"]["accuracy"] == 0.5
    assert methods["hybrid"]["accuracy"] == 1.0
