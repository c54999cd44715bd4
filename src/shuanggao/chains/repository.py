"""Queries of industry chains and nodes."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shuanggao.chains.models import ChainNode, ChainNodeEnterprise, IndustryChain
from shuanggao.enterprises.models import Enterprise

CHAIN_LOAD = (selectinload(IndustryChain.zone), selectinload(IndustryChain.nodes))
NODE_LOAD = (
    selectinload(ChainNode.zone),
    selectinload(ChainNode.chain).selectinload(IndustryChain.zone),
    selectinload(ChainNode.members).selectinload(ChainNodeEnterprise.enterprise),
)


def chain_zone(session: Session, chain_id: int) -> int | None:
    found = session.scalar(select(IndustryChain.zone_id).where(IndustryChain.id == chain_id))
    return None if found is None else int(found)


def chain_named(session: Session, zone_id: int, name: str) -> IndustryChain | None:
    stmt = select(IndustryChain).where(IndustryChain.zone_id == zone_id, IndustryChain.name == name)
    return session.scalars(stmt).one_or_none()


def chains_of_zone(session: Session, zone_id: int) -> list[IndustryChain]:
    """A zone's chains with their nodes (and the nodes' enterprises), by name."""
    stmt = (
        select(IndustryChain)
        .where(IndustryChain.zone_id == zone_id)
        .options(
            selectinload(IndustryChain.zone),
            selectinload(IndustryChain.nodes)
            .selectinload(ChainNode.members)
            .selectinload(ChainNodeEnterprise.enterprise),
        )
        .order_by(IndustryChain.kind, IndustryChain.id)
    )
    return list(session.scalars(stmt))


def chain_with_nodes(session: Session, chain_id: int) -> IndustryChain | None:
    stmt = (
        select(IndustryChain)
        .where(IndustryChain.id == chain_id)
        .options(
            selectinload(IndustryChain.zone),
            selectinload(IndustryChain.nodes)
            .selectinload(ChainNode.members)
            .selectinload(ChainNodeEnterprise.enterprise),
        )
    )
    return session.scalars(stmt).one_or_none()


def nodes_of_zones(session: Session, zone_ids: Collection[int] | None = None) -> list[ChainNode]:
    """Every node (of the given zones, or of all), with its chain and zone."""
    stmt = select(ChainNode).options(selectinload(ChainNode.chain), selectinload(ChainNode.zone))
    if zone_ids is not None:
        if not zone_ids:
            return []
        stmt = stmt.where(ChainNode.zone_id.in_(list(zone_ids)))
    return list(
        session.scalars(stmt.order_by(ChainNode.chain_id, ChainNode.position, ChainNode.id))
    )


def node_by_id(session: Session, node_id: int) -> ChainNode | None:
    return session.get(ChainNode, node_id)


def enterprise_zones(session: Session, ids: Collection[int]) -> dict[int, int]:
    if not ids:
        return {}
    stmt = select(Enterprise.id, Enterprise.zone_id).where(Enterprise.id.in_(list(ids)))
    return {int(i): int(z) for i, z in session.execute(stmt)}


def zone_ids_with_chains(session: Session) -> list[int]:
    stmt = select(IndustryChain.zone_id).distinct()
    return sorted(int(z) for z in session.scalars(stmt))


def node_with_chain(session: Session, node_id: int) -> ChainNode | None:
    """A node with its chain (for naming it as ``chain · node``)."""
    stmt = select(ChainNode).where(ChainNode.id == node_id).options(selectinload(ChainNode.chain))
    return session.scalars(stmt).one_or_none()
