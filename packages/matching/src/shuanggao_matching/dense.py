"""The dense vector index: exact below a threshold, an hnswlib graph above it."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .encoders import EncoderUnavailableError, FloatMatrix

__all__ = ["FILTERED_EXACT_MAX", "DenseIndex", "adaptive_ef_search"]

# A filtered graph search leaving at most this many positions reads their vectors instead
# (~25 µs per vector from hnswlib, against 20–150 ms for a graph walk under a 1%–0.1% filter).
FILTERED_EXACT_MAX = 2048


def adaptive_ef_search(size: int) -> int:
    """The default ``ef_search`` of a graph over ``size`` positions: 512 up to 100k, then
    ``512 * (1 + log10(size / 100k))`` (1,024 at 1M). Measured on the scale bench's near-tied
    synthetic vectors (recall@10 by id / by distance): 100k 0.953 / 0.991 at 512; 1M 0.808 /
    0.930 at 512 and 0.888 / 0.984 at 1,024 (same graph and queries)."""
    if size <= 100_000:
        return 512
    return round(512 * (1 + math.log10(size / 100_000)))


class DenseIndex:
    """Inner-product index over L2-normalised vectors with exact or graph search.

    Below ``graph_threshold`` live items the search is exact (one float32 matrix-vector product,
    one BLAS thread on the query path); at or above it the vectors move into an hnswlib graph
    (``M=16``, ``ef_construction=200``, ``ef_search=max(ef, 2k)`` with ``ef`` from
    :func:`adaptive_ef_search` unless ``ef_search`` is given: 512 up to 100k, 1,024 at 1M).
    ``shuanggao bench scale``, near-tied synthetic vectors, recall@10 by id / by distance: 100k
    0.953 / 0.991 at ef 512 against 0.889 / 0.970 at the former fixed 256, for +1.4 ms hybrid
    search p50 and +3.0 ms p95 in the same run; 1M 0.888 / 0.984 at 1,024 (0.808 / 0.930 at
    512); real embeddings at 50k: 0.997 / 1.000. Positions are the caller's integer ids;
    removal is a tombstone.

    The default threshold (50,000) is where the exact product starts to dominate a query:
    at 100k vectors it reads 154 MB per query (~14 ms on one idle core) against ~1 ms for the
    graph. The graph's capacity keeps 1% headroom (at least 1,024 slots) and grows by 2%.
    """

    def __init__(
        self,
        dim: int,
        *,
        graph_threshold: int = 50_000,
        ef_search: int | None = None,
        hnsw_m: int = 16,
        ef_construction: int = 200,
    ) -> None:
        self.dim = dim
        self.graph_threshold = graph_threshold
        self.ef_search = ef_search
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._size = 0  # rows used in _matrix (positions 0.._size-1)
        self._alive = np.zeros(0, dtype=bool)
        self._graph: Any = None
        self._graph_capacity = 0

    @classmethod
    def exact_over(cls, vectors: FloatMatrix) -> DenseIndex:
        """An exact index over ``vectors`` (positions ``0..n-1``, float32, not copied when
        already contiguous float32) that never builds a graph: the reference of recall
        measurements."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        index = cls(matrix.shape[1], graph_threshold=matrix.shape[0] + 1)
        index._matrix = matrix
        index._size = matrix.shape[0]
        index._alive = np.ones(matrix.shape[0], dtype=bool)
        return index

    # -- state -------------------------------------------------------------------------------
    @property
    def is_graph(self) -> bool:
        return self._graph is not None

    @property
    def size(self) -> int:
        """Number of positions allocated (live or removed)."""
        return self._size

    def effective_ef_search(self) -> int:
        """``ef_search`` if set, else :func:`adaptive_ef_search` of the positions allocated."""
        if self.ef_search is not None:
            return self.ef_search
        return adaptive_ef_search(self._size)

    def live_count(self) -> int:
        return int(self._alive[: self._size].sum())

    def memory_bytes(self) -> int:
        if self._graph is not None:
            return self._graph_capacity * self.graph_bytes_per_slot() + self._alive.nbytes
        return int(self._matrix[: self._size].nbytes + self._alive.nbytes)

    def graph_bytes_per_slot(self) -> int:
        """hnswlib's memory per capacity slot: the vector, the level-0 links (``2M`` ids and a
        count) and the label (allocated for every slot), ~72 bytes of per-slot bookkeeping
        (lock, level, link-list pointer, visited list; measured), ~48 bytes per label-map entry
        and the upper levels (about ``1/(M-1)`` of the elements hold ``M + 1`` ids per level,
        plus the allocation). At 100k vectors (dim 384, M 16) this is 1,802 bytes per slot;
        the process's resident memory grew by 1,824 bytes per item with 1% headroom."""
        level0 = self.dim * 4 + (2 * self.hnsw_m + 1) * 4 + 8
        upper = math.ceil(((self.hnsw_m + 1) * 4 + 16) / max(self.hnsw_m - 1, 1))
        return level0 + 72 + 48 + upper

    # -- updates -----------------------------------------------------------------------------
    def _ensure_rows(self, needed: int) -> None:
        if needed <= self._matrix.shape[0]:
            return
        capacity = max(needed, int(self._matrix.shape[0] * 1.5) + 1024)
        grown = np.zeros((capacity, self.dim), dtype=np.float32)
        grown[: self._size] = self._matrix[: self._size]
        self._matrix = grown
        alive = np.zeros(capacity, dtype=bool)
        alive[: self._size] = self._alive[: self._size]
        self._alive = alive

    def set(self, positions: npt.NDArray[np.int64], vectors: FloatMatrix) -> None:
        """Store ``vectors`` at ``positions`` (new positions or replacements)."""
        if len(positions) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        top = int(positions.max()) + 1
        if self._graph is not None:
            self._ensure_alive(top)
            self._graph_add(positions, vectors)
            self._alive[positions] = True
            self._size = max(self._size, top)
            return
        self._ensure_rows(top)
        self._matrix[positions] = vectors
        self._alive[positions] = True
        self._size = max(self._size, top)
        if self.live_count() >= self.graph_threshold:
            self._build_graph()

    def _ensure_alive(self, needed: int) -> None:
        if needed > self._alive.shape[0]:
            alive = np.zeros(max(needed, int(self._alive.shape[0] * 1.5) + 1024), dtype=bool)
            alive[: self._alive.shape[0]] = self._alive
            self._alive = alive

    def remove(self, positions: Sequence[int]) -> None:
        for pos in positions:
            if 0 <= pos < self._size and self._alive[pos]:
                self._alive[pos] = False
                if self._graph is not None:
                    self._graph.mark_deleted(int(pos))

    def vectors(self, positions: npt.NDArray[np.int64]) -> FloatMatrix:
        """The stored vectors at ``positions``."""
        if len(positions) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._graph is not None:
            return np.asarray(self._graph.get_items(positions.tolist()), dtype=np.float32)
        return self._matrix[positions]

    # -- graph -------------------------------------------------------------------------------
    def _new_graph(self, capacity: int) -> Any:
        try:
            import hnswlib
        except ImportError as exc:
            raise EncoderUnavailableError(
                "more than graph_threshold vectors need hnswlib: "
                "pip install 'shuanggao-matching[hnsw]'"
            ) from exc
        graph = hnswlib.Index(space="ip", dim=self.dim)
        graph.init_index(
            max_elements=capacity,
            ef_construction=self.ef_construction,
            M=self.hnsw_m,
            allow_replace_deleted=False,
        )
        graph.set_ef(self.effective_ef_search())
        return graph

    def _build_graph(self, num_threads: int = -1) -> None:
        live = np.flatnonzero(self._alive[: self._size])
        capacity = self._size + max(1024, self._size // 100)
        graph = self._new_graph(capacity)
        graph.add_items(self._matrix[live], live, num_threads=num_threads)
        self._graph = graph
        self._graph_capacity = capacity
        self._matrix = np.zeros((0, self.dim), dtype=np.float32)

    def _graph_add(self, positions: npt.NDArray[np.int64], vectors: FloatMatrix) -> None:
        top = int(positions.max()) + 1
        if top > self._graph_capacity:
            # Grow by 2% (at least 1,024 slots): hnswlib allocates every slot up front.
            capacity = max(top, self._graph_capacity + max(1024, self._graph_capacity // 50))
            self._graph.resize_index(capacity)
            self._graph_capacity = capacity
        for pos in positions:
            if pos < self._size and not self._alive[pos] and self._was_added(int(pos)):
                self._graph.unmark_deleted(int(pos))
        self._graph.add_items(vectors, positions, replace_deleted=False)

    def _was_added(self, pos: int) -> bool:
        try:
            self._graph.get_items([pos])
        except RuntimeError:
            return False
        return True

    def build_graph_from(
        self,
        vectors: FloatMatrix,
        *,
        num_threads: int = -1,
        chunk: int = 50_000,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Bulk-load ``vectors`` at positions ``0..n-1`` directly into a graph (large corpora)."""
        n = vectors.shape[0]
        # hnswlib allocates the whole capacity up front: keep 1% headroom (it grows on demand).
        capacity = n + max(1024, n // 100)
        graph = self._new_graph(capacity)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            graph.add_items(vectors[start:stop], np.arange(start, stop), num_threads=num_threads)
            if progress is not None:
                progress(stop - start)
        self._graph = graph
        self._graph_capacity = capacity
        self._matrix = np.zeros((0, self.dim), dtype=np.float32)
        self._alive = np.ones(n, dtype=bool)
        self._size = n

    # -- search ------------------------------------------------------------------------------
    def search(
        self,
        query: FloatMatrix,
        k: int,
        *,
        mask: npt.NDArray[np.bool_] | None = None,
        exact: bool = False,
    ) -> tuple[npt.NDArray[np.int64], FloatMatrix]:
        """Top ``k`` positions by inner product with ``query`` (shape ``(dim,)``).

        ``mask`` (length ``size``) restricts the search to allowed positions. ``exact`` forces
        exact search even when a graph exists (used to measure graph recall). A filter that
        leaves at most ``FILTERED_EXACT_MAX`` positions is searched exactly over those (a graph
        search for a rare label has to walk most of the graph: ~150 ms at 100k for 0.1%).
        """
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        allowed = self._alive[: self._size]
        if mask is not None:
            allowed = allowed & mask[: self._size]
        n_allowed = int(allowed.sum())
        k = min(k, n_allowed)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if (
            self._graph is not None
            and not exact
            and (mask is None or n_allowed > FILTERED_EXACT_MAX)
        ):
            return self._graph_search(q, k, allowed, filtered=mask is not None)
        if self._graph is not None:
            # Exact search over a graph: read the vectors back in bounded chunks.
            live = np.flatnonzero(allowed)
            best_pos = np.zeros(0, dtype=np.int64)
            best_s = np.zeros(0, dtype=np.float32)
            for start in range(0, len(live), 20_000):
                ids = live[start : start + 20_000]
                chunk = np.asarray(self._graph.get_items(ids.tolist()), dtype=np.float32)
                best_pos = np.concatenate([best_pos, ids.astype(np.int64)])
                best_s = np.concatenate([best_s, (chunk @ q).astype(np.float32)])
                if len(best_s) > k:
                    keep = np.argpartition(-best_s, k - 1)[:k]
                    best_pos, best_s = best_pos[keep], best_s[keep]
            order = np.argsort(-best_s, kind="stable")[:k]
            return best_pos[order], best_s[order]
        scores = (self._matrix[: self._size] @ q).astype(np.float32, copy=False)
        if n_allowed < self._size:
            scores = np.where(allowed, scores, -np.inf).astype(np.float32)
        top = np.argpartition(-scores, k - 1)[:k]
        order = top[np.argsort(-scores[top], kind="stable")]
        return order.astype(np.int64), scores[order]

    def _graph_search(
        self, q: FloatMatrix, k: int, allowed: npt.NDArray[np.bool_], *, filtered: bool
    ) -> tuple[npt.NDArray[np.int64], FloatMatrix]:
        self._graph.set_ef(max(self.effective_ef_search(), 2 * k))
        filter_fn = (lambda label: bool(allowed[label])) if filtered else None
        labels, distances = self._graph.knn_query(q.reshape(1, -1), k=k, filter=filter_fn)
        # hnswlib's "ip" space returns 1 - inner product.
        return labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)

    def scores_for(self, query: FloatMatrix, positions: npt.NDArray[np.int64]) -> FloatMatrix:
        """Exact inner products of ``query`` with the vectors at ``positions``."""
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        return (self.vectors(positions) @ q).astype(np.float32)

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "dense_alive.npy", self._alive[: self._size])
        if self._graph is not None:
            self._graph.save_index(str(directory / "dense.hnsw"))
        else:
            np.save(directory / "dense_vectors.npy", self._matrix[: self._size])

    @classmethod
    def load(cls, directory: Path, dim: int, **kwargs: Any) -> DenseIndex:
        index = cls(dim, **kwargs)
        alive = np.load(directory / "dense_alive.npy")
        index._size = int(alive.shape[0])
        graph_path = directory / "dense.hnsw"
        if graph_path.exists():
            import hnswlib

            graph = hnswlib.Index(space="ip", dim=dim)
            graph.load_index(str(graph_path))
            graph.set_ef(index.effective_ef_search())
            index._graph = graph
            index._graph_capacity = int(graph.get_max_elements())
            index._alive = alive.copy()
        else:
            matrix = np.load(directory / "dense_vectors.npy")
            index._matrix = np.ascontiguousarray(matrix, dtype=np.float32)
            index._alive = alive.copy()
        return index
