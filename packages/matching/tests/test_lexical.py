from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from shuanggao_matching.lexical import (
    BM25Index,
    FieldWeights,
    Vocabulary,
    bag_counts,
    bag_expand,
    bag_ids,
    count_chunk,
    field_counts,
    field_tokens,
)
from shuanggao_matching.tokenize import ChineseTokenizer

# A toy corpus where every query term occurs in fewer than half of the documents, so that
# rank_bm25's negative-idf floor never applies.
TOY = [
    ["锂电池", "储能", "安全", "预警", "储能"],
    ["水稻", "育种", "栽培"],
    ["芯片", "测试", "可靠性", "芯片"],
    ["锂电池", "回收", "梯次", "利用"],
    ["机器人", "视觉", "检测"],
    ["储能", "电站", "调度"],
    ["光伏", "组件", "检测", "效率"],
]
QUERIES = [["锂电池", "储能"], ["芯片", "测试"], ["检测"], ["储能", "储能", "调度"], ["未知词"]]


def _index(method: str, k1: float = 1.5, b: float = 0.75) -> tuple[BM25Index, Vocabulary]:
    vocab = Vocabulary()
    docs = [vocab.encode_bag(d) for d in TOY]
    index = BM25Index(k1=k1, b=b, method=method)
    index.build(docs, len(vocab))
    return index, vocab


@pytest.mark.parametrize("query", QUERIES)
def test_bm25_matches_rank_bm25(query: list[str]) -> None:
    """bm25s' Robertson variant omits the constant (k1 + 1) factor of rank_bm25's BM25Okapi."""
    k1, b = 1.5, 0.75
    index, vocab = _index("robertson", k1, b)
    ours = index.scores(vocab.lookup(query)) * (k1 + 1)
    reference = BM25Okapi(TOY, k1=k1, b=b).get_scores(query)
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-6)


def _lucene_by_hand(query: list[str], k1: float, b: float) -> list[float]:
    n = len(TOY)
    avgdl = sum(len(d) for d in TOY) / n
    out = []
    for doc in TOY:
        score = 0.0
        for term in query:
            df = sum(1 for d in TOY if term in d)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            score += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(score)
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_bm25_lucene_matches_hand_computation(query: list[str]) -> None:
    index, vocab = _index("lucene", 1.2, 0.75)
    np.testing.assert_allclose(
        index.scores(vocab.lookup(query)), _lucene_by_hand(query, 1.2, 0.75), rtol=1e-5
    )


def test_hand_computed_value_for_one_pair() -> None:
    # doc 5 = [储能, 电站, 调度], query 调度: df=1, N=7, avgdl=26/7, tf=1, |d|=3
    idf = math.log(1 + (7 - 1 + 0.5) / (1 + 0.5))
    expected = idf * 1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 3 / (26 / 7)))
    index, vocab = _index("lucene", 1.2, 0.75)
    assert index.scores(vocab.lookup(["调度"]))[5] == pytest.approx(expected, rel=1e-6)


def test_weights_scale_term_contributions() -> None:
    index, vocab = _index("lucene")
    ids = vocab.lookup(["锂电池", "储能"])
    plain = index.scores(ids)
    weighted = index.scores(ids, weights=[1.0, 0.5])
    only_first = index.scores(ids[:1])
    np.testing.assert_allclose(weighted, only_first + 0.5 * (plain - only_first), rtol=1e-5)


def test_search_returns_positive_hits_and_respects_mask() -> None:
    index, vocab = _index("lucene")
    pos, scores, _ = index.search(vocab.lookup(["检测"]), 10)
    assert sorted(pos.tolist()) == [4, 6]
    assert (scores > 0).all()
    mask = np.ones(len(TOY), dtype=bool)
    mask[4] = False
    pos, _, _ = index.search(vocab.lookup(["检测"]), 10, mask=mask)
    assert pos.tolist() == [6]


