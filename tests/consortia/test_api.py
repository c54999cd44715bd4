"""Consortia: the register through the API (members, projects of its zone only, funding), and a
collaboration linked to a consortium files its project under it when the contract is signed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.pipeline import service
from shuanggao.pipeline.schemas import Advance, LinkConsortium
from tests.actors import zone_admin
from tests.conftest import ClientFor
from tests.factories import create_enterprise, create_project, create_zone
from tests.pipeline.world import build


def test_consortium_members_projects_and_the_pipeline(
    session: Session, client_for: ClientFor
) -> None:
    w = build(session)
    member = create_enterprise(session, w.zone)
    elsewhere = create_project(session, create_zone(session), w.university)
    admin = client_for(w.zone_admin)
    body = {
        "name": "新型储能系统创新联合体（测试）",
        "zone_id": w.zone.id,
        "lead_enterprise_id": w.enterprise.id,
        "enterprise_ids": [member.id],
        "university_ids": [w.university.id],
        "project_ids": [elsewhere.id],
        "industry_codes": ["C3841"],
        "chain_codes": ["储能电池"],
        "funding": "5000000.00",
    }
    resp = admin.post("/api/v1/consortia", json=body)
    assert resp.status_code == 422 and set(resp.json()["fields"]) == {"project_ids"}
    resp = admin.post("/api/v1/consortia", json={**body, "project_ids": []})
    assert resp.status_code == 201, resp.text
    consortium = resp.json()
    assert consortium["lead_enterprise_name"] == w.enterprise.name
    assert consortium["university_ids"] == [w.university.id]

    c = service.start_from_match(session, w.ent, w.match.id)
    c = service.link_consortium(
        session,
        w.zone_admin,
        c.id,
        LinkConsortium(version=c.version, consortium_id=consortium["id"]),
    )
    for _ in range(4):
        c = service.advance(session, w.ent, c.id, Advance(version=c.version))
    assert c.stage == "contract_signed" and c.project_id is not None
    read = client_for(w.zone_admin).get(f"/api/v1/consortia/{consortium['id']}").json()
    assert read["project_ids"] == [c.project_id]
    assert read["funding"] == "5000000.00"
    # The lead enterprise reads it; another zone does not.
    assert client_for(w.ent).get(f"/api/v1/consortia/{consortium['id']}").status_code == 200
    other = client_for(zone_admin(create_zone(session).id))
    resp = other.get(f"/api/v1/consortia/{consortium['id']}")
    assert resp.status_code == 404 and "储能" not in resp.text
