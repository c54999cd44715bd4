"""Periodic reports (填报): figures reported for a period, kept as reported, not as records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin, SourceMixin
from shuanggao.db.types import Money, UTCDateTime
from shuanggao.pairings.models import Pairing
from shuanggao.zones.models import Zone

# The reported figures, in the order they are shown. ``funding_yuan`` is money (yuan).
FIGURE_NAMES: tuple[str, ...] = (
    "zones",
    "universities",
    "pairings",
    "projects",
    "platforms",
    "residents",
    "enterprises_served",
    "funding_yuan",
)


class PeriodicReport(RecordMixin, SourceMixin, Base):
    """Figures reported for the programme, a zone or a pairing for ``period_start..period_end``,
    as of ``as_of_date``. Only approved (已审核) reports feed the statistics."""

    __tablename__ = "periodic_report"
    __table_args__ = (UniqueConstraint("scope", "zone_id", "pairing_id", "period_end"),)

    # reports.schemas.ReportScope value: programme, zone or pairing.
    scope: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    period_start: Mapped[dt.date] = mapped_column(nullable=False)
    period_end: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    as_of_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    # reports.schemas.ReportStatus value: draft, submitted, approved.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft", index=True)

    zones: Mapped[int | None] = mapped_column(Integer, nullable=True)
    universities: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pairings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    projects: Mapped[int | None] = mapped_column(Integer, nullable=True)
    platforms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    residents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    enterprises_served: Mapped[int | None] = mapped_column(Integer, nullable=True)
    funding_yuan: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # How a figure was worded, by figure name: {"residents": "多", "enterprises_served": "超"}
    # for “1000多名”, “超560家”.
    qualifiers: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    figures_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    submitted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone | None] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")

    @property
    def zone_name(self) -> str | None:
        return self.zone.name if self.zone is not None else None

    @property
    def title(self) -> str:
        if self.pairing is not None:
            where = self.pairing.title
        elif self.zone is not None:
            where = self.zone.name
        else:
            where = "全省"
        return f"{where}填报（截至 {self.as_of_date.isoformat()}）"

    def figure(self, name: str) -> int | Decimal | None:
        if name not in FIGURE_NAMES:
            raise KeyError(name)
        value: int | Decimal | None = getattr(self, name)
        return value
