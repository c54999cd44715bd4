"""The pipeline through the API: a match carried to 签订合同 creates the project with its origin;
versions, stage order, the confidentiality step, declines, each side's view, audit, tenancy."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.pipeline.models import Collaboration
from shuanggao.projects.models import Project
from tests.conftest import ClientFor
from tests.pipeline.world import World, build

BASE = "/api/v1/pipeline/collaborations"


def _start(client: TestClient, w: World) -> dict[str, Any]:
    resp = client.post(BASE, json={"match_id": w.match.id, "note": "会上达成意向"})
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _advance(client: TestClient, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    resp = client.post(f"{BASE}/{body['id']}/advance", json={"version": body["version"], **extra})
    assert resp.status_code == 200, resp.text
    out: dict[str, Any] = resp.json()
    return out


def test_match_to_contract_creates_the_project_with_its_origin(
    session: Session, client_for: ClientFor
) -> None:
    w = build(session)
    ent = client_for(w.ent)
    body = _start(ent, w)
    assert (body["origin"], body["stage"], body["status"]) == ("match", "intent", "active")
    assert (body["enterprise_id"], body["university_id"], body["pairing_id"]) == (
        w.enterprise.id,
        w.university.id,
        w.pairing.id,
    )
    # Starting the same pair again joins the same record.
    assert ent.post(BASE, json={"match_id": w.match.id}).json()["id"] == body["id"]
    for stage in ("contacted", "engaged", "intent_signed"):
        body = _advance(ent, body, stage=stage, owner="陈钊")
        assert body["project_id"] is None
    body = _advance(client_for(w.res), body, note="合同已签")
    assert body["stage"] == "contract_signed"
    project_id = body["project_id"]
    assert project_id is not None
    project = client_for(w.province).get(f"/api/v1/projects/{project_id}").json()
    assert (project["origin"], project["origin_collaboration_id"], project["origin_match_id"]) == (
        "match",
        body["id"],
        w.match.id,
    )
    assert project["enterprise_ids"] == [w.enterprise.id]
    assert project["university_leader"] == "彭老师"
    # 立项 links the same project and closes the collaboration.
    body = _advance(client_for(w.uni), body)
    assert (body["stage"], body["status"], body["project_id"]) == (
        "project_approved",
        "done",
        project_id,
    )
    assert session.scalar(select(func.count()).select_from(Project)) == 1
    assert [s["kind"] for s in body["steps"]] == ["start"] + ["advance"] * 5
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "collaborations")
    ).all()
    assert sorted(actions) == sorted(["create"] + ["advance"] * 5)
    resp = ent.post(f"{BASE}/{body['id']}/advance", json={"version": body["version"]})
    assert (resp.status_code, resp.json()["error"]) == (409, "collaboration_closed")


def test_versions_and_stage_order(session: Session, client_for: ClientFor) -> None:
    w = build(session)
    client = client_for(w.ent)
    body = _start(client, w)
    url = f"{BASE}/{body['id']}/advance"
    assert client.post(url, json={}).status_code == 428
    assert client.post(url, json={"version": body["version"] + 5}).status_code == 409
    resp = client.post(url, json={"version": body["version"], "stage": "已对接"})
    assert (resp.status_code, resp.json()["error"]) == (422, "stage_order")
    resp = client.post(url, json={"version": body["version"], "happened_date": "2999-01-01"})
    assert resp.status_code == 422 and "happened_date" in resp.json()["fields"]
    assert client.get(f"{BASE}/{body['id']}").json()["stage"] == "intent"


def test_confidential_need_requires_the_agreement(session: Session, client_for: ClientFor) -> None:
    w = build(session, visibility="admins")
    client = client_for(w.zone_admin)
    body = _start(client, w)
    assert body["confidential"] is True
    body = _advance(client, body)  # 已联系 needs no agreement yet
    resp = client.post(f"{BASE}/{body['id']}/advance", json={"version": body["version"]})
    assert (resp.status_code, resp.json()["error"]) == (409, "confidentiality_required")
    resp = client.post(f"{BASE}/{body['id']}/confidentiality", json={"version": body["version"]})
    assert resp.status_code == 200, resp.text
    body = _advance(client, resp.json())
    assert body["stage"] == "engaged" and body["nda_date"] is not None


def test_decline_and_views(session: Session, client_for: ClientFor) -> None:
    w = build(session)
    body = _start(client_for(w.ent), w)
    body = (
        client_for(w.ent)
        .post(
            f"{BASE}/{body['id']}/view",
            json={"version": body["version"], "stage": "已对接", "note": "技术方案已看过"},
        )
        .json()
    )
    body = (
        client_for(w.res)
        .post(f"{BASE}/{body['id']}/view", json={"version": body["version"], "stage": "已联系"})
        .json()
    )
    assert (body["enterprise_view_stage"], body["university_view_stage"]) == (
        "engaged",
        "contacted",
    )
    resp = client_for(w.zone_admin).post(
        f"{BASE}/{body['id']}/view", json={"version": body["version"], "stage": "已联系"}
    )
    assert resp.status_code == 403
    resp = client_for(w.uni).post(
        f"{BASE}/{body['id']}/decline", json={"version": body["version"], "reason": "预算不匹配"}
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["status"], body["decline_stage"], body["decline_reason"]) == (
        "declined",
        "intent",
        "预算不匹配",
    )


def test_other_tenants_get_404_naming_nothing(session: Session, client_for: ClientFor) -> None:
    w = build(session)
    body = _start(client_for(w.ent), w)
    stranger = client_for(w.stranger)
    assert stranger.get(BASE).json() == {"items": [], "total": 0}
    resp = stranger.get(f"{BASE}/{body['id']}")
    assert resp.status_code == 404
    assert w.demand.title not in resp.text
    resp = stranger.post(f"{BASE}/{body['id']}/advance", json={"version": body["version"]})
    assert resp.status_code == 404
    resp = stranger.post(
        f"{BASE}/{body['id']}/decline", json={"version": body["version"], "reason": "不合适"}
    )
    assert resp.status_code == 404
    session.expire_all()
    row = session.get(Collaboration, body["id"])
    assert row is not None and (row.stage, row.status, row.version) == ("intent", "active", 1)
    # The parties all see it.
    for actor in (w.ent, w.uni, w.res, w.zone_admin, w.province):
        assert client_for(actor).get(BASE).json()["total"] == 1, actor.role
