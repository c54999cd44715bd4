from __future__ import annotations

import threading

import numpy as np
import pytest
from matching_helpers import CountingEncoder

from shuanggao_matching import ChineseTokenizer, Document, HashingEncoder, Matcher, Query
from shuanggao_matching.query_cache import QueryVectorCache

DEMAND = "我们急需为锂电池储能系统做更精准的安全预测和预警"
OTHER = "高校团队研发的工业机器人视觉检测技术"


def _matcher(
    tokenizer: ChineseTokenizer, encoder: object, docs: list[Document], size: int = 4096
) -> Matcher:
    m = Matcher(tokenizer=tokenizer, encoder=encoder, query_cache_size=size)  # type: ignore[arg-type]
    m.add(docs)
    return m


def test_a_repeated_query_is_embedded_once(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = _matcher(tokenizer, counting, docs)
    first = m.search(DEMAND, top_k=3)
    second = m.search(DEMAND, top_k=3)
    vec = m.encode_query(DEMAND)
    assert counting.queries == [DEMAND]
    assert second == first
    assert vec is not None
    assert np.array_equal(vec, encoder.encode_queries([DEMAND])[0])
    assert (m.query_cache.hits, m.query_cache.misses) == (2, 1)


def test_a_different_text_is_embedded_again(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = _matcher(tokenizer, counting, docs)
    m.search(DEMAND, top_k=3)
    m.search(OTHER, top_k=3)
    # Keywords change the text embedded: another key.
    m.search(Query(text=DEMAND, keywords=("储能",)), top_k=3)
    m.search(OTHER, top_k=3)
    assert counting.queries == [DEMAND, OTHER, DEMAND + "\n储能"]


def test_results_equal_the_uncached_ones(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    cached = _matcher(tokenizer, encoder, docs)
    uncached = _matcher(tokenizer, encoder, docs, size=0)
    for text in (DEMAND, OTHER, DEMAND, OTHER):
        assert cached.search(text, top_k=5) == uncached.search(text, top_k=5)
    assert len(uncached.query_cache) == 0 and len(cached.query_cache) == 2


def test_a_vector_handed_out_cannot_change_the_cached_one(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    m = _matcher(tokenizer, encoder, docs)
    vec = m.encode_query(DEMAND)
    assert vec is not None
    vec[:] = 0.0
    again = m.encode_query(DEMAND)
    assert again is not None
    assert np.array_equal(again, encoder.encode_queries([DEMAND])[0])


def test_the_bound_holds_and_the_least_recently_used_goes_first(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = _matcher(tokenizer, counting, docs, size=2)
    for text in ("储能安全", "机器人视觉", "储能安全", "新材料涂层"):
        m.encode_query(text)
    assert len(m.query_cache) == 2
    # 机器人视觉 was the least recently used: dropped; 储能安全 was kept.
    m.encode_query("储能安全")
    assert counting.queries == ["储能安全", "机器人视觉", "新材料涂层"]
    m.encode_query("机器人视觉")
    assert counting.queries[-1] == "机器人视觉" and len(m.query_cache) == 2


def test_replacing_the_encoder_empties_the_cache(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    first = CountingEncoder(encoder)
    m = _matcher(tokenizer, first, docs)
    m.encode_query(DEMAND)
    # Another encoder object with the same model id (e.g. reloaded): still embedded again.
    second = CountingEncoder(encoder)
    m.encoder = second
    m.encode_query(DEMAND)
    assert first.queries == [DEMAND] and second.queries == [DEMAND]


def test_forget_queries_makes_the_next_search_embed(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = _matcher(tokenizer, counting, docs)
    m.search(DEMAND, top_k=3)
    m.forget_queries()
    m.search(DEMAND, top_k=3)
    assert counting.queries == [DEMAND, DEMAND]


def test_the_model_id_is_part_of_the_key() -> None:
    cache = QueryVectorCache(8)
    cache.put(QueryVectorCache.key("model-a", DEMAND), np.ones(4, dtype=np.float32))
    assert cache.get(QueryVectorCache.key("model-b", DEMAND)) is None
    got = cache.get(QueryVectorCache.key("model-a", DEMAND))
    assert got is not None and np.array_equal(got, np.ones(4, dtype=np.float32))


def test_concurrent_use_keeps_the_bound() -> None:
    cache = QueryVectorCache(16)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(500):
                key = QueryVectorCache.key("m", f"{seed}-{i % 40}")
                if cache.get(key) is None:
                    cache.put(key, np.full(3, i, dtype=np.float32))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(cache) == 16
    assert cache.hits + cache.misses == 2000


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(ValueError):
        QueryVectorCache(-1)


def test_a_batch_embeds_only_the_texts_not_seen_before_in_one_call(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    calls: list[int] = []
    inner = counting.encode_queries

    def encode(texts: list[str]) -> object:
        calls.append(len(texts))
        return inner(texts)

    counting.encode_queries = encode  # type: ignore[method-assign]
    m = _matcher(tokenizer, counting, docs)
    m.search(DEMAND, top_k=3)
    third = "面向新能源汽车的电池管理系统"
    vectors = m.encode_queries([DEMAND, Query(text=OTHER), third])
    assert vectors is not None
    assert calls == [1, 2]  # the search's text, then one batch of the two new ones
    assert counting.queries == [DEMAND, OTHER, third]
    for text, vec in zip([DEMAND, OTHER, third], vectors, strict=True):
        assert np.array_equal(vec, encoder.encode_queries([text])[0])
    assert m.encode_queries([OTHER, third]) is not None
    assert calls == [1, 2]  # all cached now


def test_a_lexical_matcher_has_no_query_vectors(
    tokenizer: ChineseTokenizer, docs: list[Document]
) -> None:
    m = _matcher(tokenizer, None, docs)
    assert m.encode_queries([DEMAND]) is None
    assert m.encode_query(DEMAND) is None
