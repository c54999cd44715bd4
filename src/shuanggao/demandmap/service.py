"""Use cases of the chain map: a zone's (or a pairing's) chains with each node's demand and
answer numbers, a node's details, placing needs on nodes (proposed, then confirmed).

``chain_map`` is the one source of the graph: the API returns it and the page draws it (the
page embeds the same object as JSON; a test checks they are equal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.chains import repository as chains_repo
from shuanggao.chains.models import ChainNode, IndustryChain
from shuanggao.config import Settings
from shuanggao.demand.models import Demand
from shuanggao.demand.policy import DemandPolicy
from shuanggao.demand.registers import demands as demand_register
from shuanggao.demandmap import repository as repo
from shuanggao.demandmap.coverage import Answers, need_row, search_needs, strong
from shuanggao.demandmap.proposals import NodeProposer
from shuanggao.demandmap.schemas import (
    ChainGraph,
    ChainMap,
    NeedRow,
    NodeDetail,
    NodeState,
    NodeStats,
    Placed,
    ProposalRun,
    SupplyBrief,
)
from shuanggao.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionRequired
from shuanggao.kit import service as kit
from shuanggao.matches import repository as matches_repo
from shuanggao.matches.index import MatchIndex, get_index
from shuanggao.matches.results import DEMAND_POLICY
from shuanggao.matches.upkeep import IndexBuilding, ensure_index_ready
from shuanggao.pairings.registers import pairings as pairing_register
from shuanggao.zones.models import Zone

_DEMANDS = DemandPolicy()


def _node_state(demands: int, answered: int, elsewhere: int) -> NodeState:
    if demands == 0:
        return NodeState.EMPTY
    if answered == demands:
        return NodeState.ANSWERED
    if answered > 0:
        return NodeState.PARTIAL
    if elsewhere > 0:
        return NodeState.ELSEWHERE
    return NodeState.GAP


def node_stats(node: ChainNode, rows: Sequence[NeedRow], actor: Actor) -> NodeStats:
    mine = [r for r in rows if r.node_id == node.id]
    answered = sum(1 for r in mine if r.answered)
    elsewhere = sum(1 for r in mine if r.answered_elsewhere)
    state = _node_state(len(mine), answered, elsewhere)
    by_university = Counter(t.university_name for r in mine for t in r.top if t.strong)
    coverages = [r.best.coverage for r in mine if r.best is not None]
    sees = actor.sees_everything or actor.zone_id == node.zone_id
    return NodeStats(
        node_id=node.id,
        chain_id=node.chain_id,
        name=node.name,
        position=node.position,
        industry_codes=list(node.industry_codes),
        emerging_paths=list(node.emerging_paths),
        enterprises=node.enterprise_names if sees else [],
        demands=len(mine),
        confirmed=sum(1 for r in mine if r.placement == "confirmed"),
        proposed=sum(1 for r in mine if r.placement == "proposed"),
        answered=answered,
        answered_elsewhere=elsewhere,
        gaps=len(mine) - answered - elsewhere,
        strong_matches=sum(r.strong_matches for r in mine),
        best_coverage=max(coverages) if coverages else None,
        state=state.value,
        state_label=state.label,
        answered_by=[name for name, _ in by_university.most_common()],
    )


def scope(
    session: Session, actor: Actor, zone_id: int | None, pairing_id: int | None
) -> tuple[Zone, list[Any], int | None]:
    """The zone and the universities whose supply counts as "paired"."""
    if pairing_id is not None:
        pairing = kit.get_record(session, actor, pairing_register, pairing_id)
        if zone_id is not None and pairing.zone_id != zone_id:
            raise NotFound()
        zone = repo.zone_by_id(session, pairing.zone_id)
        assert zone is not None
        return zone, [m.university for m in pairing.members], pairing.id
    zone = repo.zone_by_id(session, zone_id) if zone_id is not None else None
    if zone is None:
        raise NotFound()
    return zone, matches_repo.paired_universities(session, zone.id), None


def chain_map(
    session: Session,
    settings: Settings,
    actor: Actor,
    zone_id: int | None,
    *,
    pairing_id: int | None = None,
    chain_id: int | None = None,
    node_id: int | None = None,
    reasons: bool = False,
    factory: sessionmaker[Session] | None = None,
) -> ChainMap:
    """The zone's chains (or one chain) with each node's numbers, and the needs behind them.

    Needs sit on a node when a person confirmed it there, else where the classifier proposed
    it. A need is *answered* when one of the paired universities' items is a good answer
    (``coverage.strong``), *answered elsewhere* when only another Jiangsu university's is.
    """
    zone, universities, pairing = scope(session, actor, zone_id, pairing_id)
    if factory is not None:
        # Pages: a first build with a real model runs in the background (IndexBuilding).
        ensure_index_ready(session, settings, factory, "supply")
    chains = chains_repo.chains_of_zone(session, zone.id)
    if chain_id is not None:
        chains = [c for c in chains if c.id == chain_id]
        if not chains:
            raise NotFound()
    node_ids = {n.id for c in chains for n in c.nodes}
    demands = repo.demands_in_zones(session, [zone.id], DEMAND_POLICY.read_filter(actor))
    placed = [d for d in demands if _on(d, node_ids, node_id)]
    searched = search_needs(session, settings, actor, placed, universities)
    paired_ids = {u.id for u in universities}
    rows = [
        need_row(
            d, actor, searched.answers.get(d.id, Answers()), node_ids, paired_ids, reasons=reasons
        )
        for d in placed
    ]
    graphs = [
        ChainGraph(
            chain_id=c.id,
            name=c.name,
            kind=c.kind,
            nodes=[node_stats(n, rows, actor) for n in c.nodes if node_id in (None, n.id)],
        )
        for c in chains
    ]
    unplaced = sum(1 for d in demands if not _on(d, node_ids, None))
    return ChainMap(
        zone_id=zone.id,
        zone_name=zone.name,
        pairing_id=pairing,
        universities=[{"id": u.id, "name": u.name} for u in universities],
        method=searched.method,
        note=searched.note,
        chains=graphs,
        needs=rows,
        unplaced=unplaced,
    )


def _on(demand: Demand, node_ids: set[int], node_id: int | None) -> bool:
    for candidate in (demand.chain_node_id, demand.proposed_chain_node_id):
        if candidate is not None and candidate in node_ids:
            return node_id is None or candidate == node_id
    return False


def node_detail(
    session: Session,
    settings: Settings,
    actor: Actor,
    node_id: int,
    *,
    pairing_id: int | None = None,
    factory: sessionmaker[Session] | None = None,
) -> NodeDetail:
    """A node's needs, its best supply items and experts, and its gaps."""
    node = chains_repo.node_by_id(session, node_id)
    if node is None:
        raise NotFound()
    found = chain_map(
        session,
        settings,
        actor,
        node.zone_id,
        pairing_id=pairing_id,
        chain_id=node.chain_id,
        node_id=node.id,
        reasons=True,
        factory=factory,
    )
    stats = found.chains[0].nodes[0]
    needs = [r for r in found.needs if r.node_id == node.id]
    best: dict[int, SupplyBrief] = {}
    for r in needs:
        for t in r.top:
            if t.id not in best or t.score > best[t.id].score:
                best[t.id] = t
    ranked = sorted(best.values(), key=lambda b: (not b.strong, -b.coverage, -b.score, b.id))
    experts = _experts(ranked)
    chain = chains_repo.chain_with_nodes(session, node.chain_id)
    assert chain is not None
    return NodeDetail(
        node=stats,
        chain_name=chain.name,
        zone_id=node.zone_id,
        needs=needs,
        best_supply=[b.model_copy(update={"reasons": {}}) for b in ranked[:10]],
        experts=experts,
        gaps=[r for r in needs if not r.answered],
    )


