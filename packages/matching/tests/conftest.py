from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from matching_helpers import CountingEncoder

from shuanggao_matching import ChineseTokenizer, Document, Encoder, HashingEncoder

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def tokenizer() -> ChineseTokenizer:
    tk = ChineseTokenizer()
    tk.warm_up()
    return tk


@pytest.fixture()
def encoder() -> HashingEncoder:
    return HashingEncoder(dim=128)


@pytest.fixture()
def docs() -> list[Document]:
    return [
        Document(
            id="s1",
            title="锂电池储能系统安全预警",
            body="基于实验数据的大型储能电站热失控预测与早期预警方法。",
            keywords=("储能安全", "热失控"),
            codes=("0807", "3841"),
            kind="achievement",
            owner="peng",
            metadata={
                "visibility": "公开",
                "university": "njit",
                "trl": 6,
                "modes": ["技术开发", "技术许可"],
            },
        ),
        Document(
            id="s2",
            title="杂交水稻高产栽培技术",
            body="水稻育种与栽培管理，提高单产。",
            codes=("0901",),
            kind="achievement",
            owner="li",
            metadata={
                "visibility": "仅结对高校",
                "university": "njau",
                "trl": 8,
                "modes": ["技术转让"],
            },
        ),
        Document(
            id="s3",
            title="集成电路芯片测试方案",
            body="面向车规级芯片的可靠性测试与失效分析平台。",
            codes=("0809", "3973"),
            kind="platform",
            owner="peng",
            metadata={"visibility": "公开", "university": "wxu", "trl": 7, "modes": ["共建平台"]},
        ),
        Document(
            id="s4",
            title="动力电池梯次利用",
            body="退役锂离子电池的健康状态评估与储能梯次利用。",
            codes=("0807",),
            kind="achievement",
            owner="zhao",
            metadata={
                "visibility": "匿名发布",
                "university": "njit",
                "trl": 4,
                "modes": ["技术开发"],
            },
        ),
    ]


@pytest.fixture()
def counting() -> Callable[[Encoder], CountingEncoder]:
    return CountingEncoder
