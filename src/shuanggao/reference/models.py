"""Reference classifications: GB/T 4754-2017 industries and the 2022 discipline catalogue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuanggao.db.base import Base, RecordMixin


class Industry(RecordMixin, Base):
    """A node of GB/T 4754-2017 (国民经济行业分类, incl. the 2019 amendment).

    ``code`` is the standard's own code: the 门类 letter (``C``) or 2–4 digits (``38``, ``384``,
    ``3841``); ``full_code`` prefixes digits with the 门类 letter (``C3841``), the form zones,
    pairings and demands store.
    """

    __tablename__ = "industry"

    code: Mapped[str] = mapped_column(String(5), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # reference.enums.IndustryLevel value.
    level: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    section: Mapped[str] = mapped_column(String(1), nullable=False, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    # The standard's 说明 text: ◇ includes, ◆ excludes, — list items.
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # reference.enums.IndustryTag values (小类 only).
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    is_strategic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_high_tech: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_digital: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 战略性新兴产业(2018) paths, e.g. "新能源汽车产业 > 新能源汽车装置、配件制造 > …".
    strategic_paths: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # 重点产品和服务 named for this code in the 战略性新兴产业 table.
    key_products: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # One entry per (tag, category path): tag, tag_name, path, has_star, star_description, products.
    classifications: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, nullable=False, default=list
    )
    # Searchable text of the classifications: paths and products joined (JSON is not searchable).
    keywords: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def full_code(self) -> str:
        return self.code if self.code == self.section else f"{self.section}{self.code}"

    @property
    def title(self) -> str:
        return f"{self.full_code} {self.name}"


class Discipline(RecordMixin, Base):
    """An entry of the 2022 研究生教育学科专业目录.

    A 学科门类 (2 digits), a 一级学科 or a 专业学位类别 (4 digits; a third digit of 5 or more
    marks a professional degree category).
    """

    __tablename__ = "discipline"

    code: Mapped[str] = mapped_column(String(4), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # reference.enums.DisciplineKind value.
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    # The 学科门类 code of a 一级学科 or 专业学位类别; None for a 门类.
    parent_code: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    # Professional degree categories: False means master's only. None when not applicable.
    doctoral: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"
