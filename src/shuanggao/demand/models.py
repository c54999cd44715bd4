"""Industry demands (产业需求), kept by zones for their enterprises."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.chains.models import ChainNode  # noqa: F401  (the chain_node table first)
from shuanggao.db.base import Base, IdMixin, RecordMixin
from shuanggao.db.changes import ChangeStamped
from shuanggao.db.sealed import SealedString, keep_blind_index
from shuanggao.db.types import Money, UTCDateTime
from shuanggao.enterprises.models import Enterprise
from shuanggao.zones.models import Zone


class Demand(ChangeStamped, RecordMixin, Base):
    """An enterprise's technical need, entered by its zone or by the enterprise itself.

    ``visibility`` decides who reads it and whether the enterprise is named (``anonymous``:
    readable like a public need, the enterprise hidden from everyone outside the owning zone,
    the enterprise itself, the province and auditors). ``triage_state`` is changed only by the
    triage action of the demand service.
    """

    __tablename__ = "demand"
    __table_args__ = (UniqueConstraint("enterprise_id", "title"),)

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    technical_indicators: Mapped[str | None] = mapped_column(Text, nullable=True)
    keywords: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # GB/T 4754-2017 code (小类 preferred) and the 战略性新兴产业(2018) category, named by its
    # path (新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造) or code. The
    # category is the national classification (imports keep the column 产业链节点); the node of
    # the zone's own chain is ``chain_node_id``.
    industry_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    chain_node: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    # The node of one of the zone's industry chains (chains.models.ChainNode) the need sits on,
    # confirmed by a person; ``proposed_chain_node_id`` is the classifier's proposal (with its
    # score), kept apart until someone confirms it. Set only by the demandmap service.
    chain_node_id: Mapped[int | None] = mapped_column(
        ForeignKey("chain_node.id", ondelete="SET NULL"), nullable=True, index=True
    )
    proposed_chain_node_id: Mapped[int | None] = mapped_column(
        ForeignKey("chain_node.id", ondelete="SET NULL"), nullable=True, index=True
    )
    proposed_chain_node_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    budget_min: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    budget_max: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    deadline_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    # demand.schemas.CooperationMode value.
    cooperation_mode: Mapped[str] = mapped_column(String(20), nullable=False)
    # demand.schemas.Visibility value.
    visibility: Mapped[str] = mapped_column(String(20), nullable=False, default="public")
    # demand.schemas.TriageState value.
    triage_state: Mapped[str] = mapped_column(
        String(20), nullable=False, default="pending", index=True
    )
    triage_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_person: Mapped[str | None] = mapped_column(String(50), nullable=True)
    # Personal data: encrypted at rest (db/sealed.py), masked by role (kit/personal.py) and in the
    # audit log, hidden on anonymous demands.
    phone: Mapped[str | None] = mapped_column(SealedString(), nullable=True)
    # Blind index of ``phone`` (db/sealed.py).
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    enterprise: Mapped[Enterprise] = relationship(lazy="raise")
    zone: Mapped[Zone] = relationship(lazy="raise")

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.name

    @property
    def enterprise_credit_code(self) -> str:
        return self.enterprise.credit_code

    @property
    def zone_name(self) -> str:
        return self.zone.name


keep_blind_index(Demand.phone, "phone_hash")


class DemandTriage(IdMixin, Base):
    """One move of a demand through triage (待梳理 → 已凝练 / 需再诊断 / 长期攻关): who moved it,
    when and why. Rows are only added (the history is kept); ``triage_reason`` is text typed by a
    person and is shown only to the demand's owners and the administrators above
    (``demand.policy.is_insider``; ``personal.INVENTORY``)."""

    __tablename__ = "demand_triage"

    demand_id: Mapped[int] = mapped_column(
        ForeignKey("demand.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_state: Mapped[str] = mapped_column(String(20), nullable=False)
    to_state: Mapped[str] = mapped_column(String(20), nullable=False)
    triage_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    moved_by: Mapped[str] = mapped_column(String(100), nullable=False)
    moved_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # actor.Role value of who moved it.
    moved_role: Mapped[str] = mapped_column(String(30), nullable=False)
    moved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
