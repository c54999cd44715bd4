"""Each side keeps its own judgement of a recommendation, and a free-text reason is seen only by
the side that gave it and the administrators above; a demand's triage note likewise."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.matches.models import Match
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
        session,
        world.uni_paired,
        title="储能电池热失控预警算法",
        abstract="热失控早期安全预警",
        owner_user_id=9,
        owner_name="李老师",
    )
    return world


def _match(world: World, client_for: ClientFor, session: Session) -> Match:
    demand = world.demands["public"]
    resp = client_for(world.actors["province"]).get(f"/api/v1/matches/demands/{demand.id}")
    assert resp.status_code == 200, resp.text
    return session.scalars(select(Match).where(Match.demand_id == demand.id)).one()


def _judgements(client: Any, match_id: int) -> list[tuple[str, str, str | None, bool]]:
    resp = client.get(f"/api/v1/matches/{match_id}")
    assert resp.status_code == 200, resp.text
    return [
        (j["side"], j["state"], j["reason"], j["reason_hidden"]) for j in resp.json()["judgements"]
    ]


def test_each_side_keeps_its_own_judgement(
    world: World, client_for: ClientFor, session: Session
) -> None:
    match = _match(world, client_for, session)

    # One signed-in actor per app at a time: make the client right before its requests.
    def ent() -> Any:
        return client_for(world.actors["ent_a"])

    def uni() -> Any:
        return client_for(world.actors["uni_paired_admin"])

    resp = ent().post(f"/api/v1/matches/{match.id}/state", json={"state": "有意向"})
    assert resp.status_code == 200, resp.text
    resp = uni().post(
        f"/api/v1/matches/{match.id}/state", json={"state": "不相关", "reason": "团队已满"}
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    # The university's 不相关 did not replace the enterprise's 有意向.
    assert (body["state"], body["own_state"], body["state_reason"]) == (
        "interested",
        "dismissed",
        "团队已满",
    )
    assert _judgements(uni(), match.id) == [
        ("demand", "interested", None, False),
        ("supply", "dismissed", "团队已满", False),
    ]
    # The enterprise sees that the university dismissed it, not why.
    assert _judgements(ent(), match.id) == [
        ("demand", "interested", None, False),
        ("supply", "dismissed", None, True),
    ]
    # The enterprise changes its mind: the university's judgement stays.
    resp = ent().post(
        f"/api/v1/matches/{match.id}/state", json={"state": "dismissed", "reason": "预算不足"}
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["state"] == "dismissed"
    assert _judgements(client_for(world.actors["province"]), match.id) == [
        ("demand", "dismissed", "预算不足", False),
        ("supply", "dismissed", "团队已满", False),
    ]
    # The zone (above the enterprise) sees the enterprise's reason; not the university's.
    assert _judgements(client_for(world.actors["zone_a"]), match.id) == [
        ("demand", "dismissed", "预算不足", False),
        ("supply", "dismissed", None, True),
    ]
    # The item's researcher is below the university's administration: not its reason.
    assert _judgements(client_for(world.actors["uni_paired_researcher"]), match.id) == [
        ("demand", "dismissed", None, True),
        ("supply", "dismissed", None, True),
    ]


def test_feedback_counts_show_reasons_only_to_their_owners_and_above(
    world: World, client_for: ClientFor, session: Session
) -> None:
    match = _match(world, client_for, session)
    resp = client_for(world.actors["uni_paired_admin"]).post(
        f"/api/v1/matches/{match.id}/state", json={"state": "不相关", "reason": "团队已满"}
    )
    assert resp.status_code == 200, resp.text
    resp = client_for(world.actors["ent_a"]).post(
        f"/api/v1/matches/{match.id}/state", json={"state": "不相关", "reason": "预算不足"}
    )
    assert resp.status_code == 200, resp.text

    def reasons(who: str) -> dict[str, int]:
        resp = client_for(world.actors[who]).get("/api/v1/matches/feedback")
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if who != "ent_b":  # every reader who sees the match sees both sides' states
            assert body["by_side"]["demand"]["dismissed"] == 1
            assert body["by_side"]["supply"]["dismissed"] == 1
        return dict(body["dismiss_reasons"])

    assert reasons("province") == {"团队已满": 1, "预算不足": 1}
    assert reasons("auditor") == {"团队已满": 1, "预算不足": 1}
    assert reasons("uni_paired_admin") == {"团队已满": 1}
    assert reasons("zone_a") == {"预算不足": 1}
    assert reasons("ent_a") == {"预算不足": 1}
    # Other tenants who can read the public demand and the public item see no reason.
    for who in ("zone_b", "ent_b", "uni_other_admin", "uni_paired_researcher"):
        assert reasons(who) == {}, who


def test_triage_note_only_for_the_demand_owners_and_above(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    resp = client_for(world.actors["zone_a"]).post(
        f"/api/v1/demands/{demand.id}/triage",
        json={"state": "已凝练", "note": "企业内部预算未落实", "version": demand.version},
    )
    assert resp.status_code == 200, resp.text

    def note(who: str) -> str | None:
        client = client_for(world.actors[who])
        one = client.get(f"/api/v1/demands/{demand.id}")
        assert one.status_code == 200, one.text
        listed = client.get("/api/v1/demands", params={"page_size": 200}).json()
        row = next(r for r in listed["items"] if r["id"] == demand.id)
        assert row["triage_note"] == one.json()["triage_note"]
        value: str | None = one.json()["triage_note"]
        return value

    for who in ("zone_a", "ent_a", "province", "auditor"):
        assert note(who) == "企业内部预算未落实", who
    for who in ("zone_b", "ent_b", "uni_paired_admin", "uni_other_student", "mentor_paired"):
        assert note(who) is None, who
    # Nor on the pages of the demand (its detail, its triage panel).
    for path in (f"/r/demands/{demand.id}", f"/demands/{demand.id}/triage"):
        page = client_for(world.actors["zone_b"]).get(path)
        assert page.status_code == 200
        assert "企业内部预算未落实" not in page.text
    page = client_for(world.actors["zone_a"]).get(f"/demands/{demand.id}/triage")
    assert "企业内部预算未落实" in page.text
