"""Matchmaking events (校企对接会): the event, who registered with what, and the 1:1 meetings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin
from shuanggao.db.types import UTCDateTime
from shuanggao.enterprises.models import Enterprise
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


class Event(RecordMixin, Base):
    """A 校企对接会. Organised by a zone, a university or the province (neither id set).

    ``slots`` are the labels of the 1:1 time slots (``14:00-14:20``), ``tables`` the names of the
    tables or rooms; ``meeting_cap`` is the most meetings one participant has. The figures of
    the last schedule run (its total match score and the greedy baseline's) are kept with it.
    """

    __tablename__ = "event"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    event_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    place: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_online: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    organiser_zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    organiser_university_id: Mapped[int | None] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    slots: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    tables: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    meeting_cap: Mapped[int] = mapped_column(Integer, nullable=False, default=4)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    total_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    greedy_total_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    greedy_meetings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    solve_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)

    organiser_zone: Mapped[Zone | None] = relationship(lazy="raise")
    organiser_university: Mapped[University | None] = relationship(lazy="raise")
    zones: Mapped[list[EventZone]] = relationship(lazy="raise", cascade="all, delete-orphan")
    universities: Mapped[list[EventUniversity]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def organiser_name(self) -> str:
        if self.organiser_zone is not None:
            return self.organiser_zone.name
        if self.organiser_university is not None:
            return self.organiser_university.name
        return "省科技厅"


class EventZone(Base):
    """A zone taking part in an event (its enterprises may register)."""

    __tablename__ = "event_zone"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class EventUniversity(Base):
    """A university taking part in an event (its researchers may register)."""

    __tablename__ = "event_university"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class Registration(RecordMixin, Base):
    """An enterprise with its demands, or a researcher with their supply items, at an event.

    ``party_key`` (``e:<enterprise id>`` or ``r:<university id>:<name>``) makes a second
    registration of the same party impossible, whoever sends it. ``requested_ids`` are the
    registrations of the other side this party asked to meet (the schedule honours them).
    """

    __tablename__ = "event_registration"
    __table_args__ = (UniqueConstraint("event_id", "party_key"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # events.schemas.Side value.
    side: Mapped[str] = mapped_column(String(20), nullable=False)
    party_key: Mapped[str] = mapped_column(String(80), nullable=False)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    university_id: Mapped[int | None] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    researcher_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    researcher_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    demand_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    supply_item_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    requested_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    # events.schemas.RegistrationStatus value.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_in_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    enterprise: Mapped[Enterprise | None] = relationship(lazy="raise")
    university: Mapped[University | None] = relationship(lazy="raise")

    @property
    def label(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.name
        school = self.university.name if self.university is not None else ""
        return f"{self.researcher_name or ''}（{school}）"


class Meeting(RecordMixin, Base):
    """One 1:1 meeting: a slot and a table, the pair of registrations, the demand and supply
    item that made the pair, and its outcome (有意向 / 需再沟通 / 不合适) with who and when.

    The unique constraints make double booking impossible at the database: a table, an
    enterprise and a researcher each appear at most once per slot of an event.
    """

    __tablename__ = "event_meeting"
    __table_args__ = (
        UniqueConstraint("event_id", "slot", "table_no"),
        UniqueConstraint("event_id", "slot", "enterprise_registration_id"),
        UniqueConstraint("event_id", "slot", "researcher_registration_id"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    slot: Mapped[int] = mapped_column(Integer, nullable=False)
    table_no: Mapped[int] = mapped_column(Integer, nullable=False)
    enterprise_registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registration.id", ondelete="CASCADE"), nullable=False, index=True
    )
    researcher_registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registration.id", ondelete="CASCADE"), nullable=False, index=True
    )
    demand_id: Mapped[int | None] = mapped_column(
        ForeignKey("demand.id", ondelete="SET NULL"), nullable=True, index=True
    )
    supply_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_item.id", ondelete="SET NULL"), nullable=True, index=True
    )
    score: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    # events.schemas.MeetingOrigin value.
    origin: Mapped[str] = mapped_column(String(20), nullable=False, default="optimiser")
    # events.schemas.Outcome value.
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    outcome_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    enterprise_registration: Mapped[Registration] = relationship(
        lazy="raise", foreign_keys=[enterprise_registration_id]
    )
    researcher_registration: Mapped[Registration] = relationship(
        lazy="raise", foreign_keys=[researcher_registration_id]
    )
