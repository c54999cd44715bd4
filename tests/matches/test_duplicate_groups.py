"""Saved duplicate groups (合并需求组) through the API: a zone keeps its own groups, the province
any; every change is versioned (428/409) and audited; a group shows each need as its visibility
allows (another zone's internal need as 某企业（保密）, an anonymous need's firm as 匿名企业)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.matches.models import DemandGroup, DemandGroupMember
from tests.conftest import ClientFor
from tests.demand.world import CANARY, World, build_world
from tests.factories import create_demand

URL = "/api/v1/triage/groups"


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    w = build_world(session)
    w.demands["b_public"] = create_demand(
        session, w.ent_b, title="乙区公开需求：储能安全", visibility="public"
    )
    return w


def _ids(w: World, *keys: str) -> list[int]:
    return [int(w.demands[k].id) for k in keys]


def _audits(session: Session, action: str) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == "demand_groups", AuditEvent.action == action)
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(stmt))


def _count(session: Session) -> tuple[int, int]:
    groups = session.scalar(select(func.count()).select_from(DemandGroup))
    members = session.scalar(select(func.count()).select_from(DemandGroupMember))
    return int(groups or 0), int(members or 0)


def _members(body: dict[str, Any]) -> list[tuple[int | None, str]]:
    return [(m["demand_id"], m["owner"]) for m in body["members"]]


def test_a_zone_saves_its_group_and_it_shows_on_the_needs_page(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["zone_a"])
    resp = client.post(
        URL, json={"name": "储能安全联合攻关", "demand_ids": _ids(world, "public", "b_public")}
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["zone_id"], body["version"], body["can_edit"]) == (world.zone_a.id, 1, True)
    assert _members(body) == [
        (world.demands["public"].id, "甲企业有限公司"),
        (world.demands["b_public"].id, "乙企业有限公司"),
    ]
    [event] = _audits(session, "create")
    assert event.after is not None
    assert event.after["demand_ids"] == sorted(_ids(world, "public", "b_public"))
    page = client.get(f"/api/v1/demands/{world.demands['public'].id}/groups")
    assert page.status_code == 200 and [g["id"] for g in page.json()] == [body["id"]]
    # The enterprise reads its need's groups too, but may not change them.
    ent = client_for(world.actors["ent_a"])
    assert [g["can_edit"] for g in ent.get(
        f"/api/v1/demands/{world.demands['public'].id}/groups").json()] == [False]  # fmt: skip
    assert ent.get(URL).status_code == 403
    assert (
        ent.post(
            URL, json={"name": "x", "demand_ids": _ids(world, "public", "b_public")}
        ).status_code
        == 403
    )


def test_a_zone_may_group_only_needs_it_reads_and_one_of_its_own(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["zone_a"])
    before = _count(session)
    secret = client.post(
        URL, json={"name": "越权", "demand_ids": _ids(world, "public", "other_zone_admins")}
    )
    assert secret.status_code == 422 and set(secret.json()["fields"]) == {"demand_ids"}
    assert f"#{world.demands['other_zone_admins'].id}" in secret.json()["fields"]["demand_ids"]
    foreign = client.post(
        URL, json={"name": "他区", "demand_ids": _ids(world, "b_public", "anonymous")[:1] * 2}
    )
    assert foreign.status_code == 422  # one need is not a group
    other_zone = client.post(
        URL,
        json={"name": "x", "demand_ids": _ids(world, "public", "b_public"), "zone_id": 999},
    )
    assert other_zone.status_code == 403
    only_b = client_for(world.actors["zone_b"]).post(
        URL, json={"name": "他区", "demand_ids": _ids(world, "public", "anonymous")}
    )
    assert only_b.status_code == 422 and only_b.json()["error"] == "validation_error"
    auditor = client_for(world.actors["auditor"]).post(
        URL, json={"name": "x", "demand_ids": _ids(world, "public", "b_public")}
    )
    assert auditor.status_code == 403
    assert _count(session) == before and _audits(session, "create") == []


def test_each_reader_sees_each_need_as_its_visibility_allows(
    world: World, client_for: ClientFor
) -> None:
    keys = ("public", "anonymous", "admins", "other_zone_admins", "b_public")
    made = client_for(world.actors["province"]).post(
        URL, json={"name": "全省储能安全", "demand_ids": _ids(world, *keys)}
    )
    assert made.status_code == 201, made.text
    assert made.json()["zone_id"] is None
    hidden = (None, "某企业（保密）")
    # Zone B: A's internal need is hidden (no title, no id), A's anonymous firm is 匿名企业.
    resp = client_for(world.actors["zone_b"]).get(URL)
    assert resp.status_code == 200
    [group] = resp.json()["groups"]
    assert _members(group) == [
        (world.demands["public"].id, "甲企业有限公司"),
        (world.demands["anonymous"].id, "匿名企业"),
        (world.demands["other_zone_admins"].id, "乙企业有限公司"),
        (world.demands["b_public"].id, "乙企业有限公司"),
        hidden,
    ]
    assert group["can_edit"] is False
    assert CANARY not in resp.text and "内部需求：产线改造" not in resp.text
    # Zone A: B's internal need is hidden; A's own anonymous firm is named.
    resp = client_for(world.actors["zone_a"]).get(URL)
    [group] = resp.json()["groups"]
    assert group["members"][-1] == {
        "demand_id": None,
        "title": None,
        "zone_name": None,
        "owner": "某企业（保密）",
        "visibility": None,
        "triage_state": None,
        "hidden": True,
    }
    assert "乙区内部需求" not in resp.text
    assert (world.demands["anonymous"].id, f"{CANARY}储能有限公司") in _members(group)
    # A paired university reads the group only through a need's page, masked the same way.
    uni = client_for(world.actors["uni_other_admin"])
    assert uni.get(URL).status_code == 403
    page = uni.get(f"/api/v1/demands/{world.demands['public'].id}/groups")
    assert page.status_code == 200
    assert [m["owner"] for m in page.json()[0]["members"]].count("某企业（保密）") == 2
    assert CANARY not in page.text
    assert uni.get(f"/api/v1/demands/{world.demands['admins'].id}/groups").status_code == 404
    # The zone may not change the province's group.
    patch = client_for(world.actors["zone_a"]).patch(
        f"{URL}/{made.json()['id']}", json={"version": 1, "name": "改名"}
    )
    assert patch.status_code == 403


def test_rename_add_remove_and_dissolve_need_the_version(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["zone_a"])
    made = client.post(
        URL, json={"name": "储能", "demand_ids": _ids(world, "public", "b_public")}
    ).json()
    url = f"{URL}/{made['id']}"
    change = {"name": "储能安全（合并）", "add": _ids(world, "anonymous"), "remove": []}
    assert client.patch(url, json=change).status_code == 428
    stale = client.patch(url, json={**change, "version": 7})
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    ok = client.patch(url, json={**change, "version": 1})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert (body["name"], body["version"]) == ("储能安全（合并）", 2)
    assert sorted(m["demand_id"] for m in body["members"]) == sorted(
        _ids(world, "public", "anonymous", "b_public")
    )
    removed = client.patch(url, json={"version": 2, "remove": _ids(world, "b_public")})
    assert removed.status_code == 200 and removed.json()["version"] == 3
    too_few = client.patch(url, json={"version": 3, "remove": _ids(world, "anonymous")})
    assert too_few.status_code == 422
    no_own = client.patch(
        url,
        json={
            "version": 3,
            "add": _ids(world, "b_public"),
            "remove": _ids(world, "public", "anonymous"),
        },
    )
    assert no_own.status_code == 422
    updates = _audits(session, "update")
    assert [(e.before or {}).get("name") for e in updates] == ["储能", "储能安全（合并）"]
    assert client_for(world.actors["zone_b"]).post(
        f"{url}/dissolve", json={"version": 3}).status_code == 404  # fmt: skip
    client = client_for(world.actors["zone_a"])  # (the last client made decides who acts)
    assert client.post(f"{url}/dissolve", json={}).status_code == 428
    assert client.post(f"{url}/dissolve", json={"version": 3}).status_code == 204
    assert client.get(url).status_code == 404
    assert _count(session) == (0, 0)
    [event] = _audits(session, "dissolve")
    assert event.before is not None and event.before["name"] == "储能安全（合并）"


def test_the_pages_save_change_and_dissolve_a_group(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["province"])
    keys = ("public", "anonymous", "other_zone_admins")
    ids = [str(i) for i in _ids(world, *keys)]
    resp = client.post(
        "/triage/groups",
        data={"name": "页面合并组", "demand_ids": ids},
        follow_redirects=True,
    )
    assert resp.status_code == 200, resp.text
    assert "已保存合并需求组“页面合并组”" in resp.text
    [group] = session.scalars(select(DemandGroup)).all()
    # Zone A reads it on the duplicate page and on its need's page, B's internal need hidden.
    zone_a = client_for(world.actors["zone_a"])
    page = zone_a.get("/triage/duplicates")
    assert page.status_code == 200
    assert f'id="group-{group.id}"' in page.text and "某企业（保密）" in page.text
    assert "乙区内部需求" not in page.text
    assert "/triage/groups/" not in page.text  # no forms: the province's group
    panel = zone_a.get(f"/demands/{world.demands['public'].id}/groups")
    assert panel.status_code == 200 and "页面合并组" in panel.text
    assert "某企业（保密）" in panel.text and "乙区内部需求" not in panel.text
    # The province removes a need, renames, then dissolves, each with the version read.
    client = client_for(world.actors["province"])
    stale = client.post(
        f"/triage/groups/{group.id}/edit",
        data={"version": "9", "remove": str(world.demands["anonymous"].id)},
        follow_redirects=True,
    )
    assert stale.status_code == 200 and "该记录已被他人修改" in stale.text
    edit = client.post(
        f"/triage/groups/{group.id}/edit",
        data={"version": "1", "name": "页面合并组（改）", "remove": ids[1]},
        follow_redirects=True,
    )
    assert edit.status_code == 200 and "已修改合并需求组“页面合并组（改）”" in edit.text
    session.expire_all()
    assert session.get(DemandGroup, group.id).version == 2  # type: ignore[union-attr]
    gone = client.post(
        f"/triage/groups/{group.id}/dissolve", data={"version": "2"}, follow_redirects=True
    )
    assert gone.status_code == 200 and "已解散合并需求组" in gone.text
    assert _count(session) == (0, 0)
