from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.pairings.models import Pairing, PairingUniversity, PilotElement
from tests.actors import university_admin, zone_admin
from tests.conftest import ClientFor
from tests.factories import (
    create_enterprise,
    create_pairing,
    create_pilot_element,
    create_university,
    create_zone,
    version_of,
)


def links(session: Session, pairing_id: int) -> list[tuple[int, bool, int]]:
    session.expire_all()
    rows = session.scalars(
        select(PairingUniversity)
        .where(PairingUniversity.pairing_id == pairing_id)
        .order_by(PairingUniversity.position)
    )
    return [(r.university_id, r.is_lead, r.position) for r in rows]


def test_create_pairing_with_several_universities(
    admin_client: TestClient, session: Session
) -> None:
    zone = create_zone(session, name="盐城环保高新区", city="盐城市")
    nju = create_university(session, name="南京大学")
    ycit = create_university(session, name="盐城工学院")
    yctu = create_university(session, name="盐城师范学院")
    resp = admin_client.post(
        "/api/v1/pairings",
        json={
            "zone_id": zone.id,
            "university_ids": [nju.id, ycit.id, yctu.id, ycit.id],
            "lead_university_id": ycit.id,
            "batch": "2025 首批试点",
            "status": "实施中",
            "start_date": "2025-07-15",
            "industry_direction": "环保装备",
            "industry_codes": ["c3591"],
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["batch"] == "pilot_2025"
    assert body["status"] == "active"
    assert body["zone_name"] == "盐城环保高新区"
    assert body["zone_city"] == "盐城市"
    # The lead is listed first; duplicates are dropped.
    assert body["university_ids"] == [ycit.id, nju.id, yctu.id]
    assert body["university_names"] == ["盐城工学院", "南京大学", "盐城师范学院"]
    assert body["lead_university_id"] == ycit.id
    assert body["industry_codes"] == ["C3591"]
    assert body["title"] == "盐城环保高新区 × 盐城工学院、南京大学、盐城师范学院"
    assert links(session, body["id"]) == [
        (ycit.id, True, 0),
        (nju.id, False, 1),
        (yctu.id, False, 2),
    ]
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "pairings")).all()
    assert [e.action for e in events] == ["create"]
    assert events[0].after is not None
    assert events[0].after["university_names"] == ["盐城工学院", "南京大学", "盐城师范学院"]


def test_update_members_through_api(admin_client: TestClient, session: Session) -> None:
    a, b, c = (create_university(session) for _ in range(3))
    pairing = create_pairing(session, universities=[a, b])
    # Replace the members: the old lead (a) is gone, so the first listed (c) leads.
    resp = admin_client.patch(
        f"/api/v1/pairings/{pairing.id}",
        json={
            "university_ids": [c.id, b.id],
            "version": 1,
        },
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["university_ids"] == [c.id, b.id]
    assert body["lead_university_id"] == c.id
    assert body["version"] == 2
    assert links(session, pairing.id) == [(c.id, True, 0), (b.id, False, 1)]
    # Change only the lead.
    resp = admin_client.patch(
        f"/api/v1/pairings/{pairing.id}",
        json={"version": version_of(session, pairing), "lead_university_id": b.id},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["university_ids"] == [b.id, c.id]
    assert resp.json()["lead_university_id"] == b.id
    update = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "pairings", AuditEvent.action == "update")
    ).first()
    assert update is not None and update.before is not None and update.after is not None
    assert update.before["university_ids"] == [a.id, b.id]
    assert update.after["university_ids"] == [c.id, b.id]


