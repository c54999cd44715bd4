"""Helpers shared by the matching tests."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from shuanggao_matching import Document, Encoder

_WORDS = [
    "锂电池",
    "储能",
    "安全",
    "预警",
    "集成电路",
    "芯片",
    "测试",
    "人工智能",
    "新材料",
    "生物医药",
    "传感器",
    "机器人",
    "智能制造",
    "光伏",
    "氢能",
    "碳化硅",
    "工业互联网",
    "数据",
    "模型",
    "算法",
    "工艺",
    "装备",
    "检测",
    "控制",
    "系统",
    "平台",
]


def generated_items(n: int, seed: int) -> Iterator[Document]:
    """``n`` supply-like items: a title of one random clause and a body of four (each clause
    six domain words)."""
    rng = random.Random(seed)
    clauses = ["".join(rng.choice(_WORDS) for _ in range(6)) for _ in range(5000)]
    for i in range(n):
        title = rng.choice(clauses)
        body = "。".join(rng.choice(clauses) for _ in range(4))
        yield Document(id=f"gen-{i}", title=title, body=body, owner=f"p{i % 5000}")


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
