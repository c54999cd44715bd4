"""Periodic reports (填报): figures reported for a period, kept as reported, not as records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, IdMixin, RecordMixin, SourceMixin
from shuanggao.db.types import Money, UTCDateTime, utcnow
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

    # The 填报 workflow: the period reported for, figures of indicators without a column (by
    # indicator code, decimal text), what the records said when the figures were last saved (by
    # code, decimal text), the reporter's explanation of each difference, and the province's
    # comment when it returned the report.
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_period.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    extra_figures: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    recorded: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    explanations: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    return_comment: Mapped[str | None] = mapped_column(Text, nullable=True)

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


class ReportPeriod(RecordMixin, Base):
    """A period the province asks pilots to report for (2026年第四季度), due by ``due_date``."""

    __tablename__ = "report_period"
    __table_args__ = (UniqueConstraint("period_end"),)

    title: Mapped[str] = mapped_column(String(100), nullable=False)
    period_start: Mapped[dt.date] = mapped_column(nullable=False)
    period_end: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    due_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReportIndicator(RecordMixin, Base):
    """An indicator the province asks for. ``source`` names the function that counts the records
    behind it (``reports.sources.SOURCES``); without one the indicator is reported only."""

    __tablename__ = "report_indicator"
    __table_args__ = (UniqueConstraint("code"),)

    code: Mapped[str] = mapped_column(String(40), nullable=False)
    label: Mapped[str] = mapped_column(String(100), nullable=False)
    unit: Mapped[str] = mapped_column(String(10), nullable=False, default="个")
    is_money: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str | None] = mapped_column(String(40), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReportEvent(IdMixin, Base):
    """One step in a report's history: created, figures saved, submitted, returned, approved."""

    __tablename__ = "report_event"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("periodic_report.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    username: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    # {indicator code: [before, after]} as decimal text (None when empty).
    changes: Mapped[dict[str, list[str | None]]] = mapped_column(JSON, nullable=False, default=dict)


class ReportReminder(IdMixin, Base):
    """The outbox of report reminders: one row per zone, period, kind (due or overdue) and day the
    daily job ran, so running it twice the same day sends nothing twice."""

    __tablename__ = "report_reminder"
    __table_args__ = (UniqueConstraint("zone_id", "period_id", "kind", "as_of_date"),)

    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_id: Mapped[int] = mapped_column(
        ForeignKey("report_period.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    as_of_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
