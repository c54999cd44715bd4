"""Triage: version required (428) and checked (409), the history of moves with who, when and why,
reasons only for the demand's owners and those above, and the checklist prompts of a vague need."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.demand import checklist
from shuanggao.demand.models import Demand, DemandTriage
from tests.conftest import ClientFor
from tests.demand.world import World, build_world
from tests.factories import create_demand


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    return build_world(session)


def _moves(session: Session, demand: Demand) -> int:
    stmt = select(func.count()).select_from(DemandTriage).where(DemandTriage.demand_id == demand.id)
    return session.scalar(stmt) or 0


def _audits(session: Session) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "triage")
    return session.scalar(stmt) or 0


def test_triage_without_version_is_428_and_changes_nothing(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    resp = client.post(f"/api/v1/demands/{demand.id}/triage", json={"state": "已凝练"})
    assert resp.status_code == 428, resp.text
    assert resp.json()["error"] == "version_required"
    assert resp.json()["current_version"] == 1
    session.refresh(demand)
    assert (demand.triage_state, demand.version) == ("pending", 1)
    assert _moves(session, demand) == 0 and _audits(session) == 0


def test_stale_version_is_409_and_changes_nothing(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage",
        json={"state": "refined", "note": "首次", "version": 1},
    )
    assert resp.status_code == 200
    # A second broker read version 1 too.
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage",
        json={"state": "long_term", "note": "另一人", "version": 1},
    )
    assert resp.status_code == 409
    assert resp.json()["current_version"] == 2
    session.refresh(demand)
    assert (demand.triage_state, demand.triage_note) == ("refined", "首次")
    assert _moves(session, demand) == 1


def test_sending_back_needs_a_reason(world: World, client_for: ClientFor, session: Session) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage",
        json={"state": "需再诊断", "note": "  ", "version": 1},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"note"}
    session.refresh(demand)
    assert demand.triage_state == "pending" and _moves(session, demand) == 0


def test_history_keeps_who_when_why_and_hides_reasons_from_outsiders(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    zone = client_for(world.actors["zone_a"])
    steps = [("rediagnose", "缺少技术指标和预算"), ("refined", "企业已补充指标")]
    for version, (state, note) in enumerate(steps, start=1):
        resp = zone.post(
            f"/api/v1/demands/{demand.id}/triage",
            json={"state": state, "note": note, "version": version},
        )
        assert resp.status_code == 200, resp.text
    province = client_for(world.actors["province"])
    resp = province.post(
        f"/api/v1/demands/{demand.id}/triage", json={"state": "long_term", "version": 3}
    )
    assert resp.status_code == 200

    def history(who: str) -> list[tuple[str, str, str | None, str]]:
        resp = client_for(world.actors[who]).get(f"/api/v1/demands/{demand.id}/triage")
        assert resp.status_code == 200, resp.text
        return [
            (h["from_state"], h["to_state"], h["reason"], h["moved_by"])
            for h in resp.json()["history"]
        ]

    full = [
        ("pending", "rediagnose", "缺少技术指标和预算", "za"),
        ("rediagnose", "refined", "企业已补充指标", "za"),
        ("refined", "long_term", None, "province"),
    ]
    for who in ("zone_a", "ent_a", "province", "auditor"):
        assert history(who) == full, who
    hidden = [(a, b, None, c) for a, b, _, c in full]
    for who in ("zone_b", "ent_b", "uni_paired_admin"):
        assert history(who) == hidden, who
        page = client_for(world.actors[who]).get(f"/demands/{demand.id}/triage").text
        assert "缺少技术指标和预算" not in page and "企业已补充指标" not in page
    page = client_for(world.actors["zone_a"]).get(f"/demands/{demand.id}/triage").text
    assert "缺少技术指标和预算" in page
    # A demand the reader may not see at all: 404, nothing about it.
    resp = client_for(world.actors["zone_b"]).get(
        f"/api/v1/demands/{world.demands['admins'].id}/triage"
    )
    assert resp.status_code == 404
    assert _audits(session) == 3


def test_checklist_prompts_a_vague_need_and_not_a_complete_one(
    world: World, client_for: ClientFor, session: Session
) -> None:
    vague = create_demand(
        session, world.ent_a, title="智能制造关键技术攻关", description="希望合作。", keywords=[]
    )
    resp = client_for(world.actors["zone_a"]).get(f"/api/v1/demands/{vague.id}/triage")
    body = resp.json()
    codes = {p["code"] for p in body["prompts"]}
    assert {
        "missing_indicators",
        "missing_budget",
        "missing_scenario",
        "thin_description",
        "generic_title",
    } <= codes
    assert body["vague"] is True
    assert body["choices"] == ["refined", "rediagnose", "long_term"]

    complete = create_demand(
        session,
        world.ent_a,
        title="储能电站电池簇热失控早期预警模型",
        description=(
            "用于 100MWh 储能电站的电池簇级监测：现有 BMS 仅按电压温度阈值报警，"
            "希望结合实验数据建立热失控早期预警模型，在现场工况下提前发现风险。"
        ),
        technical_indicators="预警提前量不少于 10 分钟；误报率低于 1%。",
        keywords=["储能", "热失控"],
        industry_code="C3841",
        chain_node="新能源产业 > 储能设备制造",
        budget_min=Decimal("500000"),
        budget_max=Decimal("1000000"),
    )
    prompts = checklist.prompts_for(complete)
    assert [p.code for p in prompts] == ["missing_deadline"]
    assert not checklist.is_vague(prompts)
    page = client_for(world.actors["zone_a"]).get(f"/demands/{vague.id}/triage").text
    assert "缺少技术指标" in page and 'name="version" value="1"' in page
