"""Declarations through the API: a researcher declares and edits their own (audited, versioned);
their university reads them; other researchers, universities, zones and enterprises see nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.conflicts.models import ConflictDeclaration
from tests.actors import enterprise_user, university_admin, zone_admin
from tests.conftest import ClientFor
from tests.factories import (
    create_conflict_declaration,
    create_enterprise,
    create_university,
    create_user,
    valid_credit_code,
)


def researcher_actor(user: object) -> Actor:
    return Actor(
        role=Role.RESEARCHER,
        user_id=user.id,  # type: ignore[attr-defined]
        username=user.username,  # type: ignore[attr-defined]
        university_id=user.university_id,  # type: ignore[attr-defined]
    )


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ConflictDeclaration)) or 0


def test_researcher_declares_own_tie_by_credit_code(
    session: Session, client_for: ClientFor
) -> None:
    uni = create_university(session)
    user = create_user(session, Role.RESEARCHER, university_id=uni.id)
    client = client_for(researcher_actor(user))
    code = valid_credit_code(901)
    resp = client.post(
        "/api/v1/conflict_declarations",
        json={"enterprise_name": "苏州某储能科技有限公司", "credit_code": code.lower(),
              "kind": "近亲属企业", "note": "配偶持股"},
    )  # fmt: skip
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["user_id"], body["university_id"], body["credit_code"], body["kind"]) == (
        user.id, uni.id, code, "relative",
    )  # fmt: skip
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "conflict_declarations")
    ).all()
    assert [e.action for e in events] == ["create"]
    # Update without a version: 428; with a stale one: 409; with the right one: saved.
    url = f"/api/v1/conflict_declarations/{body['id']}"
    assert client.patch(url, json={"note": "x"}).status_code == 428
    assert client.patch(url, json={"note": "x", "version": 99}).status_code == 409
    ok = client.patch(url, json={"note": "已转让股份", "version": body["version"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["note"] == "已转让股份"


def test_bad_input_names_the_field(session: Session, client_for: ClientFor) -> None:
    user = create_user(session, Role.RESEARCHER)
    client = client_for(researcher_actor(user))
    resp = client.post("/api/v1/conflict_declarations", json={"kind": "持股"})
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"enterprise_id"}
    resp = client.post(
        "/api/v1/conflict_declarations",
        json={"kind": "持股", "credit_code": "91320100MA1XXXXXX1"},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"credit_code"}
    assert count(session) == 0


def test_who_sees_a_declaration(session: Session, client_for: ClientFor) -> None:
    uni = create_university(session)
    owner = create_user(session, Role.RESEARCHER, university_id=uni.id)
    colleague = create_user(session, Role.RESEARCHER, university_id=uni.id)
    firm = create_enterprise(session)
    decl = create_conflict_declaration(session, owner, firm)
    url = f"/api/v1/conflict_declarations/{decl.id}"
    readers = [researcher_actor(owner), university_admin(uni.id),
               Actor(role=Role.AUDITOR, user_id=5, username="aud")]  # fmt: skip
    for actor in readers:
        assert client_for(actor).get(url).status_code == 200, actor.role
    strangers = [researcher_actor(colleague), university_admin(create_university(session).id),
                 zone_admin(firm.zone_id), enterprise_user(firm.id)]  # fmt: skip
    for actor in strangers:
        client = client_for(actor)
        resp = client.get(url)
        assert resp.status_code == 404, actor.role
        assert firm.name not in resp.text
        assert client.get("/api/v1/conflict_declarations").json()["items"] == []
    # The university reads but does not edit; a colleague cannot declare for the owner.
    resp = client_for(university_admin(uni.id)).patch(url, json={"note": "x", "version": 1})
    assert resp.status_code == 403
    resp = client_for(researcher_actor(colleague)).post(
        "/api/v1/conflict_declarations",
        json={"user_id": owner.id, "enterprise_id": firm.id, "kind": "持股"},
    )
    assert resp.status_code == 403
    assert count(session) == 1


def test_my_conflicts_page(session: Session, client_for: ClientFor) -> None:
    firm = create_enterprise(session, name="常州某某新材料有限公司")
    mentor = create_user(session, Role.MENTOR, enterprise_id=firm.id)
    user = create_user(session, Role.RESEARCHER)
    create_conflict_declaration(session, user, firm, kind="previous_contract", note="2024 年合同")
    page = client_for(researcher_actor(user)).get("/conflicts/mine")
    assert page.status_code == 200
    # In force (the firm and the reason naming it) and among the declarations.
    assert page.text.count("常州某某新材料有限公司") == 3
    assert "既往合同" in page.text
    mentor_actor = Actor(role=Role.MENTOR, user_id=mentor.id, username="m",
                         university_id=mentor.university_id)  # fmt: skip
    page = client_for(mentor_actor).get("/conflicts/mine")
    assert "同一单位" in page.text
    assert client_for(university_admin(1)).get("/conflicts/mine").status_code == 403