def _experts(items: Sequence[SupplyBrief], limit: int = 5) -> list[dict[str, Any]]:
    """People behind the node's best items (an item with an owner is 姓名（高校）), ranked like
    ``shuanggao_matching.rank_owners``: best item, then half the second, a quarter the third."""
    by_owner: dict[str, list[SupplyBrief]] = {}
    for b in items:
        if b.owner and b.owner != b.university_name:
            by_owner.setdefault(b.owner, []).append(b)
    ranked: list[tuple[float, str, list[str]]] = []
    for owner, owned in by_owner.items():
        owned.sort(key=lambda b: -b.score)
        score = sum(b.score * 0.5**i for i, b in enumerate(owned[:3]))
        ranked.append((round(score, 4), owner, [b.title for b in owned[:3]]))
    ranked.sort(key=lambda e: (-e[0], e[1]))
    return [{"name": n, "score": s, "items": t} for s, n, t in ranked[:limit]]


# ---------------------------------------------------------------- placing needs on nodes


def _placed(demand: Demand) -> Placed:
    return Placed(
        demand_id=demand.id,
        chain_node_id=demand.chain_node_id,
        proposed_chain_node_id=demand.proposed_chain_node_id,
        proposed_chain_node_score=demand.proposed_chain_node_score,
        version=demand.version,
    )


