"""Demand writes: who may create and edit, zone filled from the enterprise, triage workflow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.demand.models import Demand
from tests.conftest import ClientFor
from tests.demand.world import World, build_world
from tests.factories import version_of


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    return build_world(session)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Demand)) or 0


def test_zone_admin_creates_a_demand_zone_taken_from_enterprise(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": world.ent_a.id,
            "title": "储能电站消防联动控制",
            "description": "需要储能舱火灾早期探测与联动控制方案",
            "cooperation_mode": "技术开发",
            "visibility": "仅结对高校",
            "budget_min": "500000",
            "budget_max": "1200000.50",
            "industry_code": "c3841",
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["zone_id"] == world.zone_a.id
    assert body["zone_name"] == "甲高新区"
    assert body["visibility"] == "paired"
    assert body["cooperation_mode"] == "development"
    assert body["triage_state"] == "pending"
    assert body["industry_code"] == "C3841"
    assert Decimal(body["budget_max"]) == Decimal("1200000.50")
    stored = session.get(Demand, body["id"])
    assert stored is not None and stored.budget_max == Decimal("1200000.50")


def test_zone_admin_cannot_enter_another_zones_enterprise(
    world: World, client_for: ClientFor, session: Session
) -> None:
    before = _count(session)
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        "/api/v1/demands",
        json={"enterprise_id": world.ent_b.id, "title": "越权需求", "cooperation_mode": "技术开发"},
    )
    assert resp.status_code == 403
    assert resp.json()["error"] == "forbidden"
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": world.ent_b.id,
            "zone_id": world.zone_b.id,
            "title": "越权需求",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code == 403
    assert _count(session) == before


def test_enterprise_user_writes_only_its_own_demands(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["ent_a"])
    resp = client.post(
        "/api/v1/demands",
        json={"enterprise_id": world.ent_a.id, "title": "我方需求", "cooperation_mode": "技术咨询"},
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["zone_id"] == world.zone_a.id
    before = _count(session)
    resp = client.post(
        "/api/v1/demands",
        json={"enterprise_id": world.ent_b.id, "title": "他方需求", "cooperation_mode": "技术咨询"},
    )
    assert resp.status_code == 403
    public_other = world.demands["public"]
    other = client_for(world.actors["ent_b"])
    resp = other.patch(
        f"/api/v1/demands/{public_other.id}",
        json={"version": version_of(session, public_other), "title": "被改了"},
    )
    assert resp.status_code == 403
    session.refresh(public_other)
    assert public_other.title == "公开需求：储能安全"
    assert _count(session) == before


def test_university_users_and_auditors_never_write_demands(
    world: World, client_for: ClientFor, session: Session
) -> None:
    for who in ["uni_paired_admin", "uni_paired_researcher", "auditor"]:
        _check_no_write(who, world, client_for, session)


def _check_no_write(who: str, world: World, client_for: ClientFor, session: Session) -> None:
    before = _count(session)
    client = client_for(world.actors[who])
    resp = client.post(
        "/api/v1/demands",
        json={"enterprise_id": world.ent_a.id, "title": "不应写入", "cooperation_mode": "技术开发"},
    )
    assert resp.status_code == 403
    resp = client.delete(f"/api/v1/demands/{world.demands['public'].id}")
    assert resp.status_code == 403
    assert _count(session) == before


def test_bad_values_name_their_fields(world: World, client_for: ClientFor) -> None:
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": world.ent_a.id,
            "title": "预算倒挂",
            "cooperation_mode": "外包",
            "chain_node": "abc",
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"cooperation_mode", "chain_node"}
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": world.ent_a.id,
            "title": "预算倒挂",
            "cooperation_mode": "技术开发",
            "budget_min": "20",
            "budget_max": "10",
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"budget_max"}
    resp = client.post(
        "/api/v1/demands",
        json={"enterprise_id": 999999, "title": "无主需求", "cooperation_mode": "技术开发"},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"enterprise_id"}


def test_triage_moves_through_the_workflow_with_audit(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage",
        json={"state": "已凝练", "note": "已与企业确认指标", "version": 1},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["triage_state"] == "refined"
    assert resp.json()["triage_note"] == "已与企业确认指标"
    assert resp.json()["version"] == 2
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage", json={"state": "pending", "version": 2}
    )
    assert resp.status_code == 409
    assert resp.json()["error"] == "conflict"
    assert set(resp.json()["fields"]) == {"state"}
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage", json={"state": "long_term", "version": 1}
    )
    assert resp.status_code == 409
    assert resp.json()["current_version"] == 2
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage", json={"state": "long_term", "version": 2}
    )
    assert resp.status_code == 200
    session.refresh(demand)
    assert demand.triage_state == "long_term"
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "demands", AuditEvent.action == "triage")
        .order_by(AuditEvent.id)
    ).all()
    # The reason typed is personal data (personal.INVENTORY): the audit trail keeps it masked.
    assert [(e.before, e.after) for e in events] == [
        (
            {"triage_state": "pending", "triage_note": None},
            {"triage_state": "refined", "triage_note": "已与企***指标"},
        ),
        (
            {"triage_state": "refined", "triage_note": "已与企***指标"},
            {"triage_state": "long_term", "triage_note": "已与企***指标"},
        ),
    ]


def test_only_the_zone_and_province_triage(
    world: World, client_for: ClientFor, session: Session
) -> None:
    for who in ["ent_a", "zone_b", "auditor", "uni_paired_admin"]:
        _check_no_triage(who, world, client_for, session)


def _check_no_triage(who: str, world: World, client_for: ClientFor, session: Session) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors[who])
    resp = client.post(
        f"/api/v1/demands/{demand.id}/triage", json={"state": "refined", "version": 1}
    )
    assert resp.status_code == 403
    session.refresh(demand)
    assert demand.triage_state == "pending"
    assert demand.version == 1


def test_triage_state_is_not_set_by_plain_edits(world: World, client_for: ClientFor) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    resp = client.patch(
        f"/api/v1/demands/{demand.id}",
        json={"version": demand.version, "triage_state": "long_term"},
    )
    assert resp.status_code == 200
    assert resp.json()["triage_state"] == "pending"


def test_text_with_nul_and_huge_ids_are_field_errors(world: World, client_for: ClientFor) -> None:
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": world.ent_a.id,
            "title": "空\x00字符",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"title"}
    resp = client.post(
        "/api/v1/demands",
        json={"enterprise_id": 2**40, "title": "大编号", "cooperation_mode": "技术开发"},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"enterprise_id"}
    assert (
        client.post(f"/api/v1/demands/{2**40}/triage", json={"state": "refined"}).status_code == 422
    )
    assert client.get(f"/api/v1/matches/demands/{2**40}").status_code == 422
