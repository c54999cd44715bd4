"""A demand's confirmed chain node as ranking evidence.

When a person has confirmed the node a demand sits on (``demand.chain_node_id``), supply items
tied to that node gain in hybrid ranking (``shuanggao_matching.Evidence``), and their reasons say
so ("同一产业链环节：新型储能 · 电池管理系统…"). An item is tied to the node when

- it carries one of the node's GB/T 4754 codes (``supply_item.industry_codes`` against
  ``chain_node.industry_codes``: both are kept by people, the node's from its template or the
  zone's edits), or
- the demand's side or the province judged it 有意向 for another demand confirmed on the same
  node (a person's judgement that it answers a need of this link), among the demands the reader
  may read.

The node's keywords (its 重点产品) are not used: they are words, and the words of the need and
of the item already meet in the lexical part; counting them again would add the same evidence
twice. A proposed node (``proposed_chain_node_id``, the classifier's guess) lends nothing.
"""

from __future__ import annotations

from dataclasses import replace

from shuanggao_matching import Evidence, Query
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.chains import repository as chains_repo
from shuanggao.demand.models import Demand
from shuanggao.matches import repository as repo
from shuanggao.matches.documents import demand_query
from shuanggao.matches.results import DEMAND_POLICY

# Added to the fused (z-score) value, the scale of a shared code (``FusionConfig.code_weight``).
NODE_WEIGHT = 1.0
NODE_PREFIX = "同一产业链环节："


def node_evidence(session: Session, actor: Actor, demand: Demand) -> tuple[Evidence, ...]:
    """The evidence a demand's confirmed node lends (none without a confirmed node)."""
    if demand.chain_node_id is None:
        return ()
    node = chains_repo.node_with_chain(session, demand.chain_node_id)
    if node is None:
        return ()
    name = f"{NODE_PREFIX}{node.chain.name} · {node.name}"
    out: list[Evidence] = []
    codes = tuple(c for c in (node.industry_codes or ()) if c)
    if codes:
        out.append(
            Evidence(
                label=f"{name}（行业代码 {'、'.join(codes)}）",
                codes=codes,
                weight=NODE_WEIGHT,
            )
        )
    liked = repo.interested_on_node(
        session, node.id, DEMAND_POLICY.read_filter(actor), exclude_demand_id=demand.id
    )
    if liked:
        out.append(
            Evidence(
                label=f"{name}（该环节的其他需求已对其表示有意向）",
                ids=frozenset(str(i) for i in liked),
                weight=NODE_WEIGHT,
            )
        )
    return tuple(out)


def demand_node_query(session: Session, actor: Actor, demand: Demand) -> Query:
    """The demand as a query, with its confirmed node's evidence."""
    query = demand_query(demand)
    evidence = node_evidence(session, actor, demand)
    return replace(query, evidence=evidence) if evidence else query
