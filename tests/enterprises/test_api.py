from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.enterprises.models import Enterprise, EnterpriseService
from tests.actors import enterprise_user, university_admin, zone_admin
from tests.conftest import ClientFor
from tests.factories import (
    create_enterprise,
    create_enterprise_service,
    create_pairing,
    create_project,
    create_university,
    create_zone,
    valid_credit_code,
    version_of,
)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_enterprise_normalizes_code_and_masks_phone_in_audit(
    admin_client: TestClient, session: Session
) -> None:
    zone = create_zone(session, name="南京建邺高新区")
    resp = admin_client.post(
        "/api/v1/enterprises",
        json={
            "name": "江苏林洋储能技术有限公司",
            "credit_code": "91110000802100433b",
            "zone_id": zone.id,
            "industry_code": "c3841",
            "is_high_tech": True,
            "contact_person": "张工",
            "phone": "13912345678",
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["credit_code"] == "91110000802100433B"
    assert body["industry_code"] == "C3841"
    assert body["zone_name"] == "南京建邺高新区"
    # The province administrator keeps no enterprise contacts: the phone shows masked
    # (kit.personal); the stored value is whole.
    assert body["phone"] == "139****5678"
    assert session.get(Enterprise, body["id"]).phone == "13912345678"
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "enterprises")).one()
    assert event.after is not None
    assert event.after["phone"] == "139******78"


def test_bad_credit_code_is_refused_with_the_field(
    admin_client: TestClient, session: Session
) -> None:
    zone = create_zone(session)
    for code, message in [
        ("91110000802100433C", "统一社会信用代码校验位不正确"),
        ("91110000802I00433B", "统一社会信用代码含有不允许的字符：I（不使用 I、O、Z、S、V）"),
        ("9111000080210043", "统一社会信用代码应为 18 位（当前 16 位）"),
    ]:
        resp = admin_client.post(
            "/api/v1/enterprises", json={"name": "某企业", "credit_code": code, "zone_id": zone.id}
        )
        assert resp.status_code == 422
        assert resp.json()["fields"] == {"credit_code": message}
    assert count(session, Enterprise) == 0


def test_duplicate_credit_code(admin_client: TestClient, session: Session) -> None:
    existing = create_enterprise(session)
    resp = admin_client.post(
        "/api/v1/enterprises",
        json={"name": "另一家", "credit_code": existing.credit_code, "zone_id": existing.zone_id},
    )
    assert resp.status_code == 409
    assert resp.json()["error"] == "duplicate"
    assert count(session, Enterprise) == 1


def test_unknown_zone_name_in_a_file_row_does_not_resolve(session: Session) -> None:
    from shuanggao.kit.register import get_register

    zone = create_zone(session, name="常州高新区", full_name="常州国家高新技术产业开发区")
    columns = {c.header: c for c in get_register("enterprises").columns}
    ref = columns["所属高新区"].ref
    assert ref is not None and columns["所属高新区"].required
    assert ref.resolve(session, "常州高新区") == zone.id
    assert ref.resolve(session, "常州国家高新技术产业开发区") == zone.id
    assert ref.resolve(session, "火星高新区") is None
    assert [c.header for c in columns.values() if c.required] == [
        "企业名称",
        "统一社会信用代码",
        "所属高新区",
    ]


def test_zone_admin_scope(client_for: ClientFor, session: Session) -> None:
    own, other = create_enterprise(session), create_enterprise(session)
    client = client_for(zone_admin(own.zone_id))
    assert [i["id"] for i in client.get("/api/v1/enterprises").json()["items"]] == [own.id]
    assert client.get(f"/api/v1/enterprises/{other.id}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/enterprises/{other.id}",
            json={"version": version_of(session, other), "note": "x"},
        ).status_code
        == 404
    )
    created = client.post(
        "/api/v1/enterprises",
        json={
            "name": "外区企业",
            "credit_code": valid_credit_code(777001),
            "zone_id": other.zone_id,
        },
    )
    assert created.status_code == 403
    ok = client.post(
        "/api/v1/enterprises",
        json={"name": "本区企业", "credit_code": valid_credit_code(777002), "zone_id": own.zone_id},
    )
    assert ok.status_code == 201
    session.expire_all()
    assert session.get(Enterprise, other.id).note is None  # type: ignore[union-attr]
    assert count(session, Enterprise) == 3


