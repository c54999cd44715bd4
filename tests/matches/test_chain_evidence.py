"""A demand's confirmed chain node is ranking evidence (issue 10): supply items tied to the node
(by its GB/T 4754 codes, or judged 有意向 for another need on the node) gain, and their reasons
say "同一产业链环节：…". A proposed node lends nothing; a need the reader may not read lends
nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.matches.models import MatchJudgement
from tests.conftest import ClientFor
from tests.factories import (
    create_chain_node,
    create_demand,
    create_demand_enterprise,
    create_industry_chain,
    create_match,
    create_supply_item,
    create_zone,
)

CODE_LABEL = "同一产业链环节：新型储能 · 电池管理系统（行业代码 C3849）"
LIKED_LABEL = "同一产业链环节：新型储能 · 电池管理系统（该环节的其他需求已对其表示有意向）"
TOPIC = "储能电池管理系统荷电状态估计与均衡控制"


@dataclass
class Scene:
    demand: Any
    other: Any
    enterprise: Any
    plain: Any
    coded: Any
    liked: Any
    node: Any


@pytest.fixture
def scene(session: Session, app: FastAPI) -> Scene:
    # ``app`` first: it sets the database up before this fixture's writes hold the lock.
    zone = create_zone(session)
    chain = create_industry_chain(session, zone, name="新型储能")
    node = create_chain_node(session, chain, name="电池管理系统", industry_codes=["C3849"])
    enterprise = create_demand_enterprise(session, zone)
    demand = create_demand(
        session,
        enterprise,
        title="储能电池管理系统荷电状态估计",
        description=TOPIC + "，提升储能电站电池一致性。",
        keywords=["电池管理系统", "荷电状态"],
        proposed_chain_node_id=node.id,
    )
    # Another firm's need on the same node, readable only by its zone's administrators,
    # its enterprise, the province and auditors; its side was interested in ``liked``.
    other = create_demand(
        session,
        create_demand_enterprise(session, zone),
        title="储能系统均衡控制",
        description="储能系统电池均衡控制。",
        visibility="admins",
        chain_node_id=node.id,
    )
    # The same words twice: one item without codes, one with the node's code.
    plain = create_supply_item(session, title="电池荷电状态估计", abstract="锂电池荷电状态估计。")
    coded = create_supply_item(
        session,
        title="电池荷电状态估计",
        abstract="锂电池荷电状态估计。",
        industry_codes=["C3849"],
    )
    liked = create_supply_item(session, title="电池均衡控制芯片", abstract="电池均衡控制。")
    for n in range(12):  # other industries, so the fused scores are spread as in real use
        create_supply_item(session, title=f"污水处理精准加药{n}", abstract="污水处理加药控制。")
    match = create_match(session, other, liked, state="interested")
    session.add(
        MatchJudgement(
            match_id=match.id,
            side="demand",
            state="interested",
            reason=None,
            judged_by="zone-admin",
            judged_role=Role.ZONE_ADMIN.value,
            judged_at=dt.datetime.now(dt.UTC),
        )
    )
    session.flush()
    return Scene(demand, other, enterprise, plain, coded, liked, node)


def _results(client: TestClient, demand_id: int) -> dict[int, dict[str, Any]]:
    resp = client.get(f"/api/v1/matches/demands/{demand_id}", params={"top": 20})
    assert resp.status_code == 200, resp.text
    return {r["id"]: {**r, "rank": n} for n, r in enumerate(resp.json()["results"], start=1)}


def _confirm(session: Session, scene: Scene) -> None:
    scene.demand.chain_node_id = scene.node.id
    session.flush()


def test_confirmed_node_moves_tied_items_and_says_why(
    session: Session, scene: Scene, client_for: ClientFor, province: Actor
) -> None:
    client = client_for(province)
    before = _results(client, scene.demand.id)
    # Only proposed: no evidence anywhere.
    assert all(r["reasons"]["evidence"] == [] for r in before.values())
    assert before[scene.plain.id]["score"] == pytest.approx(before[scene.coded.id]["score"])
    assert before[scene.liked.id]["rank"] > before[scene.coded.id]["rank"]

    _confirm(session, scene)
    after = _results(client, scene.demand.id)
    assert after[scene.coded.id]["reasons"]["evidence"] == [CODE_LABEL]
    assert after[scene.liked.id]["reasons"]["evidence"] == [LIKED_LABEL]
    assert after[scene.plain.id]["reasons"]["evidence"] == []
    for tied in (scene.coded, scene.liked):
        assert after[tied.id]["score"] == pytest.approx(before[tied.id]["score"] + 1.0, abs=2e-4)
    assert after[scene.plain.id]["score"] == pytest.approx(before[scene.plain.id]["score"])
    # Same words: the item carrying the node's code now ranks first, the other one below it.
    assert after[scene.coded.id]["rank"] == 1
    assert after[scene.plain.id]["rank"] > after[scene.coded.id]["rank"]


def test_a_need_the_reader_may_not_read_lends_nothing(
    session: Session, scene: Scene, client_for: ClientFor
) -> None:
    _confirm(session, scene)
    firm = Actor(
        role=Role.ENTERPRISE_USER,
        user_id=77,
        username="firm",
        enterprise_id=scene.enterprise.id,
        zone_id=scene.demand.zone_id,
    )
    found = _results(client_for(firm), scene.demand.id)
    # The other firm's 仅管理员 need is hidden from this firm: its interest does not count.
    assert found[scene.liked.id]["reasons"]["evidence"] == []
    assert found[scene.coded.id]["reasons"]["evidence"] == [CODE_LABEL]
