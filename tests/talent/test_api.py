from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.talent.models import Resident
from shuanggao.talent.service import count_residents
from tests.conftest import ClientFor
from tests.factories import (
    create_pairing,
    create_resident,
    create_university,
    create_zone,
    version_of,
)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Resident)) or 0


def test_create_resident_with_labels_and_pairing(
    admin_client: TestClient, session: Session
) -> None:
    zone, uni = create_zone(session, name="南京建邺高新区"), create_university(session)
    pairing = create_pairing(session, zone=zone, universities=[uni])
    resp = admin_client.post(
        "/api/v1/residents",
        json={
            "person_name": "彭纪昌",
            "kind": "教师",
            "university_id": uni.id,
            "zone_id": zone.id,
            "pairing_id": pairing.id,
            "from_date": "2025-07-20",
            "role": "科技副总",
            "discipline_code": "0808",
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["kind"] == "teacher"
    assert body["zone_name"] == "南京建邺高新区"
    assert body["university_name"] == uni.name
    assert body["to_date"] is None
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "residents")).all()
    assert [e.action for e in events] == ["create"]


def test_leaving_before_arriving_is_refused(admin_client: TestClient, session: Session) -> None:
    zone, uni = create_zone(session), create_university(session)
    resp = admin_client.post(
        "/api/v1/residents",
        json={
            "person_name": "张三",
            "kind": "student",
            "university_id": uni.id,
            "zone_id": zone.id,
            "from_date": "2025-09-01",
            "to_date": "2025-08-31",
        },
    )
    assert resp.status_code == 422
    assert resp.json()["error"] == "validation_error"
    assert set(resp.json()["fields"]) == {"to_date"}
    assert _count(session) == 0


def test_update_checks_merged_dates(admin_client: TestClient, session: Session) -> None:
    resident = create_resident(session, from_date=dt.date(2025, 9, 1))
    bad = admin_client.patch(
        f"/api/v1/residents/{resident.id}",
        json={"version": version_of(session, resident), "to_date": "2025-08-01"},
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"to_date"}
    ok = admin_client.patch(
        f"/api/v1/residents/{resident.id}",
        json={"version": version_of(session, resident), "to_date": "2026-01-31"},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["to_date"] == "2026-01-31"
    assert ok.json()["version"] == 2


def test_pairing_of_another_zone_or_without_the_university_is_refused(
    admin_client: TestClient, session: Session
) -> None:
    zone, other_zone = create_zone(session), create_zone(session)
    uni, outsider = create_university(session), create_university(session)
    pairing = create_pairing(session, zone=zone, universities=[uni])
    base = {"person_name": "李四", "kind": "student", "from_date": "2025-09-01"}
    wrong_zone = admin_client.post(
        "/api/v1/residents",
        json={**base, "zone_id": other_zone.id, "university_id": uni.id, "pairing_id": pairing.id},
    )
    assert wrong_zone.status_code == 422
    assert set(wrong_zone.json()["fields"]) == {"pairing_id"}
    not_member = admin_client.post(
        "/api/v1/residents",
        json={**base, "zone_id": zone.id, "university_id": outsider.id, "pairing_id": pairing.id},
    )
    assert not_member.status_code == 422
    assert set(not_member.json()["fields"]) == {"pairing_id"}
    assert _count(session) == 0


def test_natural_key_is_unique(admin_client: TestClient, session: Session) -> None:
    resident = create_resident(session)
    resp = admin_client.post(
        "/api/v1/residents",
        json={
            "person_name": resident.person_name,
            "kind": "teacher",
            "university_id": resident.university_id,
            "zone_id": resident.zone_id,
            "from_date": resident.from_date.isoformat(),
        },
    )
    assert resp.status_code == 409
    assert resp.json()["error"] == "duplicate"
    assert _count(session) == 1


def test_zone_admin_sees_and_writes_only_own_zone(client_for: ClientFor, session: Session) -> None:
    own, other = create_zone(session), create_zone(session)
    uni = create_university(session)
    mine = create_resident(session, zone=own, university=uni)
    theirs = create_resident(session, zone=other, university=uni)
    client = client_for(Actor(role=Role.ZONE_ADMIN, user_id=3, username="z", zone_id=own.id))
    listed = client.get("/api/v1/residents").json()
    assert [r["id"] for r in listed["items"]] == [mine.id]
    assert client.get(f"/api/v1/residents/{theirs.id}").status_code == 404
    denied = client.post(
        "/api/v1/residents",
        json={
            "person_name": "王五",
            "kind": "student",
            "university_id": uni.id,
            "zone_id": other.id,
            "from_date": "2025-09-01",
        },
    )
    assert denied.status_code == 403
    moved = client.patch(
        f"/api/v1/residents/{mine.id}",
        json={"version": version_of(session, mine), "zone_id": other.id},
    )
    assert moved.status_code == 403
    session.expire_all()
    assert session.get(Resident, mine.id).zone_id == own.id  # type: ignore[union-attr]
    assert _count(session) == 2


def test_university_admin_sees_own_university(client_for: ClientFor, session: Session) -> None:
    zone = create_zone(session)
    uni, other_uni = create_university(session), create_university(session)
    mine = create_resident(session, zone=zone, university=uni)
    create_resident(session, zone=zone, university=other_uni)
    client = client_for(
        Actor(role=Role.UNIVERSITY_ADMIN, user_id=4, username="u", university_id=uni.id)
    )
    assert [r["id"] for r in client.get("/api/v1/residents").json()["items"]] == [mine.id]
    enterprise = client_for(Actor(role=Role.ENTERPRISE_USER, user_id=5, enterprise_id=1))
    assert enterprise.get("/api/v1/residents").json()["total"] == 0


def test_count_residents_on_a_date(session: Session, province: Actor) -> None:
    zone, other = create_zone(session), create_zone(session)
    uni = create_university(session)
    create_resident(session, zone=zone, university=uni, from_date=dt.date(2025, 7, 1))
    create_resident(
        session,
        zone=zone,
        university=uni,
        from_date=dt.date(2025, 7, 1),
        to_date=dt.date(2025, 9, 30),
    )
    create_resident(session, zone=zone, university=uni, from_date=dt.date(2025, 10, 1))
    create_resident(session, zone=other, university=uni, from_date=dt.date(2025, 8, 1))

    assert count_residents(session, province, dt.date(2025, 6, 30)) == 0
    assert count_residents(session, province, dt.date(2025, 9, 30)) == 3
    assert count_residents(session, province, dt.date(2025, 10, 1)) == 3
    assert count_residents(session, province, dt.date(2025, 10, 1), zone_id=zone.id) == 2
    zone_admin = Actor(role=Role.ZONE_ADMIN, user_id=2, zone_id=other.id)
    assert count_residents(session, zone_admin, dt.date(2025, 10, 1)) == 1
