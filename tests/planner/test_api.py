"""Planner endpoints and pages: status codes, scoping and the Excel export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from shuanggao.actor import Actor, Role
from tests.actors import university_admin, zone_admin
from tests.conftest import ClientFor
from tests.planner.conftest import World

PROVINCE = Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")
AUDITOR = Actor(role=Role.AUDITOR, user_id=2, username="auditor")


def test_zone_recommendations_api_is_scoped(client_for: ClientFor, world: World) -> None:
    url = f"/api/v1/planner/zones/{world.storage_zone.id}/recommendations"
    body = client_for(PROVINCE).get(url, params={"top": 2}).json()
    assert [r["university_name"] for r in body["results"]] == ["储能大学", "私有大学"]
    assert body["results"][0]["signals"] == {
        "matching": 1.0,
        "fit": 1.0,
        "cooperation": 0.0,
        "distance": 1.0,
    }
    own = client_for(zone_admin(world.storage_zone.id)).get(url)
    assert own.status_code == 200
    other = client_for(zone_admin(world.vision_zone.id)).get(url)
    assert (other.status_code, other.json()["error"]) == (404, "not_found")
    bad = client_for(PROVINCE).get(url, params={"top": 0})
    assert (bad.status_code, set(bad.json()["fields"])) == (422, {"top"})


def test_university_recommendations_api(client_for: ClientFor, world: World) -> None:
    url = f"/api/v1/planner/universities/{world.vision_uni.id}/recommendations"
    body = client_for(university_admin(world.vision_uni.id)).get(url, params={"top": 1}).json()
    assert [r["zone_name"] for r in body["results"]] == ["已结对区"]
    denied = client_for(university_admin(world.storage_uni.id)).get(url)
    assert denied.status_code == 404


def test_plan_api_with_what_if_and_export(client_for: ClientFor, world: World) -> None:
    client = client_for(PROVINCE)
    body = client.post("/api/v1/planner/plan", json={}).json()
    assert (body["zones"], body["covered"], body["total_affinity"]) == (2, 2, 1.55)
    assert body["greedy_total_affinity"] <= body["total_affinity"]
    fixed = {"fixed": [{"zone_id": world.storage_zone.id, "university_id": world.neighbour_uni.id}]}
    what_if = client.post("/api/v1/planner/plan", json=fixed).json()
    assert [(p["zone_name"], p["university_name"], p["fixed"]) for p in what_if["pairs"]] == [
        ("储能区", "邻市学院", True),
        ("视觉区", "视觉大学", False),
    ]
    infeasible = client.post("/api/v1/planner/plan", json={"capacity": 0})
    assert (infeasible.status_code, infeasible.json()["error"]) == (422, "plan_infeasible")
    invalid = client.post("/api/v1/planner/plan", json={"capacity": -1})
    assert invalid.status_code == 422
    xlsx = client.post("/api/v1/planner/plan.xlsx", json=fixed)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["方案", "贪心对比", "高校容量", "说明"]
    rows = list(wb["方案"].iter_rows(values_only=True))
    assert rows[0][:5] == ("高新区", "设区市", "高校", "高校所在市", "亲和度")
    assert [(r[0], r[2], r[9]) for r in rows[1:]] == [
        ("储能区", "邻市学院", "是"),
        ("视觉区", "视觉大学", None),
    ]


def test_plan_and_evaluation_are_province_wide(client_for: ClientFor, world: World) -> None:
    for actor in (zone_admin(world.storage_zone.id), university_admin(world.vision_uni.id)):
        client = client_for(actor)
        denied = client.post("/api/v1/planner/plan", json={})
        assert (denied.status_code, denied.json()["error"]) == (403, "forbidden")
        assert client.get("/api/v1/planner/evaluation").status_code == 403
        assert client.post("/api/v1/planner/plan.xlsx", json={}).status_code == 403
    auditor = client_for(AUDITOR)
    assert auditor.post("/api/v1/planner/plan", json={}).json()["covered"] == 2
    figures = auditor.get("/api/v1/planner/evaluation").json()["figures"]
    assert [f["name"] for f in figures] == ["total", "matching", "fit", "distance"]


def test_plan_page_and_recommendation_pages(client_for: ClientFor, world: World) -> None:
    client = client_for(PROVINCE)
    page = client.get("/planner")
    assert page.status_code == 200
    assert 'id="plan-pairs"' in page.text
    assert f'value="{world.storage_zone.id}:{world.storage_uni.id}"' in page.text
    fix = f"{world.storage_zone.id}:{world.neighbour_uni.id}"
    what_if = client.get("/planner", params={"fix": fix})
    assert f'value="{fix}" aria-label="固定该结对" checked' in what_if.text
    export = client.get("/planner/export.xlsx", params={"fix": fix})
    assert export.status_code == 200
    assert load_workbook(io.BytesIO(export.content))["方案"]["C2"].value == "邻市学院"
    # A capacity above the usual choices stays selected (resubmitting keeps it).
    roomy = client.get("/planner", params={"capacity": "8"})
    assert f'value="{world.storage_uni.id}:8" selected' in roomy.text
    bad = client.get("/planner", params={"capacity": "x"})
    assert bad.status_code == 422
    zone_page = client_for(zone_admin(world.storage_zone.id)).get(
        f"/planner/zones/{world.storage_zone.id}"
    )
    assert zone_page.status_code == 200 and "储能大学" in zone_page.text
    assert client_for(zone_admin(world.storage_zone.id)).get("/planner").status_code == 403
    mine = client_for(zone_admin(world.storage_zone.id)).get(
        "/planner/mine", follow_redirects=False
    )
    assert mine.headers["location"] == f"/planner/zones/{world.storage_zone.id}"
