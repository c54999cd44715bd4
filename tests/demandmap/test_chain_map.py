"""The chain map through the API and the page: each node's numbers, the page drawing exactly
what the API returns, a node's panel, placing needs on nodes (proposed, then confirmed)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.demand.models import Demand
from tests.conftest import ClientFor
from tests.demandmap.conftest import MapWorld


def _nodes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for c in body["chains"] for n in c["nodes"]}


def test_node_numbers_and_colours(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.zone_admin)
    resp = client.get(f"/api/v1/chainmap/zones/{world.zone.id}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["universities"] == [{"id": world.paired.id, "name": "结对大学"}]
    nodes = _nodes(body)
    assert [n["name"] for n in body["chains"][0]["nodes"]] == [
        "正负极材料",
        "电芯",
        "电池管理系统",
        "储能变流器",
        "系统集成",
        "运维与安全",
    ]
    safety = nodes["运维与安全"]
    # The zone reads its internal need too: two needs, both answered by the paired university.
    assert (safety["demands"], safety["confirmed"], safety["proposed"]) == (2, 2, 0)
    assert (safety["answered"], safety["gaps"], safety["state"]) == (2, 0, "answered")
    assert safety["answered_by"] == ["结对大学"]
    assert safety["strong_matches"] >= 2 and safety["best_coverage"] >= 0.5
    resist = nodes["正负极材料"]
    assert (resist["demands"], resist["answered"], resist["answered_elsewhere"]) == (1, 0, 1)
    assert resist["state"] == "elsewhere"
    blade = nodes["系统集成"]
    assert (blade["demands"], blade["answered"], blade["gaps"], blade["state"]) == (1, 0, 1, "gap")
    assert nodes["电芯"]["state"] == "empty" and nodes["电芯"]["demands"] == 0
    rows = {r["title"]: r for r in body["needs"]}
    assert rows["光刻胶树脂国产化"]["best_elsewhere"]["owner"] == "王老师（其他大学）"
    assert rows["储能电站热失控安全预警"]["best"]["title"] == "储能电站热失控安全预警算法"


def test_other_tenants_see_only_what_they_may(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.zone_b_admin)
    nodes = _nodes(client.get(f"/api/v1/chainmap/zones/{world.zone.id}").json())
    # The internal (admins-only) need of 甲 is neither counted nor listed for 乙.
    assert nodes["运维与安全"]["demands"] == 1
    body = client.get(f"/api/v1/chainmap/zones/{world.zone.id}").json()
    assert "内部需求：储能安全运维" not in {r["title"] for r in body["needs"]}
    assert client.get("/api/v1/chainmap/zones/999999").status_code == 404


def test_page_draws_the_numbers_the_api_returns(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.zone_admin)
    api = client.get(f"/api/v1/chainmap/zones/{world.zone.id}").json()
    page = client.get(f"/zones/{world.zone.id}/chains")
    assert page.status_code == 200, page.text
    found = re.search(
        r'<script type="application/json" id="chain-map-data">(.*?)</script>', page.text, re.S
    )
    assert found is not None
    drawn = json.loads(html.unescape(found.group(1)))
    assert drawn == api
    # The table beside the graph shows the same numbers.
    safety = world.nodes["运维与安全"].id
    row = re.search(
        rf'<tr data-node="{safety}" data-state="(\w+)" data-demands="(\d+)" data-answered="(\d+)"',
        page.text,
    )
    assert row is not None and row.groups() == ("answered", "2", "2")


def test_node_panel_lists_needs_supply_experts_gaps(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.zone_admin)
    node = world.nodes["运维与安全"]
    detail = client.get(f"/api/v1/chainmap/nodes/{node.id}").json()
    assert {r["title"] for r in detail["needs"]} == {
        "储能电站热失控安全预警",
        "内部需求：储能安全运维",
    }
    assert detail["best_supply"][0]["title"] == "储能电站热失控安全预警算法"
    assert detail["experts"][0]["name"] == "李老师（结对大学）"
    assert detail["gaps"] == []
    need = next(r for r in detail["needs"] if r["title"] == "储能电站热失控安全预警")
    assert need["best"]["reasons"]["scores"]["coverage"] >= 0.5
    panel = client.get(f"/chain_nodes/{node.id}/panel", params={"partial": "1"})
    assert panel.status_code == 200
    demand_id = world.demands["safety"].id
    assert f'href="/demands/{demand_id}/matches"' in panel.text
    assert "李老师（结对大学）" in panel.text
    assert "<html" not in panel.text  # a fragment for the map page
    gap_node = client.get(f"/api/v1/chainmap/nodes/{world.nodes['系统集成'].id}").json()
    assert [g["title"] for g in gap_node["gaps"]] == ["航空发动机单晶叶片定向凝固"]


def test_proposals_and_confirmation(
    world: MapWorld, client_for: ClientFor, session: Session
) -> None:
    safety = world.demands["safety"]
    safety.chain_node_id = None
    session.flush()
    client = client_for(world.zone_admin)
    run = client.post(f"/api/v1/chainmap/zones/{world.zone.id}/proposals")
    assert run.status_code == 200, run.text
    assert run.json()["demands"] == 4
    session.expire_all()
    demand = session.get(Demand, safety.id)
    assert demand is not None
    assert demand.proposed_chain_node_id == world.nodes["运维与安全"].id
    assert demand.chain_node_id is None  # a proposal is not a placement
    # The map shows it as proposed.
    nodes = _nodes(client.get(f"/api/v1/chainmap/zones/{world.zone.id}").json())
    assert (nodes["运维与安全"]["confirmed"], nodes["运维与安全"]["proposed"]) == (1, 1)
    url = f"/api/v1/chainmap/demands/{safety.id}/node"
    target = world.nodes["运维与安全"].id
    assert client.post(url, json={"node_id": target}).status_code == 428
    assert (
        client.post(url, json={"node_id": target, "version": demand.version + 5}).status_code == 409
    )
    other_chain_node = (
        client_for(world.province)
        .post("/api/v1/industry_chains", json={"name": "乙区链", "zone_id": world.zone_b.id})
        .json()
    )
    foreign = (
        client_for(world.province)
        .post("/api/v1/chain_nodes", json={"chain_id": other_chain_node["id"], "name": "乙环节"})
        .json()
    )
    client = client_for(world.zone_admin)
    bad = client.post(url, json={"node_id": foreign["id"], "version": demand.version})
    assert bad.status_code == 422 and bad.json()["fields"] == {
        "node_id": "该环节不在需求所在高新区的产业链上"
    }
    outsider = client_for(world.zone_b_admin).post(
        url, json={"node_id": target, "version": demand.version}
    )
    assert outsider.status_code == 403
    session.expire_all()
    assert session.get(Demand, safety.id).chain_node_id is None  # type: ignore[union-attr]
    client = client_for(world.zone_admin)
    ok = client.post(url, json={"node_id": target, "version": demand.version})
    assert ok.status_code == 200, ok.text
    assert ok.json()["chain_node_id"] == target
    session.expire_all()
    assert session.get(Demand, safety.id).chain_node_id == target  # type: ignore[union-attr]
    events = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "place", AuditEvent.entity_id == str(safety.id))
    )
    assert events == 1


def test_place_from_the_page(world: MapWorld, client_for: ClientFor, session: Session) -> None:
    demand = world.demands["blade"]
    client = client_for(world.zone_admin)
    target = world.nodes["电芯"].id
    resp = client.post(
        f"/demands/{demand.id}/chain_node",
        data={
            "node_id": str(target),
            "version": str(demand.version),
            "next": f"/zones/{world.zone.id}/chains",
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    assert resp.headers["location"] == f"/zones/{world.zone.id}/chains"
    session.expire_all()
    assert session.get(Demand, demand.id).chain_node_id == target  # type: ignore[union-attr]
