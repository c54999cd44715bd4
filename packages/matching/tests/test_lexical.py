from __future__ import annotations

import math

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from shuanggao_matching.lexical import BM25Index, FieldWeights, Vocabulary, field_tokens
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