def test_lead_must_be_a_member(admin_client: TestClient, session: Session) -> None:
    a, b = create_university(session), create_university(session)
    pairing = create_pairing(session, universities=[a])
    resp = admin_client.patch(
        f"/api/v1/pairings/{pairing.id}",
        json={"version": version_of(session, pairing), "lead_university_id": b.id},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"lead_university_id"}
    assert links(session, pairing.id) == [(a.id, True, 0)]
    zone = create_zone(session)
    resp = admin_client.post(
        "/api/v1/pairings",
        json={
            "zone_id": zone.id,
            "university_ids": [a.id],
            "lead_university_id": b.id,
            "batch": "pilot_2025",
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"lead_university_id"}


def test_unknown_zone_or_university_names_the_field(
    admin_client: TestClient, session: Session
) -> None:
    zone, uni = create_zone(session), create_university(session)
    resp = admin_client.post(
        "/api/v1/pairings",
        json={"zone_id": zone.id, "university_ids": [uni.id, 999999], "batch": "pilot_2025"},
    )
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"university_ids": "高校不存在（编号：999999）"}
    resp = admin_client.post(
        "/api/v1/pairings",
        json={"zone_id": 999999, "university_ids": [uni.id], "batch": "pilot_2025"},
    )
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"zone_id": "高新区不存在"}
    resp = admin_client.post(
        "/api/v1/pairings", json={"zone_id": zone.id, "university_ids": [], "batch": "pilot_2025"}
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"university_ids"}
    assert session.scalar(select(func.count()).select_from(Pairing)) == 0


def test_one_pairing_per_zone_and_batch(admin_client: TestClient, session: Session) -> None:
    pairing = create_pairing(session)
    uni = create_university(session)
    resp = admin_client.post(
        "/api/v1/pairings",
        json={"zone_id": pairing.zone_id, "university_ids": [uni.id], "batch": "pilot_2025"},
    )
    assert resp.status_code == 409
    assert resp.json()["error"] == "duplicate"
    assert session.scalar(select(func.count()).select_from(Pairing)) == 1
    other_batch = admin_client.post(
        "/api/v1/pairings",
        json={"zone_id": pairing.zone_id, "university_ids": [uni.id], "batch": "2026 扩面"},
    )
    assert other_batch.status_code == 201


def test_list_filters_by_member_university_year_and_status(
    admin_client: TestClient, session: Session
) -> None:
    a, b = create_university(session), create_university(session)
    p1 = create_pairing(session, universities=[a, b], start_date=dt.date(2025, 7, 15))
    p2 = create_pairing(session, universities=[b], start_date=dt.date(2026, 3, 1))
    p3 = create_pairing(session, universities=[a], status="terminated")

    def ids(params: dict[str, object]) -> list[int]:
        resp = admin_client.get("/api/v1/pairings", params=params)
        return [i["id"] for i in resp.json()["items"]]

    assert ids({"university_id": a.id}) == [p1.id, p3.id]
    assert ids({"university_id": b.id}) == [p1.id, p2.id]
    assert ids({"year": 2026}) == [p2.id]
    assert ids({"status": "terminated"}) == [p3.id]
    assert ids({"zone_id": p2.zone_id}) == [p2.id]
    body = admin_client.get("/api/v1/pairings", params={"university_id": a.id}).json()
    assert body["items"][0]["university_names"] == [a.name, b.name]


def test_zone_admin_scope(client_for: ClientFor, session: Session) -> None:
    own, other = create_pairing(session), create_pairing(session)
    client = client_for(zone_admin(own.zone_id))
    listed = client.get("/api/v1/pairings").json()
    assert [i["id"] for i in listed["items"]] == [own.id]
    assert listed["total"] == 1
    assert client.get(f"/api/v1/pairings/{other.id}").status_code == 404
    denied = client.patch(
        f"/api/v1/pairings/{other.id}", json={"version": version_of(session, other), "note": "篡改"}
    )
    assert denied.status_code == 404
    assert (
        client.patch(
            f"/api/v1/pairings/{own.id}",
            json={"version": version_of(session, own), "note": "已签约"},
        ).status_code
        == 200
    )
    # May not move their pairing to another zone, nor create one for another zone.
    moved = client.patch(
        f"/api/v1/pairings/{own.id}",
        json={"version": version_of(session, own), "zone_id": other.zone_id},
    )
    assert moved.status_code == 403
    uni = create_university(session)
    created = client.post(
        "/api/v1/pairings",
        json={"zone_id": other.zone_id, "university_ids": [uni.id], "batch": "2026 扩面"},
    )
    assert created.status_code == 403
    session.expire_all()
    assert session.get(Pairing, other.id).note is None  # type: ignore[union-attr]
    assert session.get(Pairing, own.id).zone_id == own.zone_id  # type: ignore[union-attr]
    # Only the province removes a pairing from the programme.
    assert client.delete(f"/api/v1/pairings/{own.id}").status_code == 403
    assert session.scalar(select(func.count()).select_from(Pairing)) == 2


