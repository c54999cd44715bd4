"""Residents (驻园师生): university teachers and students working inside a zone for a period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin, SourceMixin
from shuanggao.pairings.models import Pairing
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


class Resident(RecordMixin, SourceMixin, Base):
    """A teacher or student of ``university`` resident in ``zone`` from ``from_date``.

    ``to_date`` is the last day in the zone (inclusive); None while the residence goes on.
    """

    __tablename__ = "resident"
    __table_args__ = (UniqueConstraint("university_id", "zone_id", "person_name", "from_date"),)

    person_name: Mapped[str] = mapped_column(String(50), nullable=False)
    # talent.schemas.ResidentKind value.
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Where in the zone: an enterprise or a platform (named by table: both live in higher or
    # sibling layers, see ``talent.repository``).
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), nullable=True, index=True
    )
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("platform.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The resident's own account, when they have one: a student reads their own records.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    department: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # 2022 一级学科 code (4 digits), e.g. 0809.
    discipline_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    from_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    to_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    # The role held in the zone: 科技副总, 产业教授, 研究生工作站, 驻企工程师 ...
    role: Mapped[str | None] = mapped_column(String(100), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    university: Mapped[University] = relationship(lazy="raise")
    zone: Mapped[Zone] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")

    @property
    def university_name(self) -> str:
        return self.university.name

    @property
    def zone_name(self) -> str:
        return self.zone.name

    def present_on(self, day: dt.date) -> bool:
        return self.from_date <= day and (self.to_date is None or self.to_date >= day)
