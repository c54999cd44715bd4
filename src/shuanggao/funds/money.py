"""Exact money in schemas: Decimal yuan with at most two decimals (fen), never a float.

``Yuan`` accepts JSON numbers and strings (``"7.5"``, ``0.1``) and refuses anything finer than a
fen, negative, or too large to store, with a Chinese message; values come out quantised to 0.01.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator

from shuanggao.db.types import FEN

# Money columns hold integer fen in a BIGINT; keep well inside it.
MAX_YUAN = Decimal("1000000000000")  # 1 万亿元


def _check_yuan(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("金额应为数字")
    if abs(value) >= MAX_YUAN:
        raise ValueError("金额过大（应小于 1 万亿元）")
    if value < 0:
        raise ValueError("金额不能为负数")
    if value != value.quantize(FEN):
        raise ValueError("金额最多精确到分（小数点后两位）")
    return value.quantize(FEN)


def _check_positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("金额应大于 0")
    return value


Yuan = Annotated[Decimal, AfterValidator(_check_yuan)]
PositiveYuan = Annotated[Decimal, AfterValidator(_check_yuan), AfterValidator(_check_positive)]


def yuan_sum(values: list[Decimal]) -> Decimal:
    """Exact sum in yuan, quantised to fen."""
    return sum(values, Decimal(0)).quantize(FEN)


def yuan_text(value: Any) -> str:
    """An amount in messages: ``1,234,567.50``."""
    return f"{value:,.2f}"