def test_university_roles_read_their_pairings_only(client_for: ClientFor, session: Session) -> None:
    uni = create_university(session)
    mine = create_pairing(session, universities=[create_university(session), uni])
    theirs = create_pairing(session)
    client = client_for(university_admin(uni.id))
    assert [i["id"] for i in client.get("/api/v1/pairings").json()["items"]] == [mine.id]
    assert client.get(f"/api/v1/pairings/{theirs.id}").status_code == 404
    # University administrators take part in a pairing but do not edit it.
    denied = client.patch(
        f"/api/v1/pairings/{mine.id}", json={"version": version_of(session, mine), "note": "改"}
    )
    assert denied.status_code == 403
    session.expire_all()
    assert session.get(Pairing, mine.id).note is None  # type: ignore[union-attr]
    researcher = client_for(
        Actor(role=Role.RESEARCHER, user_id=13, username="r", university_id=uni.id)
    )
    assert researcher.get(f"/api/v1/pairings/{mine.id}").status_code == 200


def test_enterprise_user_reads_pairings_of_its_zone(
    client_for: ClientFor, session: Session
) -> None:
    mine, other = create_pairing(session), create_pairing(session)
    enterprise = create_enterprise(session, zone=mine.zone)
    client = client_for(
        Actor(role=Role.ENTERPRISE_USER, user_id=14, username="e", enterprise_id=enterprise.id)
    )
    assert [i["id"] for i in client.get("/api/v1/pairings").json()["items"]] == [mine.id]
    assert client.get(f"/api/v1/pairings/{other.id}").status_code == 404


def test_board_shows_five_slots(admin_client: TestClient, session: Session) -> None:
    pairing = create_pairing(session)
    create_pilot_element(
        session, pairing, kind="industry_direction", title="集成电路", status="landed"
    )
    create_pilot_element(
        session, pairing, kind="benchmark_projects", title="项目甲", status="in_progress"
    )
    create_pilot_element(
        session, pairing, kind="benchmark_projects", title="项目乙", status="landed"
    )
    create_pilot_element(
        session, pairing, kind="platform", title="联合实验室", status="in_progress"
    )
    resp = admin_client.get(f"/api/v1/pairings/{pairing.id}/board")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["pairing"]["id"] == pairing.id
    slots = {s["kind"]: s for s in body["slots"]}
    assert [s["kind"] for s in body["slots"]] == [
        "industry_direction",
        "platform",
        "leading_talent",
        "conversion_fund",
        "benchmark_projects",
    ]
    assert slots["industry_direction"]["status"] == "landed"
    assert slots["platform"]["status"] == "in_progress"
    assert slots["leading_talent"] == {
        "kind": "leading_talent",
        "kind_label": "一名领军人才",
        "status": "not_started",
        "status_label": "未启动",
        "items": [],
    }
    assert slots["conversion_fund"]["status"] == "not_started"
    assert slots["benchmark_projects"]["status"] == "landed"
    assert [i["title"] for i in slots["benchmark_projects"]["items"]] == ["项目甲", "项目乙"]
    assert body["landed"] == 2


def test_board_is_scoped(client_for: ClientFor, session: Session) -> None:
    own, other = create_pairing(session), create_pairing(session)
    client = client_for(zone_admin(own.zone_id))
    assert client.get(f"/api/v1/pairings/{own.id}/board").status_code == 200
    assert client.get(f"/api/v1/pairings/{other.id}/board").status_code == 404
    assert client.get("/api/v1/pairings/999999/board").status_code == 404