def test_removed_documents_are_empty() -> None:
    vocab = Vocabulary()
    docs = [vocab.encode_bag(d) for d in TOY]
    index = BM25Index()
    index.build([None if i == 0 else d for i, d in enumerate(docs)], len(vocab))
    assert index.scores(vocab.lookup(["锂电池"]))[0] == 0.0


def test_field_weights_repeat_tokens(tokenizer: ChineseTokenizer) -> None:
    tokens = field_tokens(tokenizer, "芯片", ("测试",), "平台", FieldWeights(3, 2, 1))
    assert tokens.count("芯片") == 3 and tokens.count("测试") == 2 and tokens.count("平台") == 1
    assert field_tokens(tokenizer, "芯片", (), "平台", FieldWeights(1, 1, 0)) == ["芯片"]


@pytest.mark.parametrize("method", ["lucene", "robertson"])
def test_array_build_equals_bm25s(method: str) -> None:
    """The array build of the score matrix gives bm25s' matrix (random corpus, removed and
    empty documents, counts above the 255 cap)."""
    import bm25s

    rng = np.random.default_rng(7)
    vocab_size = 300
    docs: list[list[str]] = [
        [f"t{int(x)}" for x in rng.zipf(1.3, size=int(rng.integers(0, 80))) % vocab_size]
        for _ in range(400)
    ]
    docs[5] = ["t1"] * 300
    vocab = Vocabulary()
    bags = [vocab.encode_bag(d) for d in docs]
    live = [None if i % 17 == 0 else b for i, b in enumerate(bags)]
    index = BM25Index(k1=1.5, b=0.5, method=method, dtype="float32")
    index.build(live, len(vocab))
    corpus = [[] if b is None else bag_expand(b) for b in live]
    reference = bm25s.BM25(k1=1.5, b=0.5, method=method).build_index_from_ids(
        unique_token_ids=list(range(len(vocab))), corpus_token_ids=corpus, show_progress=False
    )
    state = index.state()
    np.testing.assert_array_equal(state["indptr"], reference["indptr"])
    np.testing.assert_array_equal(state["indices"], reference["indices"])
    np.testing.assert_allclose(state["data"], reference["data"], rtol=1e-6)


def test_bag_counts_each_distinct_token_once() -> None:
    vocab = Vocabulary(["b"])
    bag = vocab.encode_bag(["a", "b", "a", "c", "a"] + ["d"] * 300)
    assert [vocab.term(i) for i in bag_ids(bag)] == ["b", "a", "c", "d"]
    assert bag_counts(bag).tolist() == [1, 3, 1, 255]
    assert bag_expand(vocab.encode_bag([])) == []


def test_chunk_encoding_equals_document_by_document(tokenizer: ChineseTokenizer) -> None:
    items = [
        ("锂电池储能系统", ("储能安全", "热失控"), "大型储能电站热失控预测与预警，储能系统安全。"),
        ("", (), ""),
        ("集成电路芯片测试", (), "芯片测试平台，芯片可靠性。" * 200),
        ("锂电池回收", ("梯次利用",), "退役锂电池的梯次利用与回收"),
    ]
    weights = FieldWeights(3, 2, 1)
    one = Vocabulary(["芯片"])
    expected = [one.encode_bag(field_counts(tokenizer, t, k, b, weights)) for t, k, b in items]
    assert bag_counts(expected[2]).max() == 255
    chunked = Vocabulary(["芯片"])
    chunk = count_chunk(tokenizer, items, weights)
    got = chunked.encode_chunk(chunk)
    assert chunked.terms == one.terms
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)
    assert got[1].dtype == np.uint32 and len(got[1]) == 0


def test_field_counts_are_the_counts_of_field_tokens_in_first_seen_order(
    tokenizer: ChineseTokenizer,
) -> None:
    weights = FieldWeights(title=3, keywords=2, body=1)
    title, keywords = "锂电池储能安全", ("储能安全", "热失控")
    body = "储能电站锂电池热失控预警，储能"
    counts = field_counts(tokenizer, title, keywords, body, weights)
    expected = Counter(field_tokens(tokenizer, title, keywords, body, weights))
    assert list(counts.items()) == list(expected.items())
