from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.reports.models import PeriodicReport
from tests.conftest import ClientFor
from tests.factories import create_pairing, create_report, create_university, create_zone

ARTICLE = {
    "scope": "全省",
    "period_start": "2025-07-01",
    "period_end": "2025-11-30",
    "as_of_date": "2025-11-30",
    "zones": 18,
    "universities": 37,
    "pairings": 51,
    "projects": 342,
    "platforms": 58,
    "residents": 1000,
    "enterprises_served": 560,
    "funding_yuan": "750000000",
    "qualifiers": "常驻园区师生=多；服务企业=超",
    "source_url": "https://example.org/article",
}


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PeriodicReport)) or 0


def test_draft_submit_approve(admin_client: TestClient, session: Session) -> None:
    made = admin_client.post("/api/v1/reports", json=ARTICLE)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "draft"
    assert body["scope"] == "programme"
    assert body["qualifiers"] == {"residents": "多", "enterprises_served": "超"}
    assert body["funding_yuan"] == "750000000.00"
    rid = body["id"]
    missing = admin_client.post(f"/api/v1/reports/{rid}/approve")
    assert missing.status_code == 428
    assert missing.json()["error"] == "version_required"
    assert missing.json()["current_version"] == 1
    early = admin_client.post(f"/api/v1/reports/{rid}/approve", json={"version": 1})
    assert early.status_code == 409
    assert early.json()["error"] == "conflict"
    submitted = admin_client.post(f"/api/v1/reports/{rid}/submit", json={"version": 1})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_by"] == "province"
    assert submitted.json()["version"] == 2
    stale = admin_client.post(f"/api/v1/reports/{rid}/approve", json={"version": 1})
    assert stale.status_code == 409
    approved = admin_client.post(
        f"/api/v1/reports/{rid}/approve", json={"comment": "数据核实", "version": 2}
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == "province"
    assert approved.json()["approved_at"] is not None
    locked = admin_client.patch(
        f"/api/v1/reports/{rid}", json={"projects": 343, "version": approved.json()["version"]}
    )
    assert locked.status_code == 409
    session.expire_all()
    assert session.get(PeriodicReport, rid).projects == 342  # type: ignore[union-attr]
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "reports").order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "submit", "approve"]


def test_scope_fields_must_agree(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session)
    programme_with_zone = admin_client.post("/api/v1/reports", json={**ARTICLE, "zone_id": zone.id})
    assert programme_with_zone.status_code == 422
    assert set(programme_with_zone.json()["fields"]) == {"zone_id"}
    zone_without = admin_client.post("/api/v1/reports", json={**ARTICLE, "scope": "高新区"})
    assert set(zone_without.json()["fields"]) == {"zone_id"}
    other = create_zone(session)
    pairing = create_pairing(session, zone=zone, universities=[create_university(session)])
    wrong = admin_client.post(
        "/api/v1/reports",
        json={**ARTICLE, "scope": "pairing", "zone_id": other.id, "pairing_id": pairing.id},
    )
    assert set(wrong.json()["fields"]) == {"pairing_id"}
    backwards = admin_client.post(
        "/api/v1/reports", json={**ARTICLE, "period_end": "2025-06-30", "as_of_date": "2025-07-01"}
    )
    assert set(backwards.json()["fields"]) == {"period_end"}
    dangling = admin_client.post(
        "/api/v1/reports", json={**ARTICLE, "residents": None, "qualifiers": {"residents": "多"}}
    )
    assert set(dangling.json()["fields"]) == {"qualifiers"}
    unknown = admin_client.post("/api/v1/reports", json={**ARTICLE, "qualifiers": "学生人数=多"})
    assert set(unknown.json()["fields"]) == {"qualifiers"}
    negative = admin_client.post("/api/v1/reports", json={**ARTICLE, "projects": -1})
    assert set(negative.json()["fields"]) == {"projects"}
    assert _count(session) == 0


