"""Hybrid-property factories shared by the domain models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, extract
from sqlalchemy.ext.hybrid import hybrid_property


def year_of(date_attr: str) -> hybrid_property[int | None]:
    """A hybrid: the year of the date attribute ``date_attr`` (``None`` when the date is).

    In SQL it is ``EXTRACT(year FROM <date column>)``, so registers can filter on it.
    """

    def fget(self: Any) -> int | None:
        value: dt.date | None = getattr(self, date_attr)
        return value.year if value is not None else None

    def expr(cls: Any) -> ColumnElement[int]:
        return extract("year", getattr(cls, date_attr))

    return hybrid_property(fget, expr=expr)
