"""Stored matches: a demand × supply item recommendation with its reasons and feedback state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, IdMixin, RecordMixin
from shuanggao.db.types import UTCDateTime
from shuanggao.demand.models import Demand
from shuanggao.supply.models import SupplyItem


class Match(RecordMixin, Base):
    """One recommended pair. The latest search refreshes score, rank and reasons. Each side's
    feedback is a ``MatchJudgement`` (推荐 → 已查看 → 有意向 / 不相关 with a reason); ``state``
    sums them up for lists and counts: 有意向 if any side is interested, else 不相关 if any side
    dismissed it, else 已查看 if any side looked, else 推荐. ``state_reason`` is no longer written
    (reasons belong to the side that gave them)."""

    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("demand_id", "supply_item_id"),)

    demand_id: Mapped[int] = mapped_column(
        ForeignKey("demand.id", ondelete="CASCADE"), nullable=False, index=True
    )
    supply_item_id: Mapped[int] = mapped_column(
        ForeignKey("supply_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    score: Mapped[float] = mapped_column(Float, nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    # "hybrid", "lexical" or "dense".
    method: Mapped[str] = mapped_column(String(10), nullable=False)
    # The engine's reasons (shared terms, shared codes, score parts, filters applied).
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # matches.schemas.MatchState value.
    state: Mapped[str] = mapped_column(
        String(20), nullable=False, default="recommended", index=True
    )
    state_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    state_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state_changed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    demand: Mapped[Demand] = relationship(lazy="raise")
    supply_item: Mapped[SupplyItem] = relationship(lazy="raise")
    judgements: Mapped[list[MatchJudgement]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="MatchJudgement.side"
    )


class MatchJudgement(IdMixin, Base):
    """One side's judgement of a recommendation: the demand's side (its zone, its enterprise),
    the supply item's side (its university, its researcher) or the province. Each side keeps its
    own; nobody's judgement overwrites another side's. ``reason`` is shown only to the side that
    wrote it and the administrators above (see ``matches.feedback.may_see_reason``)."""

    __tablename__ = "match_judgement"
    __table_args__ = (UniqueConstraint("match_id", "side"),)

    match_id: Mapped[int] = mapped_column(
        ForeignKey("match.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # matches.schemas.JudgementSide value: "demand", "supply" or "province".
    side: Mapped[str] = mapped_column(String(10), nullable=False)
    # matches.schemas.MatchState value.
    state: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    judged_by: Mapped[str] = mapped_column(String(100), nullable=False)
    judged_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # accounts.actor.Role value of who judged (an enterprise user's reason is the enterprise's).
    judged_role: Mapped[str] = mapped_column(String(30), nullable=False)
    judged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class DemandGroup(RecordMixin, Base):
    """A saved group of needs one solution can serve (合并需求组), made by a broker from the
    duplicate list or by hand: named, changed (needs added and removed) and dissolved, each
    change versioned and audited (``matches.groups``).

    ``zone_id`` is the zone whose administrators keep the group (it holds one of their needs);
    ``None``: the province's, across zones. Members are read through the demand policy: a need
    the reader may not read shows as 某企业（保密）, with neither title nor zone."""

    __tablename__ = "demand_group"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("zone.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)

    members: Mapped[list[DemandGroupMember]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="DemandGroupMember.demand_id"
    )


class DemandGroupMember(Base):
    """One need of a saved group (a need may sit in several groups)."""

    __tablename__ = "demand_group_member"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("demand_group.id", ondelete="CASCADE"), primary_key=True
    )
    demand_id: Mapped[int] = mapped_column(
        ForeignKey("demand.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by: Mapped[str] = mapped_column(String(100), nullable=False)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    demand: Mapped[Demand] = relationship(lazy="raise")
