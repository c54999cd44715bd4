from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ColumnElement, String, Text, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from shuanggao.db.base import Base, RecordMixin


class University(RecordMixin, Base):
    """A university (高校). ``code`` is the MoE 学校标识码 (10 digits)."""

    __tablename__ = "university"

    code: Mapped[str] = mapped_column(String(10), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    province: Mapped[str] = mapped_column(String(20), nullable=False, default="江苏省")
    city: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    authority: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    is_private: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 2022 研究生教育学科专业目录 一级学科 codes (4 digits), e.g. 0812.
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    is_pilot: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class UniversityNamed:
    """Mixin for a model with ``university_id`` and a ``university`` relationship.

    Adds the ``university_name`` hybrid: in SQL a scalar subquery on ``university``.
    """

    if TYPE_CHECKING:
        university_id: Mapped[int]
        university: Mapped[University]

    @hybrid_property
    def university_name(self) -> str:
        return self.university.name

    @university_name.inplace.expression
    @classmethod
    def _university_name_expression(cls) -> ColumnElement[str]:
        return select(University.name).where(University.id == cls.university_id).scalar_subquery()