def confirm_node(
    session: Session,
    actor: Actor,
    demand_id: int,
    node_id: int | None,
    *,
    expected_version: int | None,
) -> Placed:
    """A person places a need on a node of its zone's chains (or takes it off: ``None``)."""
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    if not _DEMANDS.can_triage(actor, demand):
        raise Forbidden("只有需求所在高新区的管理员和省级管理员可以确认产业链环节。")
    if expected_version is None:
        raise VersionRequired(extra={"current_version": demand.version})
    if expected_version != demand.version:
        raise Conflict(extra={"current_version": demand.version})
    if node_id is not None:
        node = chains_repo.node_by_id(session, node_id)
        if node is None or node.zone_id != demand.zone_id:
            raise ValidationFailed(fields={"node_id": "该环节不在需求所在高新区的产业链上"})
    before = {"chain_node_id": demand.chain_node_id}
    demand.chain_node_id = node_id
    session.flush()
    audit.record(
        session,
        actor,
        "place",
        demand_register.name,
        demand.id,
        summary=f"确认产业需求所在产业链环节：{demand.title}",
        before=before,
        after={"chain_node_id": node_id},
    )
    return _placed(demand)


def propose_nodes(
    session: Session, settings: Settings | None, actor: Actor, zone_id: int
) -> ProposalRun:
    """Propose a node for every need of the zone (confirmed placements are left alone)."""
    if not (actor.is_province or (actor.role is Role.ZONE_ADMIN and actor.zone_id == zone_id)):
        raise Forbidden("只有本高新区管理员和省级管理员可以生成产业链环节推荐。")
    if repo.zone_by_id(session, zone_id) is None:
        raise NotFound()
    return propose_for_zone(session, actor, zone_id, get_index(settings) if settings else None)


def propose_for_zone(
    session: Session, actor: Actor, zone_id: int, index: MatchIndex | None
) -> ProposalRun:
    """``propose_nodes`` without the permission check (callers check; the demo loader)."""
    nodes = [n for c in chains_repo.chains_of_zone(session, zone_id) for n in c.nodes]
    demands = repo.demands_in_zones(session, [zone_id], None)
    proposer = NodeProposer(index, nodes)
    changed = proposed = 0
    for demand in demands:
        found = proposer.propose(demand)
        node, score = (found.node_id, found.score) if found else (None, None)
        proposed += found is not None
        if (demand.proposed_chain_node_id, demand.proposed_chain_node_score) != (node, score):
            demand.proposed_chain_node_id = node
            demand.proposed_chain_node_score = score
            changed += 1
    session.flush()
    if changed:
        audit.record(
            session,
            actor,
            "propose",
            "industry_chains",
            zone_id,
            summary=f"生成产业需求的产业链环节推荐：{changed} 条有变化（共 {len(demands)} 条需求）",
        )
    return ProposalRun(zone_id=zone_id, demands=len(demands), proposed=proposed, changed=changed)


def chains_for_picker(session: Session, zone_id: int) -> list[IndustryChain]:
    return chains_repo.chains_of_zone(session, zone_id)


__all__ = [
    "IndexBuilding",
    "chain_map",
    "chains_for_picker",
    "confirm_node",
    "node_detail",
    "propose_nodes",
    "strong",
]
