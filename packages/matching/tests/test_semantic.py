from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matching_helpers import CountingEncoder

from shuanggao_matching.semantic import (
    DenseIndex,
    EmbeddingCache,
    Encoder,
    EncoderUnavailableError,
    HashingEncoder,
    SentenceTransformerEncoder,
    load_encoder,
)


def test_hashing_encoder_is_deterministic_and_normalised(encoder: HashingEncoder) -> None:
    a = encoder.encode_passages(["锂电池储能", "水稻育种"])
    b = HashingEncoder(dim=128).encode_passages(["锂电池储能", "水稻育种"])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), [1.0, 1.0], rtol=1e-5)
    assert a.dtype == np.float32 and a.shape == (2, 128)
    q = encoder.encode_queries(["锂电池储能安全"])[0]
    assert float(a[0] @ q) > float(a[1] @ q)


def test_encoders_satisfy_the_protocol(
    encoder: HashingEncoder, counting: Callable[[Encoder], CountingEncoder]
) -> None:
    assert isinstance(encoder, Encoder)
    assert isinstance(counting(encoder), Encoder)


def test_load_encoder_names() -> None:
    assert load_encoder("none") is None
    assert isinstance(load_encoder("hashing"), HashingEncoder)
    with pytest.raises(EncoderUnavailableError, match="unknown encoder"):
        load_encoder("word2vec")
    with pytest.raises(EncoderUnavailableError, match="local model path"):
        load_encoder("sentence-transformers")


def test_sentence_transformers_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "bge-small-zh"
    with pytest.raises(EncoderUnavailableError, match="model directory not found") as info:
        SentenceTransformerEncoder(missing)
    assert str(missing) in str(info.value)
    assert "never downloaded" in str(info.value)


def test_embedding_cache_embeds_each_text_once(
    tmp_path: Path, encoder: HashingEncoder, counting: Callable[[Encoder], CountingEncoder]
) -> None:
    wrapped = counting(encoder)
    cache = EmbeddingCache()
    first = cache.encode_passages(wrapped, ["甲", "乙", "甲"])
    assert wrapped.passages == ["甲", "乙"] or sorted(wrapped.passages) == ["乙", "甲"]
    second = cache.encode_passages(wrapped, ["乙", "甲"])
    assert len(wrapped.passages) == 2
    np.testing.assert_allclose(second[1], first[0], atol=1e-3)
    cache.save(tmp_path / "cache.npz")
    loaded = EmbeddingCache.load(tmp_path / "cache.npz")
    assert len(loaded) == 2
    loaded.encode_passages(wrapped, ["甲", "丙"])
    assert len(wrapped.passages) == 3  # only 丙 is new
    other_model = counting(HashingEncoder(dim=64))
    loaded.encode_passages(other_model, ["甲"])
    assert other_model.passages == ["甲"]  # the key includes the model id


def test_dense_index_exact_search_and_removal() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = DenseIndex(16)
    index.set(np.arange(50, dtype=np.int64), vecs)
    pos, scores = index.search(vecs[7], 3)
    assert pos[0] == 7 and scores[0] == pytest.approx(1.0, abs=1e-5)
    index.remove([7])
    pos, _ = index.search(vecs[7], 3)
    assert 7 not in pos.tolist()
    mask = np.zeros(50, dtype=bool)
    mask[[1, 2]] = True
    pos, _ = index.search(vecs[1], 10, mask=mask)
    assert sorted(pos.tolist()) == [1, 2]


def test_dense_index_switches_to_graph_and_keeps_recall(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    centers = rng.normal(size=(40, 32))
    vecs = (centers[rng.integers(0, 40, 3000)] + 0.3 * rng.normal(size=(3000, 32))).astype(
        np.float32
    )
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = DenseIndex(32, graph_threshold=2000)
    index.set(np.arange(3000, dtype=np.int64), vecs)
    assert index.is_graph
    recalls = []
    for q in vecs[:50]:
        approx, _ = index.search(q, 10)
        exact, _ = index.search(q, 10, exact=True)
        recalls.append(len(set(approx.tolist()) & set(exact.tolist())) / 10)
    assert np.mean(recalls) >= 0.95
    index.remove([0])
    assert 0 not in index.search(vecs[0], 5)[0].tolist()
    index.save(tmp_path)
    loaded = DenseIndex.load(tmp_path, 32)
    assert loaded.is_graph
    assert loaded.search(vecs[5], 1)[0].tolist() == [5]
    assert 0 not in loaded.search(vecs[0], 5)[0].tolist()


def test_graph_capacity_headroom_and_growth() -> None:
    rng = np.random.default_rng(2)
    vecs = rng.normal(size=(3100, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = DenseIndex(16, graph_threshold=2000)
    index.set(np.arange(1999, dtype=np.int64), vecs[:1999])
    assert not index.is_graph
    index.set(np.asarray([1999], dtype=np.int64), vecs[1999:2000])
    assert index.is_graph
    # 1% headroom, at least 1,024 slots; memory is counted per allocated slot.
    assert index._graph_capacity == 2000 + 1024
    assert index.memory_bytes() == 3024 * index.graph_bytes_per_slot() + index._alive.nbytes
    index.set(np.arange(2000, 3100, dtype=np.int64), vecs[2000:])
    assert index._graph_capacity == 3024 + 1024
    assert index.search(vecs[2100], 1)[0].tolist() == [2100]


def test_graph_bytes_per_slot_counts_vector_and_links() -> None:
    index = DenseIndex(384)
    per_slot = index.graph_bytes_per_slot()
    # vector (1,536) + 33 link ids (132) + label (8) + bookkeeping and label map (120) + upper
    assert 1536 + 132 + 8 + 120 < per_slot < 1536 + 132 + 8 + 120 + 16


def test_selective_filter_on_a_graph_is_searched_exactly() -> None:
    rng = np.random.default_rng(4)
    vecs = rng.normal(size=(3000, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = DenseIndex(16, graph_threshold=2000)
    index.set(np.arange(3000, dtype=np.int64), vecs)
    assert index.is_graph
    mask = np.zeros(3000, dtype=bool)
    mask[rng.choice(3000, size=40, replace=False)] = True
    allowed = np.flatnonzero(mask)
    for q in vecs[:20]:
        pos, scores = index.search(q, 10, mask=mask)
        expected = allowed[np.argsort(-(vecs[allowed] @ q), kind="stable")[:10]]
        assert pos.tolist() == expected.tolist()
        assert np.allclose(scores, vecs[expected] @ q, atol=1e-5)