def test_pilot_elements_written_by_zone_and_member_universities(
    client_for: ClientFor, session: Session
) -> None:
    member, outsider = create_university(session), create_university(session)
    pairing = create_pairing(session, universities=[member])
    other = create_pairing(session)
    payload = {
        "pairing_id": pairing.id,
        "kind": "一名领军人才",
        "title": "张院士团队",
        "status": "推进中",
    }
    uni_client = client_for(university_admin(member.id))
    resp = uni_client.post("/api/v1/pilot_elements", json=payload)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["kind"] == "leading_talent"
    assert body["status"] == "in_progress"
    assert body["zone_name"] == pairing.zone.name
    assert body["pairing_title"] == pairing.title
    element_id = body["id"]
    # Duplicate (pairing, kind, title).
    dup = uni_client.post("/api/v1/pilot_elements", json=payload)
    assert dup.status_code == 409
    # A university outside the pairing, and a zone administrator of another zone, cannot.
    outsider_client = client_for(university_admin(outsider.id))
    resp = outsider_client.post("/api/v1/pilot_elements", json={**payload, "title": "别人"})
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"pairing_id": "结对不存在"}
    assert outsider_client.get(f"/api/v1/pilot_elements/{element_id}").status_code == 404
    other_zone = client_for(zone_admin(other.zone_id))
    resp = other_zone.patch(
        f"/api/v1/pilot_elements/{element_id}", json={"status": "已落地", "version": 1}
    )
    assert resp.status_code == 404
    # Nor move an item into a pairing they cannot see.
    resp = client_for(zone_admin(pairing.zone_id)).patch(
        f"/api/v1/pilot_elements/{element_id}", json={"pairing_id": other.id, "version": 1}
    )
    assert resp.status_code == 422
    session.expire_all()
    element = session.get(PilotElement, element_id)
    assert element is not None
    assert (element.pairing_id, element.status, element.title) == (
        pairing.id,
        "in_progress",
        "张院士团队",
    )
    assert session.scalar(select(func.count()).select_from(PilotElement)) == 1
    landed = client_for(zone_admin(pairing.zone_id)).patch(
        f"/api/v1/pilot_elements/{element_id}",
        json={"status": "已落地", "status_date": "2025-11-01", "version": 1},
    )
    assert landed.status_code == 200 and landed.json()["status"] == "landed"


def test_auditor_reads_but_cannot_write(client_for: ClientFor, session: Session) -> None:
    pairing = create_pairing(session)
    client = client_for(Actor(role=Role.AUDITOR, user_id=15, username="a"))
    assert client.get(f"/api/v1/pairings/{pairing.id}/board").status_code == 200
    assert client.delete(f"/api/v1/pairings/{pairing.id}").status_code == 403
    assert session.scalar(select(func.count()).select_from(Pairing)) == 1


def test_deleting_a_pairing_removes_its_links_and_board(
    admin_client: TestClient, session: Session
) -> None:
    pairing = create_pairing(session, universities=[create_university(session)])
    create_pilot_element(session, pairing)
    resp = admin_client.delete(f"/api/v1/pairings/{pairing.id}")
    assert resp.status_code == 204, resp.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Pairing)) == 0
    assert session.scalar(select(func.count()).select_from(PairingUniversity)) == 0
    assert session.scalar(select(func.count()).select_from(PilotElement)) == 0


def test_a_paired_zone_cannot_be_deleted(admin_client: TestClient, session: Session) -> None:
    pairing = create_pairing(session)
    resp = admin_client.delete(f"/api/v1/zones/{pairing.zone_id}")
    assert resp.status_code == 409
    assert resp.json()["error"] == "in_use"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Pairing)) == 1


