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


def test_chain_data_set_carries_codes_and_splits_by_class(tmp_path: Path) -> None:
    """Products → their GB/T 4754 小类; queries carry the 大类, documents their 小类; the 重点产品
    never reach the corpus; a class's products all fall in one split."""
    from shuanggao_matching_bench.chain import build_chain_dataset, chain_split

    src = tmp_path / "src" / "industry_gbt4754"
    src.mkdir(parents=True)
    (src / "gbt4754_2017_flat.csv").write_text(
        "code,level,name,section,parent_code,description,tags\n"
        "384,3,电池制造,C,38,,\n"
        '3841,4,锂离子电池制造,C,384,"◇ 指以锂离子为电荷载体的电池制造。",strategic\n'
        '3849,4,其他电池制造,C,384,"◇ 包括燃料电池等。",strategic\n'
        '6513,4,应用软件开发,I,651,"◇ 指应用软件的开发。",\n',
        encoding="utf-8",
    )
    (src / "gbt4754_tag_mapping.csv").write_text(
        "code,name,tag,tag_name,category_path,has_star,star_description,products\n"
        "3841,锂离子电池制造,strategic,战略性新兴产业,新能源汽车产业 > 电池,True,,"
        "动力锂离子电池|锂离子电池正极材料\n"
        "3841,锂离子电池制造,strategic,战略性新兴产业,新一代信息技术产业 > 储能,True,,"
        "动力锂离子电池|储能锂离子电池\n"
        "3849,其他电池制造,strategic,战略性新兴产业,新能源汽车产业 > 电池,True,,燃料电池电堆\n"
        "3849,其他电池制造,digital,数字经济,数字 > 电池,True,,数字化电池\n",
        encoding="utf-8",
    )
    docs, counts = build_chain_dataset(tmp_path / "src", tmp_path / "chain")
    ds = load_beir(tmp_path / "chain")
    # Only the classes of the 战略性新兴产业 table (6513 has no strategic row).
    assert docs == 2 and set(ds.corpus) == {"3841", "3849"}
    assert ds.corpus["3841"] == ("锂离子电池制造", "◇ 指以锂离子为电荷载体的电池制造。")
    assert ds.corpus_codes == {"3841": ("C3841",), "3849": ("C3849",)}
    # One query per distinct strategic product (the digital tag's products are not queries).
    assert ds.queries == {
        "3841#1": "动力锂离子电池",
        "3841#2": "锂离子电池正极材料",
        "3841#3": "储能锂离子电池",
        "3849#1": "燃料电池电堆",
    }
    assert set(ds.query_codes.values()) == {("C38",)}
    for qid in ds.queries:
        code = qid.split("#")[0]
        assert ds.qrels[chain_split(code)][qid] == {code: 1}
    assert sum(counts.values()) == 4
    corpus_text = (tmp_path / "chain" / "corpus.jsonl").read_text(encoding="utf-8")
    assert "正极材料" not in corpus_text and "电堆" not in corpus_text
