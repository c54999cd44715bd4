"""Node proposals need evidence of the node itself: the demo's 数字孪生可靠性提升 (a digital-twin
need with no word or code of the 新型储能 chain) is proposed nowhere, while the safety need keeps
its node (its words 安全预警/热失控 are the node's keywords)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.demand.models import Demand
from shuanggao.demandmap import proposals
from tests.conftest import ClientFor
from tests.demandmap.conftest import MapWorld
from tests.factories import create_demand


def test_a_need_without_evidence_gets_no_node(
    world: MapWorld, client_for: ClientFor, session: Session
) -> None:
    twin = create_demand(
        session,
        world.enterprise,
        title="数字孪生可靠性提升",
        description="数字孪生产品在长期运行中可靠性不足，希望开展失效分析与寿命评估。",
        keywords=["数字孪生", "数字"],
        industry_code="I6513",
    )
    safety = world.demands["safety"]
    safety.chain_node_id = None
    session.flush()
    nodes = list(world.chain.nodes)
    proposer = proposals.NodeProposer(None, nodes)
    # Without the floor the best node scaled to 1 was proposed: that is what the scores still say.
    scores = proposer.scores(twin)
    best = max(scores, key=lambda i: scores[i])
    assert scores[best] >= proposals.MIN_SCORE
    assert proposer.propose(twin) is None
    client = client_for(world.zone_admin)
    run = client.post(f"/api/v1/chainmap/zones/{world.zone.id}/proposals")
    assert run.status_code == 200, run.text
    session.expire_all()
    twin_now = session.get(Demand, twin.id)
    safety_now = session.get(Demand, safety.id)
    assert twin_now is not None and safety_now is not None
    assert twin_now.proposed_chain_node_id is None
    assert twin_now.proposed_chain_node_score is None
    assert safety_now.proposed_chain_node_id == world.nodes["运维与安全"].id


def test_evidence_is_a_word_of_two_characters_or_the_needs_own_code(
    world: MapWorld, session: Session
) -> None:
    node = world.nodes["正负极材料"]
    # 锂 alone (one character) is not evidence; 正极 is.
    lithium = create_demand(session, world.enterprise, title="锂资源综合利用", description="锂")
    assert proposals.node_evidence(lithium, proposals.demand_text(lithium), node) == (False, False)
    cathode = create_demand(session, world.enterprise, title="高镍正极包覆", description="")
    assert proposals.node_evidence(cathode, proposals.demand_text(cathode), node) == (True, False)
    # The need's own GB/T code agreeing with one of the node's is evidence.
    coded = create_demand(
        session, world.enterprise, title="材料工艺", description="", industry_code="C3985"
    )
    assert proposals.node_evidence(coded, proposals.demand_text(coded), node) == (False, True)
