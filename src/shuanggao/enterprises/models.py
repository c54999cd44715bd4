"""Enterprises (企业) and the services universities gave them (服务企业记录)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin
from shuanggao.db.hybrids import year_of
from shuanggao.db.sealed import SealedString, keep_blind_index
from shuanggao.pairings.models import Pairing
from shuanggao.universities.models import University, UniversityNamed
from shuanggao.zones.models import Zone, ZoneNamed


class Enterprise(ZoneNamed, RecordMixin, Base):
    """An enterprise, identified by its 统一社会信用代码 (GB 32100-2015, 18 characters)."""

    __tablename__ = "enterprise"

    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    # GB/T 4754-2017 code (门类 letter + up to 4 digits), e.g. C3841.
    industry_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    is_high_tech: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    contact_person: Mapped[str | None] = mapped_column(String(50), nullable=True)
    # Personal data: stored for the zone's work, encrypted at rest (db/sealed.py), masked by role
    # (kit/personal.py) and in the audit log.
    phone: Mapped[str | None] = mapped_column(SealedString(), nullable=True)
    # Blind index of ``phone`` (db/sealed.py): find an enterprise by its contact's number.
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")


class EnterpriseService(ZoneNamed, UniversityNamed, RecordMixin, Base):
    """A service a university gave an enterprise (技术咨询, 检测服务 ...) on a date."""

    __tablename__ = "enterprise_service"
    __table_args__ = (UniqueConstraint("enterprise_id", "university_id", "service_date", "kind"),)

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    # The zone the enterprise belonged to when served (kept when the enterprise moves later).
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    service_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    # enterprises.schemas.ServiceKind value.
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # programme.enums.TaskArea value.
    task_area: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    enterprise: Mapped[Enterprise] = relationship(lazy="raise")
    zone: Mapped[Zone] = relationship(lazy="raise")
    university: Mapped[University] = relationship(lazy="raise")
    pairing: Mapped[Pairing | None] = relationship(lazy="raise")

    @hybrid_property
    def enterprise_name(self) -> str:
        return self.enterprise.name

    @enterprise_name.inplace.expression
    @classmethod
    def _enterprise_name_expression(cls) -> ColumnElement[str]:
        return select(Enterprise.name).where(Enterprise.id == cls.enterprise_id).scalar_subquery()

    @property
    def credit_code(self) -> str:
        return self.enterprise.credit_code

    @property
    def title(self) -> str:
        return (
            f"{self.university.name}服务{self.enterprise.name}（{self.service_date.isoformat()}）"
        )

    service_year = year_of("service_date")


keep_blind_index(Enterprise.phone, "phone_hash")