def test_search_and_sort_by_zone_name(admin_client: TestClient, session: Session) -> None:
    # Digits first, so every database collation sorts the names the same way.
    b = create_pairing(session, zone=create_zone(session, name="2 苏州工业园区"))
    create_pairing(session, zone=create_zone(session, name="1 常州高新区"))
    resp = admin_client.get("/api/v1/pairings", params={"q": "苏州"})
    assert [i["id"] for i in resp.json()["items"]] == [b.id]
    resp = admin_client.get("/api/v1/pairings", params={"sort": "-zone_name"})
    assert [i["zone_name"] for i in resp.json()["items"]] == ["2 苏州工业园区", "1 常州高新区"]


def test_out_of_range_ids_are_field_errors(admin_client: TestClient, session: Session) -> None:
    uni = create_university(session)
    resp = admin_client.post(
        "/api/v1/pairings",
        json={"zone_id": 2**40, "university_ids": [uni.id, 2**63], "batch": "pilot_2025"},
    )
    assert resp.status_code == 422
    assert resp.json()["fields"] == {
        "zone_id": "不能大于 2147483647",
        "university_ids": "不能大于 2147483647",
    }
    assert admin_client.get(f"/api/v1/pairings/{2**40}/board").status_code == 422
    assert (
        admin_client.get("/api/v1/enterprises_served", params={"zone_id": 2**40}).status_code == 422
    )
    # The generic register routes bound their integer filters and ids the same way (kit/api.py).
    assert admin_client.get("/api/v1/projects", params={"zone_id": 2**63}).status_code == 422
    assert admin_client.get(f"/api/v1/platforms/{2**63}").status_code == 422
    assert admin_client.get("/api/v1/pairings", params={"page": 2**63}).status_code == 422


def test_nul_characters_are_field_errors(admin_client: TestClient, session: Session) -> None:
    zone, uni = create_zone(session), create_university(session)
    resp = admin_client.post(
        "/api/v1/pairings",
        json={
            "zone_id": zone.id,
            "university_ids": [uni.id],
            "batch": "pilot_2025",
            "industry_direction": "集成\x00电路",
        },
    )
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"industry_direction": "不能包含空字符"}
    resp = admin_client.get("/api/v1/projects", params={"q": "a\x00", "kind": "\x00"})
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"q": "不能包含空字符", "kind": "不能包含空字符"}
    assert session.scalar(select(func.count()).select_from(Pairing)) == 0


def test_pilot_boards_matrix(client_for: ClientFor, session: Session) -> None:
    a = create_pairing(session, zone=create_zone(session, name="甲区"))
    b = create_pairing(session, zone=create_zone(session, name="乙区"), batch="expansion_2026")
    create_pilot_element(session, a, kind="industry_direction", title="方向", status="landed")
    create_pilot_element(session, a, kind="benchmark_projects", title="一", status="in_progress")
    create_pilot_element(session, a, kind="benchmark_projects", title="二", status="not_started")
    client = client_for(Actor(role=Role.AUDITOR, user_id=16, username="a"))
    body = client.get("/api/v1/pilot_boards").json()
    assert [row["pairing_id"] for row in body] == [a.id, b.id]
    row = body[0]
    assert (row["zone_name"], row["batch"], row["status"], row["landed"]) == (
        "甲区",
        "pilot_2025",
        "active",
        1,
    )
    assert [(s["kind"], s["status"], s["items"]) for s in row["slots"]] == [
        ("industry_direction", "landed", 1),
        ("platform", "not_started", 0),
        ("leading_talent", "not_started", 0),
        ("conversion_fund", "not_started", 0),
        ("benchmark_projects", "in_progress", 2),
    ]
    assert [s["status"] for s in body[1]["slots"]] == ["not_started"] * 5
    only_2026 = client.get("/api/v1/pilot_boards", params={"batch": "expansion_2026"}).json()
    assert [r["pairing_id"] for r in only_2026] == [b.id]
    zone_client = client_for(zone_admin(b.zone_id))
    assert [r["pairing_id"] for r in zone_client.get("/api/v1/pilot_boards").json()] == [b.id]
