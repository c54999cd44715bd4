"""``coverage`` counts the query's meaningful terms, not only those the index knows: a need of
rare or new terms sharing one word with an item must not look answered."""

from __future__ import annotations

import pytest

from shuanggao_matching import ChineseTokenizer, Document, Matcher, Query

ITEMS = [
    Document(id="paint", title="高端涂料配方优化", body="建筑涂料的高端配方与施工工艺。"),
    Document(id="rice", title="水稻高产栽培", body="杂交水稻高产栽培技术推广。"),
]


@pytest.fixture()
def matcher(tokenizer: ChineseTokenizer) -> Matcher:
    m = Matcher(tokenizer=tokenizer, encoder=None)
    m.add(ITEMS)
    m.refresh()
    return m


def test_domain_terms_the_index_does_not_know_count_as_uncovered(
    matcher: Matcher, tokenizer: ChineseTokenizer
) -> None:
    assert tokenizer.is_domain_term("光刻胶") and not tokenizer.is_domain_term("希望")
    res = matcher.search("希望高端光刻胶", top_k=1)
    top = res.matches[0]
    assert top.id == "paint"
    # Only 高端 is shared; before, the unknown 光刻胶 was left out and this was 1.0.
    assert [t.term for t in top.reasons.shared_terms] == ["高端"]
    # 2 documents, lucene idf: 高端 (in one) log(1 + 1.5 / 1.5); 光刻胶 (in none)
    # log(1 + 2.5 / 0.5); 希望 is not a domain word and not in the index: not counted.
    known, unseen = 0.693147, 1.791759
    assert top.reasons.scores.coverage == pytest.approx(round(known / (known + unseen), 4))
    assert set(res.query_terms) == {"高端", "光刻胶"}


def test_query_terms_carry_unknown_domain_terms_with_the_unseen_idf(matcher: Matcher) -> None:
    _, terms = matcher._query_terms(Query(text="高端光刻胶"))
    by_term = {t: (tid, round(w, 4)) for t, tid, w in terms}
    assert by_term["光刻胶"] == (-1, 1.7918)
    assert by_term["高端"][0] >= 0 and by_term["高端"][1] == 0.6931


def test_a_fully_shared_query_is_fully_covered(matcher: Matcher) -> None:
    top = matcher.search("杂交水稻高产栽培", top_k=1).matches[0]
    assert top.id == "rice" and top.reasons.scores.coverage == 1.0
