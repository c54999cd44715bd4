"""Joint R&D projects (合作研发项目)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
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
from shuanggao.db.types import Money
from shuanggao.enterprises.models import Enterprise
from shuanggao.pairings.membership import MemberOf
from shuanggao.pairings.models import Pairing
from shuanggao.universities.models import University, UniversityNamed
from shuanggao.zones.models import Zone, ZoneNamed


class ProjectEnterprise(Base):
    """An enterprise taking part in a project."""

    __tablename__ = "project_enterprise"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    enterprise: Mapped[Enterprise] = relationship(lazy="raise")


class Project(ZoneNamed, UniversityNamed, RecordMixin, SourceMixin, Base):
    """A joint R&D project of a zone and a university, optionally with enterprises."""

    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("zone_id", "title"),)

    title: Mapped[str] = mapped_column(String(300), nullable=False)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # programme.enums.TaskArea value.
    task_area: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    # projects.schemas.ProjectKind value.
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    start_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    # Total budget in yuan (integer fen in the database).
    budget: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # projects.schemas.ProjectStatus value.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="approved")
    is_benchmark: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    university_leader: Mapped[str | None] = mapped_column(String(100), nullable=True)
    enterprise_leader: Mapped[str | None] = mapped_column(String(100), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Where the project began (projects.schemas.ProjectOrigin value; None: entered directly). Set
    # by the collaboration pipeline when a collaboration reaches 签订合同 or 立项, with the ids of
    # the collaboration, the match and the event meeting behind it (plain ids: the pipeline and
    # events domains sit above this one).
    origin: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    origin_collaboration_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    origin_match_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin_meeting_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    university: Mapped[University] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")
    participants: Mapped[list[ProjectEnterprise]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=ProjectEnterprise.enterprise_id,
    )

    @property
    def enterprise_ids(self) -> list[int]:
        return [p.enterprise_id for p in self.participants]

    @property
    def enterprise_names(self) -> list[str]:
        return [p.enterprise.name for p in self.participants]

    @hybrid_property
    def member_enterprise_id(self) -> int | None:
        """Filter ``?enterprise_id=``: at instance level, the first enterprise."""
        ids = self.enterprise_ids
        return ids[0] if ids else None

    @member_enterprise_id.inplace.comparator
    @classmethod
    def _member_enterprise_comparator(cls) -> MemberOf:
        return MemberOf(cls.id, ProjectEnterprise.project_id, ProjectEnterprise.enterprise_id)

    start_year = year_of("start_date")
