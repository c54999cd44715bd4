"""Match results respect tenancy: no other tenant's non-public item, no demand the actor may not
see, and an anonymous demand never shows its enterprise to outsiders — results, reasons, maps."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from shuanggao.config import Settings
from shuanggao.matches import service
from tests.conftest import ClientFor
from tests.demand.world import CANARY, INSIDERS, VISIBLE, World, build_world
from tests.factories import create_supply_item

TOPIC = "储能电站电池热失控安全预警"


@dataclass
class Scene:
    world: World
    paired_public: object
    other_private: object
    other_public: object


@pytest.fixture
def scene(session: Session, app: FastAPI) -> Scene:
    world = build_world(session)
    # Every demand speaks of the same topic so that each is a candidate for every item.
    for demand in world.demands.values():
        demand.description = TOPIC
        demand.keywords = ["储能", "热失控", "安全预警"]
    session.flush()
    paired_public = create_supply_item(
        session,
        world.uni_paired,
        kind="data",
        title="储能电池热失控实验数据",
        owner_name="李老师",
        abstract=TOPIC + "实验数据",
        keywords=["储能", "热失控"],
    )
    other_private = create_supply_item(
        session,
        world.uni_other,
        title="储能安全预警内部成果",
        abstract=TOPIC + "算法",
        is_public=False,
    )
    other_public = create_supply_item(
        session,
        world.uni_other,
        kind="expert",
        title="储能系统安全团队",
        owner_name="王老师",
        abstract=TOPIC + "研究",
    )
    return Scene(world, paired_public, other_private, other_public)


def _supply_ids(body: dict[str, object]) -> set[int]:
    return {r["id"] for r in body["results"]}  # type: ignore[index, union-attr]


def test_demand_matches_exclude_other_tenants_private_items(
    scene: Scene, client_for: ClientFor
) -> None:
    for who, sees_private in [
        ("uni_paired_admin", False),
        ("uni_other_admin", True),
        ("zone_a", False),
        ("province", True),
    ]:
        _check_private_items(who, sees_private, scene, client_for)


def _check_private_items(who: str, sees_private: bool, scene: Scene, client_for: ClientFor) -> None:
    client = client_for(scene.world.actors[who])
    demand = scene.world.demands["public"]
    resp = client.get(f"/api/v1/matches/demands/{demand.id}", params={"top": 20})
    assert resp.status_code == 200, resp.text
    ids = _supply_ids(resp.json())
    expected = {scene.paired_public.id, scene.other_public.id}  # type: ignore[attr-defined]
    if sees_private:
        expected.add(scene.other_private.id)  # type: ignore[attr-defined]
    assert ids == expected, who
    text = client.get("/api/v1/matches/text", params={"text": TOPIC, "top": 20}).text
    assert ("储能安全预警内部成果" in text) is sees_private


def test_supply_to_demands_follows_demand_visibility(scene: Scene, client_for: ClientFor) -> None:
    for who in sorted(VISIBLE):
        _check_supply_to_demands(who, scene, client_for)


def _check_supply_to_demands(who: str, scene: Scene, client_for: ClientFor) -> None:
    world = scene.world
    client = client_for(world.actors[who])
    item = scene.other_public
    resp = client.get(f"/api/v1/matches/supply_items/{item.id}", params={"top": 20})  # type: ignore[attr-defined]
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert _supply_ids(body) == {world.demands[k].id for k in VISIBLE[who]}, who
    anon = next(r for r in body["results"] if r["id"] == world.demands["anonymous"].id)
    if who in INSIDERS:
        assert anon["owner"] == f"{CANARY}储能有限公司"
    else:
        assert anon["owner"] == "匿名企业"
        assert CANARY not in resp.text


def test_anonymous_owner_never_leaks_through_matching(scene: Scene, client_for: ClientFor) -> None:
    for who in sorted(set(VISIBLE) - INSIDERS):
        _check_no_leak(who, scene, client_for)


def _check_no_leak(who: str, scene: Scene, client_for: ClientFor) -> None:
    world = scene.world
    client = client_for(world.actors[who])
    anon = world.demands["anonymous"]
    responses = [
        client.get(f"/api/v1/matches/demands/{anon.id}"),
        client.get(f"/api/v1/matches/demands/{anon.id}/experts"),
        client.get(f"/api/v1/matches/zones/{world.zone_a.id}/map"),
        client.get(f"/api/v1/matches/supply_items/{scene.paired_public.id}"),  # type: ignore[attr-defined]
        client.get("/api/v1/matches/feedback", params={"demand_id": anon.id}),
        client.get(f"/api/v1/matches/demands/{anon.id}/suggested_codes"),
    ]
    for resp in responses:
        assert resp.status_code == 200, resp.text
        assert CANARY not in resp.text
        assert world.ent_secret.credit_code not in resp.text
        assert "13912345678" not in resp.text
    zone_map = responses[2].json()
    row = next(r for r in zone_map["rows"] if r["demand_id"] == anon.id)
    assert row["owner"] == "匿名企业"


def test_hidden_demands_answer_404(scene: Scene, client_for: ClientFor) -> None:
    for who in ["zone_b", "uni_other_admin", "ent_b", "uni_paired_admin"]:
        _check_404(who, scene, client_for)


def _check_404(who: str, scene: Scene, client_for: ClientFor) -> None:
    client = client_for(scene.world.actors[who])
    demand = scene.world.demands["admins"]
    for path in (
        f"/api/v1/matches/demands/{demand.id}",
        f"/api/v1/matches/demands/{demand.id}/experts",
        f"/api/v1/matches/demands/{demand.id}/suggested_codes",
    ):
        resp = client.get(path)
        assert resp.status_code == 404
        assert resp.json()["error"] == "not_found"
    resp = client.get(f"/api/v1/matches/supply_items/{scene.other_private.id}")  # type: ignore[attr-defined]
    assert resp.status_code == (200 if who == "uni_other_admin" else 404)


def test_zone_map_covers_paired_supply_only(
    scene: Scene, session: Session, settings: Settings
) -> None:
    world = scene.world
    result = service.zone_map(session, settings, world.actors["zone_a"], world.zone_a.id)
    assert result.universities == [{"id": world.uni_paired.id, "name": "结对大学"}]
    assert [r.demand_id for r in result.rows] == [
        world.demands[k].id for k in ("public", "paired", "anonymous", "admins")
    ]
    for row in result.rows:
        assert {h.id for h in row.top} == {scene.paired_public.id}  # type: ignore[attr-defined]
        assert row.covered is True
    assert (result.covered, result.gaps, result.coverage) == (4, 0, 1.0)
    assert result.rows[0].top[0].reasons["filters_applied"] == [
        "可见范围：公开条目",
        "结对高校：结对大学",
    ]


def test_zone_map_lists_gaps(scene: Scene, session: Session, settings: Settings) -> None:
    world = scene.world
    gap = world.demands["public"]
    gap.title = "航空发动机涡轮叶片单晶铸造"
    gap.description = "高温合金单晶叶片定向凝固工艺"
    gap.keywords = ["单晶叶片"]
    session.flush()
    result = service.zone_map(session, settings, world.actors["province"], world.zone_a.id)
    by_id = {r.demand_id: r for r in result.rows}
    assert by_id[gap.id].covered is False
    assert (result.covered, result.gaps) == (3, 1)
    assert result.coverage == 0.75


def test_experts_are_ranked_from_their_items(
    scene: Scene, session: Session, settings: Settings
) -> None:
    world = scene.world
    _, experts = service.experts_for_demand(
        session, settings, world.actors["uni_paired_admin"], world.demands["public"].id
    )
    names = [(e.name, e.university_name) for e in experts]
    assert sorted(names) == [("李老师", "结对大学"), ("王老师", "其他大学")]
    assert experts[0].result().kind == "expert"
    assert experts[0].result().reasons["items"][0]["id"] in {
        scene.paired_public.id,  # type: ignore[attr-defined]
        scene.other_public.id,  # type: ignore[attr-defined]
    }


def test_cached_filters_never_cross_tenants(
    scene: Scene, session: Session, settings: Settings
) -> None:
    """The index caches filter masks by the filter's key: two scopes never share a key (a key
    naming the function by its id would, once a collected closure's id is reused)."""
    world = scene.world
    a = service.supply_visibility(world.actors["uni_other_admin"])
    b = service.supply_visibility(world.actors["uni_paired_admin"])
    assert a is not None and b is not None
    assert a.describe() == b.describe()
    assert a.key() != b.key()
    assert a.key() == service.supply_visibility(world.actors["uni_other_admin"]).key()  # type: ignore[union-attr]
    da = service.demand_visibility(session, world.actors["zone_a"])
    db = service.demand_visibility(session, world.actors["zone_b"])
    assert da is not None and db is not None and da.key() != db.key()
    private = scene.other_private.id  # type: ignore[attr-defined]
    for who, sees in (("uni_other_admin", True), ("uni_paired_admin", False)) * 2:
        run = service.match_text(session, settings, world.actors[who], TOPIC)
        assert (private in {h.obj.id for h in run.hits}) is sees, who
