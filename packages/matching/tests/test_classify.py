from __future__ import annotations

import pytest

from shuanggao_matching import ChineseTokenizer, Classifier, HashingEncoder, Label

LABELS = [
    Label("0807", "动力工程及工程热物理", "储能 电池 热管理 燃烧 传热"),
    Label("0901", "作物学", "水稻 小麦 育种 栽培"),
    Label("0809", "电子科学与技术", "集成电路 芯片 半导体 器件"),
]
EXAMPLES = [
    ("锂电池储能电站的热失控预警研究", "0807"),
    ("杂交水稻高产栽培技术", "0901"),
    ("车规级芯片可靠性测试", "0809"),
]


@pytest.mark.parametrize("method", ["lexical", "dense", "hybrid"])
def test_classify_routes_texts(tokenizer: ChineseTokenizer, method: str) -> None:
    clf = Classifier(LABELS, examples=EXAMPLES, tokenizer=tokenizer, encoder=HashingEncoder())
    top = clf.classify("储能电池热管理系统的安全预警", top_k=2, method=method)  # type: ignore[arg-type]
    assert top[0].code == "0807" and top[0].name == "动力工程及工程热物理"
    assert len(top) == 2
    assert clf.classify("水稻育种", top_k=1, method=method)[0].code == "0901"  # type: ignore[arg-type]


def test_classify_without_encoder_is_lexical(tokenizer: ChineseTokenizer) -> None:
    clf = Classifier(LABELS, tokenizer=tokenizer)
    top = clf.classify("集成电路芯片封装测试")
    assert top[0].code == "0809" and top[0].dense is None and top[0].lexical is not None
    with pytest.raises(ValueError, match="needs an encoder"):
        clf.classify("芯片", method="dense")


def test_unknown_example_label_is_rejected(tokenizer: ChineseTokenizer) -> None:
    with pytest.raises(ValueError, match="not among the labels"):
        Classifier(LABELS, examples=[("文本", "9999")], tokenizer=tokenizer)


@pytest.mark.parametrize("method", ["lexical", "dense", "hybrid"])
def test_a_label_needing_a_word_the_text_lacks_is_not_proposed(
    tokenizer: ChineseTokenizer, method: str
) -> None:
    labels = [
        Label("ev", "新能源汽车储能装置制造", "储能 电池 储能装置", requires=("汽车", "车辆")),
        Label("grid", "高储能和关键电子材料制造", "储能 材料 电子材料"),
        Label("rice", "作物学", "水稻 小麦 育种 栽培"),
    ]
    clf = Classifier(labels, tokenizer=tokenizer, encoder=HashingEncoder())
    stationary = clf.classify("储能电站储能装置电池", top_k=3, method=method)  # type: ignore[arg-type]
    assert [s.code for s in stationary] == ["grid", "rice"]
    vehicle = clf.classify("电动汽車储能装置电池", top_k=1, method=method)  # type: ignore[arg-type]
    assert [s.code for s in vehicle] == ["ev"]  # 汽車: matched after normalisation
