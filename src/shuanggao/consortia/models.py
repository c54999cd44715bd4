"""Innovation consortia (创新联合体)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin, SourceMixin
from shuanggao.db.types import Money
from shuanggao.enterprises.models import Enterprise
from shuanggao.pairings.membership import MemberOf
from shuanggao.projects.models import Project
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone, ZoneNamed


class ConsortiumEnterprise(Base):
    __tablename__ = "consortium_enterprise"

    consortium_id: Mapped[int] = mapped_column(
        ForeignKey("consortium.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    enterprise: Mapped[Enterprise] = relationship(lazy="raise")


class ConsortiumUniversity(Base):
    __tablename__ = "consortium_university"

    consortium_id: Mapped[int] = mapped_column(
        ForeignKey("consortium.id", ondelete="CASCADE"), primary_key=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    university: Mapped[University] = relationship(lazy="raise")


class ConsortiumProject(Base):
    __tablename__ = "consortium_project"

    consortium_id: Mapped[int] = mapped_column(
        ForeignKey("consortium.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    project: Mapped[Project] = relationship(lazy="raise")


class Consortium(ZoneNamed, RecordMixin, SourceMixin, Base):
    """A consortium led by an enterprise, registered by the zone it works in."""

    __tablename__ = "consortium"
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    lead_enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    industry_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Industry-chain node codes or names (产业链环节) the consortium works on.
    chain_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    agreement_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    # Funding committed to the consortium itself (yuan), beside its projects' budgets.
    funding: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    lead_enterprise: Mapped[Enterprise] = relationship(lazy="raise")
    member_enterprises: Mapped[list[ConsortiumEnterprise]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=ConsortiumEnterprise.enterprise_id,
    )
    member_universities: Mapped[list[ConsortiumUniversity]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=ConsortiumUniversity.university_id,
    )
    member_projects: Mapped[list[ConsortiumProject]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=ConsortiumProject.project_id,
    )

    @property
    def lead_enterprise_name(self) -> str:
        return self.lead_enterprise.name

    @property
    def enterprise_ids(self) -> list[int]:
        return [m.enterprise_id for m in self.member_enterprises]

    @property
    def enterprise_names(self) -> list[str]:
        return [m.enterprise.name for m in self.member_enterprises]

    @property
    def university_ids(self) -> list[int]:
        return [m.university_id for m in self.member_universities]

    @property
    def university_names(self) -> list[str]:
        return [m.university.name for m in self.member_universities]

    @property
    def project_ids(self) -> list[int]:
        return [m.project_id for m in self.member_projects]

    @property
    def project_titles(self) -> list[str]:
        return [m.project.title for m in self.member_projects]

    @property
    def projects_budget(self) -> Decimal:
        return sum((m.project.budget or Decimal(0) for m in self.member_projects), Decimal(0))

    @hybrid_property
    def member_university_id(self) -> int | None:
        ids = self.university_ids
        return ids[0] if ids else None

    @member_university_id.inplace.comparator
    @classmethod
    def _member_university_comparator(cls) -> MemberOf:
        return MemberOf(
            cls.id, ConsortiumUniversity.consortium_id, ConsortiumUniversity.university_id
        )