def test_enterprise_user_edits_own_profile_only(client_for: ClientFor, session: Session) -> None:
    own, other = create_enterprise(session), create_enterprise(session)
    client = client_for(enterprise_user(own.id))
    assert [i["id"] for i in client.get("/api/v1/enterprises").json()["items"]] == [own.id]
    assert client.get(f"/api/v1/enterprises/{other.id}").status_code == 404
    ok = client.patch(
        f"/api/v1/enterprises/{own.id}",
        json={
            "version": version_of(session, own),
            "address": "南京市江宁区",
            "phone": "025-5211111",
        },
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["address"] == "南京市江宁区"
    code = client.patch(
        f"/api/v1/enterprises/{own.id}",
        json={"version": version_of(session, own), "credit_code": valid_credit_code(777003)},
    )
    assert code.status_code == 403
    assert set(code.json()["fields"]) == {"credit_code"}
    moved = client.patch(
        f"/api/v1/enterprises/{own.id}",
        json={"version": version_of(session, own), "zone_id": other.zone_id},
    )
    assert moved.status_code == 403
    assert client.delete(f"/api/v1/enterprises/{own.id}").status_code == 403
    created = client.post(
        "/api/v1/enterprises",
        json={"name": "新企业", "credit_code": valid_credit_code(777004), "zone_id": own.zone_id},
    )
    assert created.status_code == 403
    session.expire_all()
    row = session.get(Enterprise, own.id)
    assert row is not None
    assert (row.credit_code, row.zone_id, row.version) == (own.credit_code, own.zone_id, 2)
    assert count(session, Enterprise) == 2


def test_university_reads_enterprises_it_works_with(
    client_for: ClientFor, session: Session
) -> None:
    uni = create_university(session)
    paired_zone, far_zone = create_zone(session), create_zone(session)
    create_pairing(session, zone=paired_zone, universities=[uni])
    in_paired_zone = create_enterprise(
        session, zone=paired_zone, contact_person="张工", phone="13912345678"
    )
    served = create_enterprise(session, zone=far_zone)
    create_enterprise_service(session, served, uni)
    in_project = create_enterprise(session, zone=far_zone)
    create_project(session, zone=far_zone, university=uni, enterprises=[in_project])
    stranger = create_enterprise(session, zone=far_zone)
    client = client_for(university_admin(uni.id))
    ids = [i["id"] for i in client.get("/api/v1/enterprises").json()["items"]]
    assert ids == [in_paired_zone.id, served.id, in_project.id]
    # Personal data stays with the zone: university roles see the profile without it.
    shown = client.get(f"/api/v1/enterprises/{in_paired_zone.id}").json()
    assert (shown["name"], shown["contact_person"], shown["phone"]) == (
        in_paired_zone.name,
        None,
        None,
    )
    assert client.get(f"/api/v1/enterprises/{stranger.id}").status_code == 404
    # University administrators read enterprise profiles but do not edit them.
    denied = client.patch(
        f"/api/v1/enterprises/{served.id}",
        json={"version": version_of(session, served), "note": "x"},
    )
    assert denied.status_code == 403
    session.expire_all()
    assert session.get(Enterprise, served.id).note is None  # type: ignore[union-attr]


def test_service_records_and_enterprises_served(
    client_for: ClientFor, admin_client: TestClient, session: Session
) -> None:
    uni, other_uni = create_university(session), create_university(session)
    zone = create_zone(session)
    pairing = create_pairing(session, zone=zone, universities=[uni])
    ent = create_enterprise(session, zone=zone)
    client = client_for(university_admin(uni.id))
    payload = {
        "enterprise_id": ent.id,
        "zone_id": zone.id,
        "university_id": uni.id,
        "pairing_id": pairing.id,
        "service_date": "2025-10-15",
        "kind": "检测服务",
        "task_area": "科技成果转化",
        "description": "储能电池安全性能检测",
    }
    resp = client.post("/api/v1/enterprise_services", json=payload)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["kind"] == "testing"
    assert body["task_area"] == "achievement_transfer"
    assert body["enterprise_name"] == ent.name
    assert body["credit_code"] == ent.credit_code
    assert body["university_name"] == uni.name
    assert body["zone_name"] == zone.name
    # Same natural key again.
    assert client.post("/api/v1/enterprise_services", json=payload).status_code == 409
    # Recording a service on behalf of another university is refused.
    other = client.post(
        "/api/v1/enterprise_services", json={**payload, "university_id": other_uni.id}
    )
    assert other.status_code == 403
    # The zone must be the enterprise's; the pairing must contain the university.
    # (``client_for`` sets who acts for every client, so switch back to the province first.)
    admin_client = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"))
    wrong_zone = admin_client.post(
        "/api/v1/enterprise_services",
        json={**payload, "zone_id": create_zone(session).id, "pairing_id": None},
    )
    assert wrong_zone.status_code == 422
    assert wrong_zone.json()["fields"] == {"zone_id": "该企业不属于所填高新区"}
    outside = admin_client.post(
        "/api/v1/enterprise_services",
        json={**payload, "university_id": other_uni.id, "kind": "技术咨询"},
    )
    assert outside.status_code == 422
    assert outside.json()["fields"] == {"pairing_id": "服务高校不在该结对中"}
    assert count(session, EnterpriseService) == 1
    # The served enterprise reads its own service records.
    ent_client = client_for(enterprise_user(ent.id))
    assert ent_client.get("/api/v1/enterprise_services").json()["total"] == 1
    assert ent_client.post("/api/v1/enterprise_services", json=payload).status_code == 403


def test_enterprises_served_counts_distinct_enterprises(
    client_for: ClientFor, admin_client: TestClient, session: Session
) -> None:
    from shuanggao.enterprises.service import count_enterprises_served

    zone_a, zone_b = create_zone(session), create_zone(session)
    uni1, uni2 = create_university(session), create_university(session)
    e1, e2 = create_enterprise(session, zone=zone_a), create_enterprise(session, zone=zone_a)
    e3 = create_enterprise(session, zone=zone_b)
    create_enterprise_service(session, e1, uni1, service_date=dt.date(2025, 3, 1))
    create_enterprise_service(session, e1, uni2, service_date=dt.date(2025, 4, 1))
    create_enterprise_service(session, e1, uni1, service_date=dt.date(2025, 9, 1), kind="testing")
    create_enterprise_service(session, e2, uni1, service_date=dt.date(2025, 12, 1))
    create_enterprise_service(session, e3, uni2, service_date=dt.date(2025, 6, 1))
    system = Actor.system()
    assert count_enterprises_served(session, system, dt.date(2025, 11, 30)) == 2
    assert count_enterprises_served(session, system, dt.date(2025, 12, 31)) == 3
    assert count_enterprises_served(session, system, dt.date(2025, 2, 28)) == 0
    assert count_enterprises_served(session, system, dt.date(2025, 12, 31), zone_a.id) == 2
    resp = admin_client.get("/api/v1/enterprises_served", params={"as_of": "2025-11-30"})
    assert resp.json() == {
        "as_of": "2025-11-30",
        "zone_id": None,
        "enterprises_served": 2,
        "services": 4,
    }
    # Scoped: a university counts the enterprises it served itself.
    uni_client = client_for(university_admin(uni2.id))
    resp = uni_client.get("/api/v1/enterprises_served", params={"as_of": "2025-12-31"})
    assert (resp.json()["enterprises_served"], resp.json()["services"]) == (2, 2)
    admin_client = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"))
    by_year = admin_client.get(
        "/api/v1/enterprise_services", params={"year": 2025, "kind": "testing"}
    )
    assert by_year.json()["total"] == 1
