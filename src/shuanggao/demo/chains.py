"""Demo industry chains (产业链) of pilot zones, from the curated templates.

南京建邺高新区's 新型储能 chain (the article's case): 江苏林洋储能技术有限公司 sits on 系统集成 and
运维与安全, and its need for storage-safety prediction is confirmed on 运维与安全 (answered by
南京工程学院's safety data). 溧阳高新区 gets 新型储能 and 江阴高新区 集成电路. Every need of
those zones gets a proposed node. Runs after the demands; a second load changes nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.chains import repository as chains_repo
from shuanggao.chains import service as chains_service
from shuanggao.chains.registers import chain_nodes
from shuanggao.chains.schemas import ChainKind, NodeUpdate
from shuanggao.demandmap import service as map_service
from shuanggao.demo import repository as demo_repo
from shuanggao.demo.context import DemoContext
from shuanggao.demo.demand import ARTICLE_DEMAND_TITLE, ARTICLE_ENTERPRISE, ARTICLE_ZONE
from shuanggao.kit import service as kit

ORDER = 65
LABEL = "产业链"

STORAGE = "新型储能"
ARTICLE_NODE = "运维与安全"
# (zone, template, kind)
_CHAINS: tuple[tuple[str, str, ChainKind], ...] = (
    (ARTICLE_ZONE, STORAGE, ChainKind.LEADING),
    ("溧阳高新区", STORAGE, ChainKind.LEADING),
    ("江阴高新区", "集成电路", ChainKind.LEADING),
)
# Enterprises placed on the article chain's nodes.
_PLACED = {"系统集成": ARTICLE_ENTERPRISE, ARTICLE_NODE: ARTICLE_ENTERPRISE}


def _place_enterprises(session: Session, actor: Actor, zone_id: int, chain_id: int) -> int:
    chain = chains_repo.chain_with_nodes(session, chain_id)
    assert chain is not None
    found = {name: eid for eid, name in demo_repo.demo_enterprises_of_zone(session, zone_id)}
    written = 0
    for node in chain.nodes:
        name = _PLACED.get(node.name)
        if name is None or name not in found or found[name] in node.enterprise_ids:
            continue
        kit.update_record(
            session,
            actor,
            chain_nodes,
            node.id,
            NodeUpdate(enterprise_ids=[*node.enterprise_ids, found[name]], version=node.version),
        )
        written += 1
    return written


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    pilots = {p.zone_name: p for p in ctx.pilots(session)}
    written = 0
    for zone_name, template, kind in _CHAINS:
        pilot = pilots.get(zone_name)
        if pilot is None:
            continue
        ctx.step(f"产业链：{zone_name}")
        chain = chains_repo.chain_named(session, pilot.zone_id, template)
        if chain is None:
            chain = chains_service.apply_template(
                session, actor, template, pilot.zone_id, kind=kind, is_demo=True
            )
            written += 1 + len(chain.nodes)
            if zone_name == ARTICLE_ZONE:
                written += _place_enterprises(session, actor, pilot.zone_id, chain.id)
            run = map_service.propose_for_zone(session, actor, pilot.zone_id, None)
            written += run.changed
        if zone_name == ARTICLE_ZONE:
            written += _confirm_article_need(session, actor, pilot.zone_id, chain.id)
    return written


def _confirm_article_need(session: Session, actor: Actor, zone_id: int, chain_id: int) -> int:
    chain = chains_repo.chain_with_nodes(session, chain_id)
    assert chain is not None
    node = next((n for n in chain.nodes if n.name == ARTICLE_NODE), None)
    demand = demo_repo.demand_by_title(session, zone_id, ARTICLE_DEMAND_TITLE)
    if node is None or demand is None or demand.chain_node_id is not None:
        return 0
    map_service.confirm_node(session, actor, demand.id, node.id, expected_version=demand.version)
    return 1
