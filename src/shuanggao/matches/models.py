"""Stored matches: a demand × supply item recommendation with its reasons and feedback state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin
from shuanggao.db.types import UTCDateTime
from shuanggao.demand.models import Demand
from shuanggao.supply.models import SupplyItem


class Match(RecordMixin, Base):
    """One recommended pair. The latest search refreshes score, rank and reasons; ``state``
    records what people did with it (推荐 → 已查看 → 有意向 / 不相关 with a reason)."""

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
