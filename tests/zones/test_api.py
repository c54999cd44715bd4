from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.zones.models import Zone
from tests.conftest import ClientFor
from tests.factories import create_zone, version_of


def test_create_zone_accepts_chinese_level_label(
    admin_client: TestClient, session: Session
) -> None:
    resp = admin_client.post(
        "/api/v1/zones",
        json={
            "name": "溧阳高新区",
            "level": "省级",
            "city": "常州市",
            "industry_codes": ["c3841"],
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["level"] == "provincial"
    assert body["industry_codes"] == ["C3841"]
    assert body["version"] == 1
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "zones")).all()
    assert [e.action for e in events] == ["create"]


def test_bad_industry_code_names_the_field(admin_client: TestClient) -> None:
    resp = admin_client.post(
        "/api/v1/zones",
        json={
            "name": "某高新区",
            "level": "national",
            "city": "南京市",
            "industry_codes": ["XYZ"],
        },
    )
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "validation_error"
    assert set(body["fields"]) == {"industry_codes"}


def test_duplicate_name_is_refused(admin_client: TestClient, session: Session) -> None:
    create_zone(session, name="无锡高新区")
    resp = admin_client.post(
        "/api/v1/zones",
        json={
            "name": "无锡高新区",
            "level": "national",
            "city": "无锡市",
        },
    )
    assert resp.status_code == 409
    assert resp.json()["error"] == "duplicate"
    assert (
        session.scalar(select(func.count()).select_from(Zone).where(Zone.name == "无锡高新区")) == 1
    )


def test_list_filters_search_and_pages(admin_client: TestClient, session: Session) -> None:
    for i in range(3):
        create_zone(session, name=f"南京测试{i}区", city="南京市")
    create_zone(session, name="苏州测试区", city="苏州市")
    resp = admin_client.get(
        "/api/v1/zones", params={"city": "南京市", "page_size": 2, "sort": "name"}
    )
    body = resp.json()
    assert resp.status_code == 200
    assert body["total"] == 3
    assert [z["name"] for z in body["items"]] == ["南京测试0区", "南京测试1区"]
    resp = admin_client.get("/api/v1/zones", params={"q": "苏州"})
    assert [z["name"] for z in resp.json()["items"]] == ["苏州测试区"]


def test_stale_version_is_a_conflict(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session)
    ok = admin_client.patch(
        f"/api/v1/zones/{zone.id}",
        json={"city": "无锡市", "version": 1},
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = admin_client.patch(
        f"/api/v1/zones/{zone.id}",
        json={"city": "常州市", "version": 1},
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == "conflict"
    assert admin_client.get(f"/api/v1/zones/{zone.id}").json()["city"] == "无锡市"


def test_zone_admin_edits_only_own_zone(client_for: ClientFor, session: Session) -> None:
    own, other = create_zone(session), create_zone(session)
    client = client_for(Actor(role=Role.ZONE_ADMIN, user_id=7, username="z", zone_id=own.id))
    assert (
        client.patch(
            f"/api/v1/zones/{own.id}",
            json={"version": version_of(session, own), "managing_body": "管委会"},
        ).status_code
        == 200
    )
    denied = client.patch(
        f"/api/v1/zones/{other.id}",
        json={"version": version_of(session, other), "managing_body": "篡改"},
    )
    assert denied.status_code == 403
    session.expire_all()
    assert session.get(Zone, other.id).managing_body is None  # type: ignore[union-attr]
    assert client.delete(f"/api/v1/zones/{own.id}").status_code == 403


def test_auditor_cannot_write(client_for: ClientFor, session: Session) -> None:
    zone = create_zone(session)
    client = client_for(Actor(role=Role.AUDITOR, user_id=9, username="a"))
    assert client.get(f"/api/v1/zones/{zone.id}").status_code == 200
    assert client.delete(f"/api/v1/zones/{zone.id}").status_code == 403


def test_enum_filter_takes_chinese_label(admin_client: TestClient, session: Session) -> None:
    create_zone(session, name="省级测试区", level="provincial")
    create_zone(session, name="国家级测试区", level="national")
    by_label = admin_client.get("/api/v1/zones", params={"level": "省级", "q": "测试区"}).json()
    by_value = admin_client.get(
        "/api/v1/zones", params={"level": "provincial", "q": "测试区"}
    ).json()
    assert [z["name"] for z in by_label["items"]] == ["省级测试区"]
    assert by_label == by_value
