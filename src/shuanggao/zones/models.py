from __future__ import annotations

from sqlalchemy import JSON, Boolean, String, Text
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
