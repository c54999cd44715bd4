"""Pairings (结对): one zone with one or more universities (一区多校), and their 五个一 board."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin, SourceMixin
from shuanggao.db.hybrids import year_of
from shuanggao.pairings.membership import MemberOf
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone, ZoneNamed


class PairingUniversity(Base):
    """A university's membership in a pairing; ``is_lead`` marks the lead university (牵头高校)."""

    __tablename__ = "pairing_university"

    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairing.id", ondelete="CASCADE"), primary_key=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    is_lead: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Order in which the universities were listed (the first listed is the lead by default).
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    university: Mapped[University] = relationship(lazy="raise")


class Pairing(ZoneNamed, RecordMixin, SourceMixin, Base):
    """A zone's pairing in one batch. A zone has at most one pairing per batch."""

    __tablename__ = "pairing"
    __table_args__ = (UniqueConstraint("zone_id", "batch"),)

    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    # programme.enums.Batch value.
    batch: Mapped[str] = mapped_column(String(30), nullable=False)
    start_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    # pairings.schemas.PairingStatus value.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="preparing")
    # The agreed industry direction (约定产业方向) as text and as codes.
    industry_direction: Mapped[str | None] = mapped_column(Text, nullable=True)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    emerging_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    members: Mapped[list[PairingUniversity]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=(PairingUniversity.position, PairingUniversity.university_id),
    )
    elements: Mapped[list[PilotElement]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, back_populates="pairing"
    )

    @property
    def zone_city(self) -> str:
        return self.zone.city

    @property
    def university_ids(self) -> list[int]:
        return [m.university_id for m in self.members]

    @property
    def university_names(self) -> list[str]:
        return [m.university.name for m in self.members]

    @property
    def lead_university_id(self) -> int | None:
        for m in self.members:
            if m.is_lead:
                return m.university_id
        return None

    @property
    def title(self) -> str:
        """How a pairing is named in lists and audit: 高新区 × 高校、高校."""
        return f"{self.zone.name} × {'、'.join(self.university_names)}"

    @hybrid_property
    def member_university_id(self) -> int | None:
        """Filter ``?university_id=``: at instance level, the lead university."""
        return self.lead_university_id

    @member_university_id.inplace.comparator
    @classmethod
    def _member_university_comparator(cls) -> MemberOf:
        return MemberOf(cls.id, PairingUniversity.pairing_id, PairingUniversity.university_id)

    start_year = year_of("start_date")


class PilotElement(RecordMixin, Base):
    """One item on a pairing's 五个一 board (e.g. the co-built platform, the conversion fund)."""

    __tablename__ = "pilot_element"
    __table_args__ = (UniqueConstraint("pairing_id", "kind", "title"),)

    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairing.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # programme.enums.FiveOneKind value.
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    # programme.enums.ProgressStatus value.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="not_started")
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    status_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    pairing: Mapped[Pairing] = relationship(lazy="raise", back_populates="elements")

    @property
    def pairing_title(self) -> str:
        return self.pairing.title

    @property
    def zone_id(self) -> int:
        return self.pairing.zone_id

    @property
    def zone_name(self) -> str:
        return self.pairing.zone.name
