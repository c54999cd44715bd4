"""Co-built industrial innovation platforms (共建产业创新平台)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
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
from shuanggao.pairings.models import Pairing
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone, ZoneNamed


class PlatformUniversity(Base):
    """A university co-building a platform."""

    __tablename__ = "platform_university"

    platform_id: Mapped[int] = mapped_column(
        ForeignKey("platform.id", ondelete="CASCADE"), primary_key=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    university: Mapped[University] = relationship(lazy="raise")


class Platform(ZoneNamed, RecordMixin, SourceMixin, Base):
    """A platform a zone co-builds with one or more universities."""

    __tablename__ = "platform"
    __table_args__ = (UniqueConstraint("zone_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # platforms.schemas.PlatformKind value.
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    # platforms.schemas.PlatformLevel value.
    level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    established_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    industry_direction: Mapped[str | None] = mapped_column(Text, nullable=True)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # programme.enums.TaskArea value.
    task_area: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Large instruments opened for sharing (创新资源共享).
    shared_instruments: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")
    members: Mapped[list[PlatformUniversity]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=(PlatformUniversity.position, PlatformUniversity.university_id),
    )

    @property
    def university_ids(self) -> list[int]:
        return [m.university_id for m in self.members]

    @property
    def university_names(self) -> list[str]:
        return [m.university.name for m in self.members]

    @hybrid_property
    def member_university_id(self) -> int | None:
        """Filter ``?university_id=``: at instance level, the first university."""
        ids = self.university_ids
        return ids[0] if ids else None

    @member_university_id.inplace.comparator
    @classmethod
    def _member_university_comparator(cls) -> MemberOf:
        return MemberOf(cls.id, PlatformUniversity.platform_id, PlatformUniversity.university_id)

    established_year = year_of("established_date")