def test_natural_key_scope_and_period_end(admin_client: TestClient, session: Session) -> None:
    assert admin_client.post("/api/v1/reports", json=ARTICLE).status_code == 201
    dup = admin_client.post("/api/v1/reports", json={**ARTICLE, "projects": 1})
    assert dup.status_code == 409
    assert dup.json()["error"] == "duplicate"
    zone = create_zone(session)
    zone_report = admin_client.post(
        "/api/v1/reports", json={**ARTICLE, "scope": "zone", "zone_id": zone.id}
    )
    assert zone_report.status_code == 201
    assert _count(session) == 2


def test_zone_admin_drafts_and_submits_own_zone_only(
    client_for: ClientFor, session: Session
) -> None:
    own, other = create_zone(session), create_zone(session)
    client = client_for(Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=own.id))
    programme = client.post("/api/v1/reports", json=ARTICLE)
    assert programme.status_code == 403
    foreign = client.post("/api/v1/reports", json={**ARTICLE, "scope": "zone", "zone_id": other.id})
    assert foreign.status_code == 403
    assert _count(session) == 0
    mine = client.post("/api/v1/reports", json={**ARTICLE, "scope": "zone", "zone_id": own.id})
    assert mine.status_code == 201, mine.text
    rid = mine.json()["id"]
    assert client.post(f"/api/v1/reports/{rid}/submit").status_code == 428
    submitted = client.post(f"/api/v1/reports/{rid}/submit", json={"version": 1})
    assert submitted.status_code == 200
    assert submitted.json()["submitted_by"] == "zone"
    assert client.post(f"/api/v1/reports/{rid}/approve", json={"version": 2}).status_code == 403
    assert client.delete(f"/api/v1/reports/{rid}").status_code == 403
    session.expire_all()
    assert session.get(PeriodicReport, rid).status == "submitted"  # type: ignore[union-attr]
    theirs = create_report(session, scope="zone", zone_id=other.id)
    assert client.get(f"/api/v1/reports/{theirs.id}").status_code == 404
    assert (
        client.post(f"/api/v1/reports/{theirs.id}/submit", json={"version": 1}).status_code == 404
    )
    session.expire_all()
    assert session.get(PeriodicReport, theirs.id).status == "draft"  # type: ignore[union-attr]


def test_province_returns_a_submitted_report(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session)
    report = create_report(
        session, scope="zone", zone_id=zone.id, status="submitted", submitted_by="zone"
    )
    silent = admin_client.post(f"/api/v1/reports/{report.id}/return", json={"version": 1})
    assert silent.status_code == 422
    assert set(silent.json()["fields"]) == {"comment"}
    back = admin_client.post(
        f"/api/v1/reports/{report.id}/return", json={"comment": "数字有误", "version": 1}
    )
    assert back.status_code == 200
    assert back.json()["status"] == "draft"
    assert back.json()["submitted_by"] is None
    assert back.json()["return_comment"] == "数字有误"
    again = admin_client.post(
        f"/api/v1/reports/{report.id}/return", json={"comment": "再退", "version": 2}
    )
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


def test_published_programme_report_is_readable_by_all(
    client_for: ClientFor, session: Session
) -> None:
    zone = create_zone(session)
    published = create_report(session, status="approved")
    create_report(session, status="draft", period_end=published.period_end.replace(day=29))
    zone_draft = create_report(session, scope="zone", zone_id=zone.id)
    enterprise = client_for(Actor(role=Role.ENTERPRISE_USER, user_id=8, enterprise_id=1))
    assert [r["id"] for r in enterprise.get("/api/v1/reports").json()["items"]] == [published.id]
    auditor = client_for(Actor(role=Role.AUDITOR, user_id=9))
    assert auditor.get("/api/v1/reports").json()["total"] == 3
    denied = auditor.post(f"/api/v1/reports/{zone_draft.id}/submit", json={"version": 1})
    assert denied.status_code == 403
