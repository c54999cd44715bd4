"""What public pages say of the programme itself: facts per pair or zone, and the policy lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin
from shuanggao.programme.types import Figure
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


class ProgrammeFactUniversity(Base):
    """A university a programme fact names (resolved by its exact MoE name)."""

    __tablename__ = "programme_fact_university"

    fact_id: Mapped[int] = mapped_column(
        ForeignKey("programme_fact.id", ondelete="CASCADE"), primary_key=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    university: Mapped[University] = relationship(lazy="raise")


class ProgrammeFact(RecordMixin, Base):
    """A fact a public page reports about a pair, a zone or the whole programme.

    ``scope`` is the zone (or 全省, a city, a non-pilot zone) as the source names it; ``zone_id``
    links it when it is a zone of the register. ``universities`` is the text as printed (it may be
    "（3所结对高校，报道未具名）"); the universities it names are linked in ``links``.
    ``figure`` is the number as printed, with ``unit``; 约/近/余/超过 stay in the text.
    """

    __tablename__ = "programme_fact"
    __table_args__ = (UniqueConstraint("scope", "kind", "name"),)

    scope: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    universities: Mapped[str | None] = mapped_column(Text, nullable=True)
    # programme.enums.FactKind value.
    kind: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    figure: Mapped[Decimal | None] = mapped_column(Figure, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(50), nullable=True)
    fact_date: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    source_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone | None] = relationship(lazy="raise")
    links: Mapped[list[ProgrammeFactUniversity]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by=ProgrammeFactUniversity.university_id
    )

    @property
    def zone_name(self) -> str | None:
        return self.zone.name if self.zone is not None else None

    @property
    def university_ids(self) -> list[int]:
        return [link.university_id for link in self.links]

    @property
    def university_names(self) -> list[str]:
        return [link.university.name for link in self.links]


class PolicyItem(RecordMixin, Base):
    """An item of 《“双高协同”政策指南清单》 or 《“双高协同”改革指引清单》 (2025-09-10).

    ``applies_to`` is who the item names, as printed; ``audience_roles`` (``AudienceRole``
    values) and ``org_kinds`` (``OrgKind`` values) say the same in the platform's terms, so the
    item can be shown to the people it is for (``programme.service.items_for``); ``conditions``
    are what one must meet to use it.
    """

    __tablename__ = "policy_item"
    __table_args__ = (UniqueConstraint("list_kind", "no"),)

    # programme.enums.PolicyListKind value.
    list_kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    no: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    issuer: Mapped[str | None] = mapped_column(Text, nullable=True)
    issued_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    applies_to: Mapped[str | None] = mapped_column(Text, nullable=True)
    audience_roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    org_kinds: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    conditions: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
