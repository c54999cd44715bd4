"""Collaborations (合作对接) and their logged steps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, IdMixin, RecordMixin
from shuanggao.db.types import UTCDateTime, utcnow
from shuanggao.pipeline.schemas import STAGES, Stage


class CollaborationStep(IdMixin, Base):
    """One logged step: a stage reached, a decline, a side's view, the NDA, a contact."""

    __tablename__ = "collaboration_step"

    collaboration_id: Mapped[int] = mapped_column(
        ForeignKey("collaboration.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # "start" | "advance" | "decline" | "view" | "confidentiality" | "consortium" | "meeting"
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    side: Mapped[str] = mapped_column(String(20), nullable=False)
    happened_date: Mapped[dt.date] = mapped_column(nullable=False)
    owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Collaboration(RecordMixin, Base):
    """A demand × supply item pair being carried from 有意向 to 立项.

    Started from a stored match, an event meeting (``meeting_id``/``event_id``: plain ids, the
    events domain sits above this one) or directly. The tenant columns (enterprise, university,
    zone, pairing, researcher) are copied from the demand and the item when it starts, so reads
    and the funnel filter without joins. Each stage's date is a column (``<stage>_date``).
    """

    __tablename__ = "collaboration"
    __table_args__ = (UniqueConstraint("demand_id", "supply_item_id"),)

    title: Mapped[str] = mapped_column(String(300), nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    demand_id: Mapped[int] = mapped_column(
        ForeignKey("demand.id", ondelete="CASCADE"), nullable=False, index=True
    )
    supply_item_id: Mapped[int] = mapped_column(
        ForeignKey("supply_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("match.id", ondelete="SET NULL"), nullable=True, index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    event_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), nullable=False, index=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), nullable=True, index=True
    )
    researcher_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    consortium_id: Mapped[int | None] = mapped_column(
        ForeignKey("consortium.id", ondelete="SET NULL"), nullable=True, index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), nullable=True, index=True
    )
    stage: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active", index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    nda_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    decline_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    declined_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    enterprise_view_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    enterprise_view_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    university_view_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    university_view_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    intent_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    contacted_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    engaged_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    intent_signed_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    contract_signed_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    project_approved_date: Mapped[dt.date | None] = mapped_column(nullable=True)

    steps: Mapped[list[CollaborationStep]] = relationship(
        lazy="raise",
        order_by=(CollaborationStep.happened_date, CollaborationStep.id),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def date_of(self, stage: str) -> dt.date | None:
        value: dt.date | None = getattr(self, f"{stage}_date")
        return value

    @property
    def stage_dates(self) -> dict[str, dt.date | None]:
        return {s.value: self.date_of(s.value) for s in STAGES}

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label
