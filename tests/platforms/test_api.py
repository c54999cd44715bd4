from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.platforms.models import Platform, PlatformUniversity
from tests.actors import university_admin, zone_admin
from tests.conftest import ClientFor
from tests.factories import (
    create_enterprise,
    create_pairing,
    create_platform,
    create_university,
    create_zone,
    version_of,
)


def members(session: Session, platform_id: int) -> list[int]:
    session.expire_all()
    return list(
        session.scalars(
            select(PlatformUniversity.university_id)
            .where(PlatformUniversity.platform_id == platform_id)
            .order_by(PlatformUniversity.position)
        )
    )


def test_create_platform_with_universities(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session, name="江阴高新区")
    wxu = create_university(session, name="无锡学院")
    seu = create_university(session, name="东南大学")
    pairing = create_pairing(session, zone=zone, universities=[wxu, seu])
    resp = admin_client.post(
        "/api/v1/platforms",
        json={
            "name": "集成电路测试联合实验室",
            "zone_id": zone.id,
            "university_ids": [wxu.id, seu.id],
            "pairing_id": pairing.id,
            "kind": "联合实验室",
            "level": "市级",
            "established_date": "2025-09-20",
            "industry_codes": ["c3973"],
            "task_area": "创新资源共享",
            "shared_instruments": 12,
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["kind"], body["level"], body["task_area"]) == (
        "joint_lab",
        "municipal",
        "resource_sharing",
    )
    assert body["university_names"] == ["无锡学院", "东南大学"]
    assert body["zone_name"] == "江阴高新区"
    assert body["industry_codes"] == ["C3973"]
    assert members(session, body["id"]) == [wxu.id, seu.id]
    bad = admin_client.post(
        "/api/v1/platforms",
        json={
            "name": "负数仪器",
            "zone_id": zone.id,
            "university_ids": [wxu.id],
            "kind": "中试平台",
            "shared_instruments": -1,
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"shared_instruments"}
    outside = admin_client.post(
        "/api/v1/platforms",
        json={
            "name": "结对外高校",
            "zone_id": zone.id,
            "university_ids": [wxu.id, create_university(session).id],
            "pairing_id": pairing.id,
            "kind": "联合实验室",
        },
    )
    assert outside.json()["fields"] == {"pairing_id": "所填高校不在该结对中"}
    assert session.scalar(select(func.count()).select_from(Platform)) == 1


def test_member_university_edits_but_cannot_drop_itself(
    client_for: ClientFor, session: Session
) -> None:
    a, b, outsider = (create_university(session) for _ in range(3))
    platform = create_platform(session, universities=[a, b])
    client = client_for(university_admin(b.id))
    ok = client.patch(
        f"/api/v1/platforms/{platform.id}",
        json={"version": version_of(session, platform), "shared_instruments": 5},
    )
    assert ok.status_code == 200, ok.text
    dropped = client.patch(
        f"/api/v1/platforms/{platform.id}",
        json={"version": version_of(session, platform), "university_ids": [a.id]},
    )
    assert dropped.status_code == 403
    assert members(session, platform.id) == [a.id, b.id]
    outsider_client = client_for(university_admin(outsider.id))
    assert outsider_client.get(f"/api/v1/platforms/{platform.id}").status_code == 404
    denied = outsider_client.patch(
        f"/api/v1/platforms/{platform.id}",
        json={"version": version_of(session, platform), "note": "x"},
    )
    assert denied.status_code == 404
    created = outsider_client.post(
        "/api/v1/platforms",
        json={
            "name": "不含本校的平台",
            "zone_id": platform.zone_id,
            "university_ids": [a.id],
            "kind": "其他",
        },
    )
    assert created.status_code == 403
    session.expire_all()
    row = session.get(Platform, platform.id)
    assert row is not None and (row.shared_instruments, row.note, row.version) == (5, None, 2)
    assert session.scalar(select(func.count()).select_from(Platform)) == 1


def test_zone_admin_and_enterprise_scope(client_for: ClientFor, session: Session) -> None:
    zone = create_zone(session)
    own, other = create_platform(session, zone=zone), create_platform(session)
    client = client_for(zone_admin(own.zone_id))
    assert [i["id"] for i in client.get("/api/v1/platforms").json()["items"]] == [own.id]
    assert client.get(f"/api/v1/platforms/{other.id}").status_code == 404
    moved = client.patch(
        f"/api/v1/platforms/{own.id}",
        json={"version": version_of(session, own), "zone_id": other.zone_id},
    )
    assert moved.status_code == 403
    ent = create_enterprise(session, zone=zone)
    ent_client = client_for(
        Actor(role=Role.ENTERPRISE_USER, user_id=43, username="e", enterprise_id=ent.id)
    )
    assert [i["id"] for i in ent_client.get("/api/v1/platforms").json()["items"]] == [own.id]
    assert (
        ent_client.patch(
            f"/api/v1/platforms/{own.id}", json={"version": version_of(session, own), "note": "x"}
        ).status_code
        == 403
    )
    session.expire_all()
    row = session.get(Platform, own.id)
    assert row is not None and (row.zone_id, row.note) == (own.zone_id, None)


def test_filters(client_for: ClientFor, session: Session) -> None:
    uni = create_university(session)
    p1 = create_platform(
        session, universities=[uni], established_date=dt.date(2025, 9, 1), kind="pilot_scale"
    )
    p2 = create_platform(session, established_date=dt.date(2026, 2, 1), level="provincial")
    client = client_for(Actor(role=Role.AUDITOR, user_id=44, username="a"))

    def ids(params: dict[str, object]) -> list[int]:
        return [i["id"] for i in client.get("/api/v1/platforms", params=params).json()["items"]]

    assert ids({"university_id": uni.id}) == [p1.id]
    assert ids({"year": 2026}) == [p2.id]
    assert ids({"kind": "pilot_scale"}) == [p1.id]
    assert ids({"level": "provincial"}) == [p2.id]
    assert ids({"sort": "-established_date"}) == [p2.id, p1.id]
