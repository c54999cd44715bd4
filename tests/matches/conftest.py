"""Matching tests use a deterministic encoder that counts what it embeds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from shuanggao_matching import HashingEncoder

from shuanggao.config import Settings
from shuanggao.matches.index import register_encoder


class CountingEncoder:
    """``HashingEncoder`` that records every passage and query it is asked to embed."""

    def __init__(self) -> None:
        self.inner = HashingEncoder(dim=128)
        self.passages: list[str] = []
        self.queries: list[str] = []

    @property
    def model_id(self) -> str:
        return "counting-" + self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.queries.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.passages.extend(texts)
        return self.inner.encode_passages(texts)


ENCODERS: list[CountingEncoder] = []


def _counting(settings: Settings) -> CountingEncoder:
    encoder = CountingEncoder()
    ENCODERS.append(encoder)
    return encoder


register_encoder("counting", _counting)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        var_dir=tmp_path,
        database_url=db_url,
        secret_key="test-secret-key-" + "x" * 32,
        encoder="counting",
    )


@pytest.fixture
def encoder(settings: Settings) -> CountingEncoder:
    """The encoder of this test's index (opened on first use)."""
    from shuanggao.matches.index import get_index

    index = get_index(settings)
    assert isinstance(index.encoder, CountingEncoder)
    return index.encoder
