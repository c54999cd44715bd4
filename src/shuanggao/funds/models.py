"""Conversion funds (转化基金), their investments, and co-operation funding (合作经费).

Money is exact: ``Money`` columns hold Decimal yuan as integer fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin, SourceMixin
from shuanggao.db.types import Money
from shuanggao.enterprises.models import Enterprise
from shuanggao.pairings.models import Pairing
from shuanggao.projects.models import Project
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


class FundInvestment(RecordMixin, Base):
    """One investment a conversion fund made (in an enterprise, a project, or a named investee)."""

    __tablename__ = "fund_investment"
    __table_args__ = (UniqueConstraint("fund_id", "investee_name", "invest_date"),)

    fund_id: Mapped[int] = mapped_column(
        ForeignKey("conversion_fund.id", ondelete="CASCADE"), nullable=False, index=True
    )
    investee_name: Mapped[str] = mapped_column(String(200), nullable=False)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), nullable=True, index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), nullable=True, index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    invest_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    fund: Mapped[ConversionFund] = relationship(lazy="raise", back_populates="investments")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="raise")
    project: Mapped[Project | None] = relationship(lazy="raise")

    @property
    def fund_name(self) -> str:
        return self.fund.name

    @property
    def zone_id(self) -> int:
        return self.fund.zone_id

    @property
    def enterprise_name(self) -> str | None:
        return self.enterprise.name if self.enterprise is not None else None

    @property
    def project_title(self) -> str | None:
        return self.project.title if self.project is not None else None

    @property
    def title(self) -> str:
        return f"{self.fund.name}投资{self.investee_name}（{self.invest_date.isoformat()}）"


class ConversionFund(RecordMixin, SourceMixin, Base):
    """A conversion fund (转化基金) of a zone, usually the 五个一 fund of one of its pairings."""

    __tablename__ = "conversion_fund"
    __table_args__ = (UniqueConstraint("zone_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Committed size in yuan.
    size: Mapped[Decimal] = mapped_column(Money, nullable=False)
    manager: Mapped[str | None] = mapped_column(String(200), nullable=True)
    established_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    # funds.schemas.FundStatus value.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="preparing")
    # Where the money comes from (出资来源), e.g. “高新区财政、社会资本”.
    capital_source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    if TYPE_CHECKING:
        # What the fund has invested so far: the sum of its investments (exact, in yuan).
        # Mapped below, once ``ConversionFund.id`` exists.
        invested: Decimal

    zone: Mapped[Zone] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")
    investments: Mapped[list[FundInvestment]] = relationship(
        lazy="raise", back_populates="fund", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def zone_name(self) -> str:
        return self.zone.name

    @property
    def available(self) -> Decimal:
        """Size not yet invested."""
        return self.size - self.invested


# The invested total as a correlated sub-query, loaded with the fund (one query for a list).
ConversionFund.invested = column_property(  # type: ignore[assignment]
    select(func.coalesce(func.sum(FundInvestment.amount), 0))
    .where(FundInvestment.fund_id == ConversionFund.id)
    .correlate_except(FundInvestment)
    .scalar_subquery()
)


class Funding(RecordMixin, SourceMixin, Base):
    """Money put into the co-operation (合作经费) by a government, a zone, an enterprise, a
    university or a fund, for a pairing or for a zone and a university, optionally for a project."""

    __tablename__ = "funding"
    __table_args__ = (UniqueConstraint("zone_id", "title"),)

    # What the money is for, unique within the zone: “新型储能系统创新联合体首期经费”.
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    university_id: Mapped[int | None] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # funds.schemas.PayerKind value.
    payer_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    payer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    funding_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    university: Mapped[University | None] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")
    project: Mapped[Project | None] = relationship(lazy="raise")

    @property
    def zone_name(self) -> str:
        return self.zone.name

    @property
    def university_name(self) -> str | None:
        return self.university.name if self.university is not None else None

    @property
    def project_title(self) -> str | None:
        return self.project.title if self.project is not None else None
