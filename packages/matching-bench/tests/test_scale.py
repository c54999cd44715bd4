"""The scale bench's recall measures and where it reads its real vectors from (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from shuanggao_matching_bench import recall_at, recall_failures, run_scale_bench
from shuanggao_matching_bench.items import (
    VECTORS_ENV,
    cached_vector_count,
    real_vectors,
    vectors_dir_default,
)


def _chunks(directory: Path, sizes: list[int]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for c, size in enumerate(sizes):
        np.save(directory / f"chunk_{c:04d}.npy", np.full((size, 4), c, dtype=np.float32))


def test_recall_by_distance_counts_a_tied_vector_that_recall_by_id_misses() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.7, 0.1], dtype=np.float32)
    # Exact top 3 is {0, 1, 2} or {0, 1, 3}: position 3 ties position 2.
    by_id, by_distance = recall_at(np.array([0, 1, 3]), scores, 3)
    assert by_distance == 1.0
    assert by_id in (1.0, 2 / 3)
    by_id, by_distance = recall_at(np.array([0, 1, 4]), scores, 3)
    assert (by_id, by_distance) == (2 / 3, 2 / 3)


def test_near_ties_count_the_vectors_as_close_as_the_exact_kth() -> None:
    from shuanggao_matching_bench.scale import near_ties

    scores = np.array([0.95, 0.9, 0.8, 0.7995, 0.799, 0.79, 0.1], dtype=np.float32)
    span, tied = near_ties(scores, 3)
    assert span == pytest.approx(0.15)
    # 0.7995 and 0.799 are within 1e-3 of the 3rd score (0.8); 0.79 is not.
    assert tied == 2
    assert near_ties(scores, 1) == (0.0, 0)


def test_recall_failures_name_the_sizes_below_the_floor() -> None:
    rows = [
        {"items": n, "vectors": "real", "dense_kind": "hnsw", "recall_at_10_by_distance": r}
        for n, r in ((50_000, 0.95), (100_000, 0.949))
    ]
    failures = recall_failures({"sizes": rows})
    assert len(failures) == 1 and failures[0].startswith("100000 items (real vectors, hnsw)")


def test_cached_vector_count_stops_at_the_first_missing_chunk(tmp_path: Path) -> None:
    assert cached_vector_count(tmp_path / "absent") == 0
    _chunks(tmp_path, [2000, 2000, 2000])
    (tmp_path / "chunk_0001.npy").unlink()
    assert cached_vector_count(tmp_path) == 2000


def test_vectors_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(VECTORS_ENV, raising=False)
    assert vectors_dir_default() == Path("var/bench/cache/real_fragments")
    monkeypatch.setenv(VECTORS_ENV, str(tmp_path))
    assert vectors_dir_default() == tmp_path


def _source(directory: Path, n: int) -> Path:
    """A stand-in for the shared data with ``n`` distinct titles (one fragment each)."""
    (directory / "csl").mkdir(parents=True)
    rows = (
        json.dumps({"title": f"第{i}号标题的研究", "abstract": "", "keywords": []})
        for i in range(n)
    )
    (directory / "csl" / "csl_benchmark_2000.jsonl").write_text("\n".join(rows), encoding="utf-8")
    return directory


def test_real_vectors_read_from_the_cache_without_embedding(tmp_path: Path) -> None:
    source = _source(tmp_path / "data", 5000)
    _chunks(tmp_path / "vectors", [2000, 2000])
    got = real_vectors(source, 3000, directory=tmp_path / "vectors", embed_missing=False)
    assert got.shape == (3000, 4) and got.dtype == np.float32
    assert float(got[1999, 0]) == 0.0 and float(got[2000, 0]) == 1.0
    # Only the cached prefix without embedding.
    prefix = real_vectors(source, 5000, directory=tmp_path / "vectors", embed_missing=False)
    assert prefix.shape == (4000, 4)


def test_real_run_refuses_when_the_cache_is_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chunks(tmp_path, [2000])
    monkeypatch.setenv(VECTORS_ENV, str(tmp_path))
    with pytest.raises(ValueError, match=r"holds 2000 real fragment vectors, 50000 needed"):
        run_scale_bench([10_000, 50_000], vectors="real", encoder=None)
    with pytest.raises(ValueError, match=r"holds 0 real fragment vectors"):
        run_scale_bench([10], vectors="real", vectors_dir=tmp_path / "empty", encoder=None)


def test_ef_sweep_reports_each_ef_and_restores_the_index_setting() -> None:
    pytest.importorskip("hnswlib")
    from shuanggao_matching.semantic import DenseIndex
    from shuanggao_matching_bench.scale import EF_SWEEP, _sweep_ef

    rng = np.random.default_rng(14)
    vectors = rng.normal(size=(1500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = DenseIndex(16, graph_threshold=100, ef_search=200)
    dense.build_graph_from(vectors)
    sweep: dict[int, dict[str, list[float]]] = {}
    for q in vectors[:20]:
        _sweep_ef(dense, q, vectors @ q, sweep)
    assert dense.ef_search == 200
    assert sorted(sweep) == sorted({*EF_SWEEP, 200})
    for found in sweep.values():
        assert len(found["recall_at_10_by_distance"]) == 20
    # The widest search finds the exact top 10 of these 1,500 vectors.
    assert np.mean(sweep[max(sweep)]["recall_at_10_by_distance"]) == 1.0
