"""Supply items (技术供给清单条目), kept by universities."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin, SourceMixin
from shuanggao.db.changes import ChangeStamped
from shuanggao.db.types import Money
from shuanggao.universities.models import University


class SupplyItem(ChangeStamped, RecordMixin, SourceMixin, Base):
    """One entry of a university's technology supply list.

    ``kind`` says what is offered (a result, an expert team, a shareable platform or instrument,
    a data resource); the kind-specific text fields are filled as they apply. ``owner_name`` is
    the researcher or team lead; ``owner_user_id`` links the researcher's account when the item
    is theirs to edit.
    """

    __tablename__ = "supply_item"
    __table_args__ = (UniqueConstraint("university_id", "title"),)

    # supply.schemas.SupplyKind value.
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    owner_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    # The researcher's account (accounts.User id) when a researcher keeps the item themselves.
    owner_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    abstract: Mapped[str] = mapped_column(Text, nullable=False, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # 2022 一级学科 codes (4 digits) and GB/T 4754-2017 codes.
    discipline_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # supply.schemas.Maturity value (TRL 1-9 or a stage).
    maturity: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # supply.schemas.RightsStatus value.
    rights_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    patent_numbers: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # supply.schemas.TransferMode values.
    transfer_modes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    price_min: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    price_max: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # Experts and teams.
    research_directions: Mapped[str | None] = mapped_column(Text, nullable=True)
    representative_results: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Platforms and instruments.
    sharing_terms: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Data resources.
    data_description: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    university: Mapped[University] = relationship(lazy="raise")

    @property
    def university_name(self) -> str:
        return self.university.name

    @property
    def owner_label(self) -> str:
        """How the owner is named in results: the person, else the university."""
        return self.owner_name or self.university.name
