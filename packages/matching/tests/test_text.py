from __future__ import annotations

import pytest

from shuanggao_matching.text import (
    normalize,
    normalize_with_offsets,
    original_span,
    passage_text,
    to_simplified,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),  # full-width Latin and digits
        ("锂电池，储能！", "锂电池,储能!"),  # full-width punctuation becomes half-width
        ("  人工智能\t\n  新材料 ", "人工智能 新材料"),  # whitespace runs, ends stripped
        ("人工\u3000智能", "人工 智能"),  # ideographic space
        ("鋰電池儲能系統", "锂电池储能系统"),  # traditional → simplified
        ("顯著的著作", "显著的著作"),  # 著 is kept: it is also a simplified character
        ("乾坤", "乾坤"),
        ("１０㎡", "10m2"),  # compatibility characters are expanded
        ("", ""),
    ],
)
def test_normalize_golden(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_to_simplified_leaves_simplified_text_unchanged() -> None:
    text = "江苏省推动高新区和高等院校协同创新发展"
    assert to_simplified(text) == text


@pytest.mark.parametrize(
    "raw", ["  ＡＢ　 鋰電池，\n\n  储能 ", "１０㎡面积", "plain ascii", "双高协同"]
)
def test_normalize_with_offsets_agrees_with_normalize(raw: str) -> None:
    norm, offsets = normalize_with_offsets(raw)
    assert norm == normalize(raw)
    assert len(offsets) == len(norm)
    assert offsets == sorted(offsets)


def test_original_span_maps_back_to_the_original_substring() -> None:
    raw = "企业需求：　鋰電池儲能系統的安全預測"
    norm, offsets = normalize_with_offsets(raw)
    start = norm.index("储能系统")
    o_start, o_end = original_span(offsets, start, start + 4)
    assert raw[o_start:o_end] == "儲能系統"


def test_passage_text_joins_fields_and_cuts() -> None:
    assert (
        passage_text("标题", ("关键词一", "关键词二"), "正文") == "标题\n关键词一；关键词二\n正文"
    )
    assert passage_text("", (), "正文" * 400, max_chars=10) == "正文" * 5
