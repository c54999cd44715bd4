"""A report's figures: the one it holds for an indicator, the records' one, and a typed figure
parsed with a Chinese message naming the indicator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.reports.models import FIGURE_NAMES, PeriodicReport, ReportIndicator
from shuanggao.reports.sources import SOURCES, Number

MAX_COUNT = 2_000_000_000
MAX_YUAN = Decimal("100000000000000")
MAX_EXPLANATION = 500


def figure_text(value: Number | None) -> str | None:
    return None if value is None else str(value)


def reported_value(report: PeriodicReport, indicator: ReportIndicator) -> Number | None:
    """The figure the report holds for ``indicator`` (a figure column, or ``extra_figures``)."""
    if indicator.code in FIGURE_NAMES:
        return report.figure(indicator.code)
    raw = (report.extra_figures or {}).get(indicator.code)
    if raw is None:
        return None
    amount = Decimal(raw)
    return amount if indicator.is_money else int(amount)


def recorded_value(
    session: Session,
    actor: Actor,
    indicator: ReportIndicator,
    zone_id: int | None,
    day: dt.date,
    pairing_id: int | None = None,
) -> Number | None:
    """The records' figure for ``indicator`` (None when it has no source: reported only)."""
    source = SOURCES.get(indicator.source or "")
    if source is None:
        return None
    return source.total(source.lines(session, actor, zone_id, day, pairing_id))


def parse_figure(indicator: ReportIndicator, raw: Any) -> Number | None:
    """A figure typed in a form or sent as JSON: empty → not reported; refuses with a Chinese
    message naming the indicator."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(
            fields={indicator.code: f"{indicator.label}：“{raw}”不是数字"}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(fields={indicator.code: f"{indicator.label}：不能为负数"})
    if indicator.is_money:
        if amount != amount.quantize(Decimal("0.01")) or amount > MAX_YUAN:
            raise ValidationFailed(
                fields={indicator.code: f"{indicator.label}：金额最多两位小数（元）"}
            )
        return amount.quantize(Decimal("0.01"))
    if amount != amount.to_integral_value() or amount > MAX_COUNT:
        raise ValidationFailed(fields={indicator.code: f"{indicator.label}：应为整数"})
    return int(amount)
