"""Column types of the programme domain."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Dialect, TypeDecorator

# Figures are held to four decimal places (as printed: 1 亿元, 0.5 万元, 7492 万元 …).
FIGURE_SCALE = 10_000
FIGURE_QUANTUM = Decimal("0.0001")


class Figure(TypeDecorator[Decimal]):
    """An exact figure: ``Decimal`` in Python, an integer of ten-thousandths in the database.

    ``Numeric`` would pass through float on SQLite; this keeps the figure exact on both backends.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | str | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        amount = Decimal(value)
        if amount != amount.quantize(FIGURE_QUANTUM):
            raise ValueError(f"figure {value} has more than four decimal places")
        return int(amount * FIGURE_SCALE)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        figure = (Decimal(value) / FIGURE_SCALE).normalize()
        # 500, not 5E+2: whole figures read as printed.
        return figure.quantize(Decimal(1)) if figure == figure.to_integral_value() else figure
