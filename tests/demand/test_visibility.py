"""Demand visibility: every visibility × every role, through the API; the anonymous canary."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from tests.conftest import ClientFor
from tests.demand.world import CANARY, INSIDERS, VISIBLE, World, build_world


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    # ``app`` first: building it may run DDL (audit guard), before this test's writes.
    return build_world(session)


# One app per test is costly: each test walks every role itself.
ROLES = sorted(VISIBLE)


def test_list_and_get_follow_visibility(world: World, client_for: ClientFor) -> None:
    for who in ROLES:
        _check_list_and_get(who, world, client_for)


def _check_list_and_get(who: str, world: World, client_for: ClientFor) -> None:
    client = client_for(world.actors[who])
    resp = client.get("/api/v1/demands", params={"page_size": 200})
    assert resp.status_code == 200, resp.text
    ids = {d["id"] for d in resp.json()["items"]}
    expected = {world.demands[k].id for k in VISIBLE[who]}
    assert ids == expected, who
    assert resp.json()["total"] == len(expected)
    for key, demand in world.demands.items():
        got = client.get(f"/api/v1/demands/{demand.id}")
        assert got.status_code == (200 if key in VISIBLE[who] else 404), (who, key, got.text)


def test_anonymous_demand_hides_its_enterprise(world: World, client_for: ClientFor) -> None:
    for who in ROLES:
        _check_anonymous(who, world, client_for)


def _check_anonymous(who: str, world: World, client_for: ClientFor) -> None:
    client = client_for(world.actors[who])
    anon = world.demands["anonymous"]
    texts = [
        client.get("/api/v1/demands", params={"page_size": 200}).text,
        client.get(f"/api/v1/demands/{anon.id}").text,
        client.get("/api/v1/demands", params={"q": "热失控"}).text,
        client.get("/api/v1/demands", params={"visibility": "anonymous"}).text,
        # Errors must not leak it either: a bad update and a forbidden triage.
        client.patch(
            f"/api/v1/demands/{anon.id}",
            json={"version": anon.version, "budget_min": -1},
        ).text,
        client.post(
            f"/api/v1/demands/{anon.id}/triage", json={"state": "长期攻关", "version": 1}
        ).text,
        # Exports (API and page), the register pages, the edit form.
        client.get("/api/v1/exports/demands", params={"format": "csv"}).content.decode("utf-8-sig"),
        client.get("/r/demands/export.csv").content.decode("utf-8-sig"),
        client.get("/r/demands").text,
        client.get(f"/r/demands/{anon.id}").text,
        client.get(f"/r/demands/{anon.id}/edit").text,
    ]
    body = client.get(f"/api/v1/demands/{anon.id}").json()
    if who in INSIDERS:
        # The same pages and exports do show it to those who may see it.
        for text in texts[6:10]:
            assert CANARY in text or world.ent_secret.credit_code in text, who
        assert body["enterprise_name"] == f"{CANARY}储能有限公司"
        assert body["enterprise_id"] == world.ent_secret.id
        # The phone in full only to those who keep the demand (kit.personal): the zone and the
        # enterprise; the province and auditors see it masked.
        keeper = who in {"zone_a", "ent_secret"}
        assert body["phone"] == ("13912345678" if keeper else "139****5678"), who
        if not keeper:
            for text in texts:
                assert "13912345678" not in text, who
    else:
        assert body["enterprise_name"] == "匿名企业"
        assert body["enterprise_id"] is None
        assert body["enterprise_credit_code"] is None
        assert body["contact_person"] is None
        assert body["phone"] is None
        for text in texts:
            assert CANARY not in text
            assert world.ent_secret.credit_code not in text
            assert "13912345678" not in text


def test_public_demand_names_its_enterprise_to_outsiders(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.actors["uni_other_student"])
    body = client.get(f"/api/v1/demands/{world.demands['public'].id}").json()
    assert body["enterprise_name"] == "甲企业有限公司"
    assert body["enterprise_id"] == world.ent_a.id


def test_terminated_pairing_no_longer_opens_paired_demands(
    world: World, client_for: ClientFor, session: Session
) -> None:
    from shuanggao.pairings.models import Pairing

    for pairing in session.query(Pairing).filter(Pairing.zone_id == world.zone_a.id):
        pairing.status = "terminated"
    session.flush()
    client = client_for(world.actors["uni_paired_admin"])
    resp = client.get(f"/api/v1/demands/{world.demands['paired'].id}")
    assert resp.status_code == 404
