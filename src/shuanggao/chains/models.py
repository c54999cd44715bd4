"""Industry chains (产业链) of a zone and their nodes (产业链环节).

A chain is a zone's leading (主导产业) or future (未来产业) industry drawn as ordered nodes
(新型储能: 正负极材料 → 电芯 → 电池管理系统 → 储能变流器 → 系统集成 → 运维与安全). Each node is
tied to GB/T 4754 小类 and 战略性新兴产业 categories and holds the zone's enterprises placed on it;
demands attach to nodes (``demand.chain_node_id``).
"""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin
from shuanggao.enterprises.models import Enterprise
from shuanggao.zones.models import Zone, ZoneNamed


class IndustryChain(ZoneNamed, RecordMixin, Base):
    """A zone's industry chain."""

    __tablename__ = "industry_chain"
    __table_args__ = (UniqueConstraint("zone_id", "name"),)

    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # chains.schemas.ChainKind value.
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="leading")
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The template it was generated from (chains.templates key), None when drawn by hand.
    template: Mapped[str | None] = mapped_column(String(300), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    nodes: Mapped[list[ChainNode]] = relationship(
        lazy="raise",
        back_populates="chain",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ChainNode.position, ChainNode.id)",
    )

    @property
    def node_names(self) -> list[str]:
        return [n.name for n in self.nodes]


class ChainNodeEnterprise(Base):
    """An enterprise of the zone placed on a node."""

    __tablename__ = "chain_node_enterprise"

    node_id: Mapped[int] = mapped_column(
        ForeignKey("chain_node.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    enterprise: Mapped[Enterprise] = relationship(lazy="raise")


class ChainNode(ZoneNamed, RecordMixin, Base):
    """One node (环节) of a chain, in chain order (``position``, upstream first).

    ``zone_id`` repeats the chain's zone (set by the rules) so tenancy and the demand check need
    no join.
    """

    __tablename__ = "chain_node"
    __table_args__ = (UniqueConstraint("chain_id", "name"),)

    chain_id: Mapped[int] = mapped_column(
        ForeignKey("industry_chain.id", ondelete="CASCADE"), nullable=False, index=True
    )
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # GB/T 4754-2017 小类 (or broader) codes with the 门类 letter: C3841.
    industry_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # 战略性新兴产业(2018) category paths (新能源产业 > 智能电网产业 > …).
    emerging_paths: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Words of the node (its 重点产品 and technologies): evidence for placing demands on it.
    keywords: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)

    zone: Mapped[Zone] = relationship(lazy="raise")
    chain: Mapped[IndustryChain] = relationship(lazy="raise", back_populates="nodes")
    members: Mapped[list[ChainNodeEnterprise]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=(ChainNodeEnterprise.position, ChainNodeEnterprise.enterprise_id),
    )

    @property
    def chain_name(self) -> str:
        return self.chain.name

    @property
    def enterprise_ids(self) -> list[int]:
        return [m.enterprise_id for m in self.members]

    @property
    def enterprise_names(self) -> list[str]:
        return [m.enterprise.name for m in self.members]

    @property
    def title(self) -> str:
        return f"{self.chain.name} · {self.name}"
