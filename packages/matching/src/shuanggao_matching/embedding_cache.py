"""The embedding cache: vectors keyed by ``(model id, content hash)``, so nothing is embedded
twice."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .encoders import Encoder, FloatMatrix

__all__ = ["EmbeddingCache", "content_hash"]


def content_hash(text: str) -> str:
    """The cache key part for a passage text (hex SHA-256, first 32 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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
