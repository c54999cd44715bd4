"""The encoder reads a query cut to ``max_query_chars`` (title, keywords, then the rest); the
lexical side reads the whole text; the query-vector cache is keyed on the text embedded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matching_helpers import CountingEncoder

from shuanggao_matching import (
    ChineseTokenizer,
    Document,
    HashingEncoder,
    Matcher,
    Query,
    query_text,
)
from shuanggao_matching.text import DEFAULT_MAX_QUERY_CHARS

TITLE = "锂电池储能系统安全预警需求"
# A long description whose end names what only one document has (水稻 / 栽培).
BODY = "我们的储能电站需要对电池热失控做早期预测。" * 12 + "另外也想了解杂交水稻高产栽培技术。"
LONG = TITLE + "\n" + BODY


def _matcher(
    tokenizer: ChineseTokenizer, encoder: object, docs: list[Document], cap: int | None
) -> Matcher:
    m = Matcher(tokenizer=tokenizer, encoder=encoder, max_query_chars=cap)  # type: ignore[arg-type]
    m.add(docs)
    return m


def test_query_text_puts_title_and_keywords_first_and_cuts() -> None:
    assert query_text("标题\n正文第一句\n第二句", ("关键词一", "关键词二"), None) == (
        "标题\n关键词一；关键词二\n正文第一句 第二句"
    )
    # Cut after title and keywords: they survive a cut that drops the body's end.
    assert query_text(TITLE + "\n" + BODY, ("储能",), 20) == (TITLE + "\n储能\n" + BODY)[:20]
    # Normalised as passages are (full width, traditional, whitespace).
    assert query_text("  鋰電池　儲能  ", (), None) == "锂电池 储能"
    assert len(query_text(LONG, (), DEFAULT_MAX_QUERY_CHARS)) == DEFAULT_MAX_QUERY_CHARS


def test_the_encoder_reads_the_cut_text(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = _matcher(tokenizer, counting, docs, cap=40)
    vec = m.encode_query(Query(text=LONG, keywords=("储能",)))
    assert counting.queries == [(TITLE + "\n储能\n" + BODY)[:40]]
    assert vec is not None
    assert np.array_equal(vec, encoder.encode_queries([counting.queries[0]])[0])


def test_lexical_scoring_reads_the_whole_text(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    cut = _matcher(tokenizer, encoder, docs, cap=40)
    whole = _matcher(tokenizer, encoder, docs, cap=None)
    lex_cut = cut.search(LONG, top_k=10, method="lexical")
    assert lex_cut == whole.search(LONG, top_k=10, method="lexical")
    # 水稻 is only at the end of the text, far past the cut: still matched lexically.
    assert "s2" in lex_cut.ids()
    hybrid_cut = {r.id: r.reasons.scores.lexical for r in cut.search(LONG, top_k=10).matches}
    hybrid_whole = {r.id: r.reasons.scores.lexical for r in whole.search(LONG, top_k=10).matches}
    both = hybrid_cut.keys() & hybrid_whole.keys()
    assert "s2" in both
    assert {i: hybrid_cut[i] for i in both} == {i: hybrid_whole[i] for i in both}
    # The dense side does differ: it read 40 characters, not the whole text.
    assert not np.array_equal(cut.encode_query(LONG), whole.encode_query(LONG))


def test_a_text_at_or_below_the_cap_gives_the_same_results(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    text = "锂电池储能系统\n热失控早期预警"
    size = len(query_text(text, ("储能安全",), None))
    whole = _matcher(tokenizer, encoder, docs, cap=None)
    query = Query(text=text, keywords=("储能安全",))
    for cap in (size, size + 1, 10_000):
        at_cap = _matcher(tokenizer, encoder, docs, cap=cap)
        assert at_cap.search(query, top_k=5) == whole.search(query, top_k=5)
    below = _matcher(tokenizer, encoder, docs, cap=size - 1)
    assert not np.array_equal(below.encode_query(query), whole.encode_query(query))


def test_the_cache_is_keyed_on_the_cut_text(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = _matcher(tokenizer, counting, docs, cap=30)
    first = m.search(LONG, top_k=5)
    # Differs only after the cut: the same vector, not embedded again.
    m.encode_query(LONG + "另有其他补充说明。")
    assert counting.queries == [LONG[:30]]
    assert (m.query_cache.hits, m.query_cache.misses) == (1, 1)
    # Differs within the cut: embedded again.
    m.encode_query("钠" + LONG)
    assert counting.queries == [LONG[:30], ("钠" + LONG)[:30]]
    # Changing the cap changes the text embedded, so the key: embedded again.
    m.max_query_chars = 20
    second = m.search(LONG, top_k=5)
    assert counting.queries[-1] == LONG[:20] and len(counting.queries) == 3
    assert first.ids() and second.ids()


def test_the_cap_is_saved_with_the_index(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document], tmp_path: Path
) -> None:
    m = _matcher(tokenizer, encoder, docs, cap=77)
    m.save(tmp_path / "idx")
    loaded = Matcher.load(tmp_path / "idx", encoder=encoder, tokenizer=tokenizer)
    assert loaded.max_query_chars == 77
    assert loaded.search(LONG, top_k=5) == m.search(LONG, top_k=5)
    _matcher(tokenizer, encoder, docs, cap=None).save(tmp_path / "whole")
    assert Matcher.load(tmp_path / "whole", encoder=encoder).max_query_chars is None
    # An index saved before the setting existed reads queries as the library does now.
    path = tmp_path / "idx" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["max_query_chars"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    old = Matcher.load(tmp_path / "idx", encoder=encoder, tokenizer=tokenizer)
    assert old.max_query_chars == DEFAULT_MAX_QUERY_CHARS
