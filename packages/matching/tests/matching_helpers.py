"""Helpers shared by the matching tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from shuanggao_matching import Encoder


class CountingEncoder:
    """Wraps an encoder and counts the passages it embeds."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.passages: list[str] = []
        self.queries: list[str] = []

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.queries.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.passages.extend(texts)
        return self.inner.encode_passages(texts)
