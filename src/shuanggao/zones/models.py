from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ColumnElement, String, Text, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from shuanggao.db.base import Base, RecordMixin, SourceMixin


class Zone(RecordMixin, SourceMixin, Base):
    """A high-tech zone (高新区). ``name`` is the short name used across the programme."""

    __tablename__ = "zone"

    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    full_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    city: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    managing_body: Mapped[str | None] = mapped_column(String(200), nullable=True)
    leading_industries: Mapped[str | None] = mapped_column(Text, nullable=True)
    future_industries: Mapped[str | None] = mapped_column(Text, nullable=True)
    # GB/T 4754-2017 codes (门类 letter + up to 4 digits) and 战略性新兴产业(2018) category codes.
    industry_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    emerging_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    is_pilot: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ZoneNamed:
    """Mixin for a model with ``zone_id`` and a ``zone`` relationship: the ``zone_name`` hybrid.

    In SQL it is a scalar subquery on ``zone``, so registers can search and sort on it.
    """

    if TYPE_CHECKING:
        zone_id: Mapped[int]
        zone: Mapped[Zone]

    @hybrid_property
    def zone_name(self) -> str:
        return self.zone.name

    @zone_name.inplace.expression
    @classmethod
    def _zone_name_expression(cls) -> ColumnElement[str]:
        return select(Zone.name).where(Zone.id == cls.zone_id).scalar_subquery()
