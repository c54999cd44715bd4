"""Stored recommendations: states, reasons, who may judge, and the counts of feedback."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.matches.models import Match
from shuanggao.supply.models import SupplyItem
from tests.conftest import ClientFor
from tests.demand.world import World, build_world
from tests.factories import create_supply_item


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    world = build_world(session)
    demand = world.demands["public"]
    demand.description = "储能电站电池热失控安全预警"
    session.flush()
    create_supply_item(
        session, world.uni_paired, title="储能电池热失控预警算法", abstract="热失控早期安全预警"
    )
    create_supply_item(
        session, world.uni_other, title="储能系统安全评估", abstract="储能电站安全评估与预警"
    )
    return world


def _matches(session: Session, demand_id: int) -> list[Match]:
    rows = session.scalars(select(Match).where(Match.demand_id == demand_id).order_by(Match.rank))
    return list(rows)


def test_recommendations_are_stored_and_judged(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    zone = client_for(world.actors["zone_a"])
    resp = zone.get(f"/api/v1/matches/demands/{demand.id}")
    assert resp.status_code == 200
    assert [r["id"] for r in resp.json()["results"]] == [
        m.supply_item_id for m in _matches(session, demand.id)
    ]
    first, second = _matches(session, demand.id)
    assert (first.state, first.rank, second.rank) == ("recommended", 1, 2)
    assert first.reasons["method"] == "hybrid"
    assert "储能" in [t["term"] for t in first.reasons["shared_terms"]]

    resp = zone.post(f"/api/v1/matches/{first.id}/state", json={"state": "有意向"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["state"] == "interested"
    resp = zone.post(f"/api/v1/matches/{second.id}/state", json={"state": "dismissed"})
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"reason"}
    resp = zone.post(
        f"/api/v1/matches/{second.id}/state", json={"state": "不相关", "reason": "技术路线不符"}
    )
    assert resp.status_code == 200
    assert (resp.json()["state"], resp.json()["state_reason"]) == ("dismissed", "技术路线不符")
    resp = zone.post(f"/api/v1/matches/{second.id}/state", json={"state": "recommended"})
    assert resp.status_code == 409
    assert resp.json()["error"] == "conflict"

    counts = zone.get("/api/v1/matches/feedback", params={"demand_id": demand.id}).json()
    assert counts == {
        "total": 2,
        "by_state": {"recommended": 0, "viewed": 0, "interested": 1, "dismissed": 1},
        "by_side": {
            "demand": {"recommended": 0, "viewed": 0, "interested": 1, "dismissed": 1},
            "supply": {"recommended": 0, "viewed": 0, "interested": 0, "dismissed": 0},
            "province": {"recommended": 0, "viewed": 0, "interested": 0, "dismissed": 0},
        },
        "dismiss_reasons": {"技术路线不符": 1},
    }
    # Matching again refreshes scores and reasons but keeps people's judgements.
    zone.get(f"/api/v1/matches/demands/{demand.id}")
    session.expire_all()
    assert [m.state for m in _matches(session, demand.id)] == ["interested", "dismissed"]
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "match_feedback").order_by(AuditEvent.id)
    ).all()
    assert [e.after for e in events] == [
        {"side": "demand", "state": "interested", "reason": None},
        {"side": "demand", "state": "dismissed", "reason": "技术路线不符"},
    ]


def test_only_the_two_sides_judge(world: World, client_for: ClientFor, session: Session) -> None:
    demand = world.demands["public"]
    client_for(world.actors["province"]).get(f"/api/v1/matches/demands/{demand.id}")
    first = _matches(session, demand.id)[0]
    for who in ("auditor", "zone_b", "ent_b", "uni_other_student"):
        resp = client_for(world.actors[who]).post(
            f"/api/v1/matches/{first.id}/state", json={"state": "interested"}
        )
        assert resp.status_code == 403, who
    session.refresh(first)
    assert (first.state, first.version) == ("recommended", 1)
    # The enterprise (demand side) and the item's university (supply side) may.
    resp = client_for(world.actors["ent_a"]).post(
        f"/api/v1/matches/{first.id}/state", json={"state": "viewed"}
    )
    assert resp.status_code == 200
    item = session.get(SupplyItem, first.supply_item_id)
    assert item is not None
    paired = item.university_id == world.uni_paired.id
    item_university = "uni_paired_admin" if paired else "uni_other_admin"
    resp = client_for(world.actors[item_university]).post(
        f"/api/v1/matches/{first.id}/state", json={"state": "interested"}
    )
    assert resp.status_code == 200
    assert resp.json()["version"] == 3


def test_matches_of_hidden_demands_answer_404(
    world: World, client_for: ClientFor, session: Session
) -> None:
    hidden = world.demands["admins"]
    hidden.description = "储能电站电池热失控安全预警"
    session.flush()
    client_for(world.actors["province"]).get(f"/api/v1/matches/demands/{hidden.id}")
    row = _matches(session, hidden.id)[0]
    outsider = client_for(world.actors["uni_paired_admin"])
    assert outsider.get(f"/api/v1/matches/{row.id}").status_code == 404
    resp = outsider.post(f"/api/v1/matches/{row.id}/state", json={"state": "interested"})
    assert resp.status_code == 404
    counts = outsider.get("/api/v1/matches/feedback").json()
    assert counts["total"] == 0
    session.refresh(row)
    assert row.state == "recommended"


def test_auditors_read_but_store_nothing(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    resp = client_for(world.actors["auditor"]).get(f"/api/v1/matches/demands/{demand.id}")
    assert resp.status_code == 200
    assert len(resp.json()["results"]) == 2
    assert _matches(session, demand.id) == []
