from __future__ import annotations

import json
from pathlib import Path

from shuanggao_matching import load_beir
from shuanggao_matching_bench import build_benchmark_datasets


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


def test_converter_builds_the_three_data_sets(tmp_path: Path) -> None:
    src = tmp_path / "src"
    papers = [
        ("dev", "锂电池储能安全", "储能电站热失控预警研究。", ["热失控", "储能"]),
        ("dev", "储能电池管理", "电池管理系统的热失控保护。", ["热失控"]),
        ("test", "水稻栽培", "杂交水稻高产栽培。", ["水稻"]),
        ("test", "芯片测试", "芯片可靠性测试。", ["芯片测试"]),
    ]
    _write_jsonl(
        src / "csl" / "csl_benchmark_2000.jsonl",
        [
            {
                "id": f"csl-{s}-{i:04d}",
                "split": s,
                "title": t,
                "abstract": a,
                "keywords": k,
                "category": "工学",
                "discipline": "电气工程",
            }
            for i, (s, t, a, k) in enumerate(papers)
        ],
    )
    dcp = src / "fewclue_csl" / "csldcp"
    for name, rows in (
        ("train_few_all", [{"content": "水稻育种研究。", "label": "作物学", "id": 1}]),
        ("dev_few_all", [{"content": "芯片封装。", "label": "电子科学与技术", "id": 2}]),
        ("test_public", [{"content": "储能电站热失控预警研究。", "label": "电气工程", "id": 3}]),
    ):
        _write_jsonl(dcp / f"{name}.json", rows)
    (dcp / "labels_all.txt").write_text("作物学\n电子科学与技术\n电气工程\n", encoding="utf-8")
    for name in ("train_few_all", "dev_few_all", "test_public"):
        _write_jsonl(
            src / "fewclue_csl" / "csl" / f"{name}.json",
            [
                {"id": 1, "abst": "热失控抑制材料。", "keyword": ["热失控"], "label": "1"},
                {"id": 2, "abst": "热失控抑制材料。", "keyword": ["假词"], "label": "0"},
            ],
        )
    out = tmp_path / "out"
    summaries = {s.name: s for s in build_benchmark_datasets(src, out)}

    topical = load_beir(out / "topical")
    # 4 papers + 1 FewCLUE abstract (the CSLDCP duplicate of paper 0 is dropped) + 2 CSLDCP.
    assert len(topical.corpus) == 7
    assert topical.qrels["dev"] == {
        "csl-dev-0000": {"csl-dev-0001": 1, "fcsl-0000": 1},
        "csl-dev-0001": {"csl-dev-0000": 1, "fcsl-0000": 1},
    }
    assert "test" not in topical.qrels or topical.qrels["test"] == {}
    assert topical.queries["csl-dev-0000"] == "锂电池储能安全"

    known = load_beir(out / "known_item")
    assert known.qrels["test"]["csl-test-0002#kw"] == {"csl-test-0002": 1}
    assert known.queries["csl-test-0002#kw"] == "水稻"
    assert known.corpus["csl-test-0002"] == ("水稻栽培", "杂交水稻高产栽培。")

    routing = load_beir(out / "routing")
    assert routing.is_routing and routing.examples == [("水稻育种研究。", "作物学")]
    assert set(routing.corpus) == {"作物学", "电子科学与技术", "电气工程"}
    assert routing.qrels["test"] == {"test_public-0000": {"电气工程": 1}}
    assert summaries["routing"].queries == {"dev": 1, "test": 1}
