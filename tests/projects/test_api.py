from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.projects.models import Project, ProjectEnterprise
from tests.actors import university_admin, zone_admin
from tests.conftest import ClientFor
from tests.factories import (
    create_enterprise,
    create_pairing,
    create_project,
    create_university,
    create_zone,
    version_of,
)

PROVINCE = Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")


def participants(session: Session, project_id: int) -> list[int]:
    session.expire_all()
    return list(
        session.scalars(
            select(ProjectEnterprise.enterprise_id)
            .where(ProjectEnterprise.project_id == project_id)
            .order_by(ProjectEnterprise.enterprise_id)
        )
    )


def test_create_project_with_enterprises_and_exact_budget(
    admin_client: TestClient, session: Session
) -> None:
    zone = create_zone(session, name="南京建邺高新区")
    uni = create_university(session, name="南京工程学院")
    pairing = create_pairing(session, zone=zone, universities=[uni])
    e1 = create_enterprise(session, zone=zone, name="江苏林洋储能技术有限公司")
    e2 = create_enterprise(session, zone=zone, name="南京储能安全科技有限公司")
    resp = admin_client.post(
        "/api/v1/projects",
        json={
            "title": "储能电池安全预警技术联合攻关",
            "zone_id": zone.id,
            "university_id": uni.id,
            "pairing_id": pairing.id,
            "enterprise_ids": [e2.id, e1.id, e2.id],
            "task_area": "关键核心技术攻关",
            "kind": "联合攻关",
            "start_date": "2025-09-01",
            "end_date": "2027-08-31",
            "budget": "1234567.89",
            "status": "在研",
            "is_benchmark": True,
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["budget"] == "1234567.89"
    assert body["kind"] == "joint_research"
    assert body["status"] == "ongoing"
    assert body["task_area"] == "key_core_technology"
    assert body["zone_name"] == "南京建邺高新区"
    assert body["university_name"] == "南京工程学院"
    assert sorted(body["enterprise_ids"]) == sorted([e1.id, e2.id])
    assert set(body["enterprise_names"]) == {"江苏林洋储能技术有限公司", "南京储能安全科技有限公司"}
    assert participants(session, body["id"]) == sorted([e1.id, e2.id])
    fen = session.execute(text("SELECT budget FROM project WHERE id = :i"), {"i": body["id"]})
    assert fen.scalar_one() == 123456789
    assert session.get(Project, body["id"]).budget == Decimal("1234567.89")  # type: ignore[union-attr]


def test_update_enterprises_through_api(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session)
    e1, e2, e3 = (create_enterprise(session, zone=zone) for _ in range(3))
    project = create_project(session, zone=zone, enterprises=[e1, e2])
    resp = admin_client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": version_of(session, project), "enterprise_ids": [e3.id, e2.id]},
    )
    assert resp.status_code == 200, resp.text
    assert sorted(resp.json()["enterprise_ids"]) == sorted([e2.id, e3.id])
    assert participants(session, project.id) == sorted([e2.id, e3.id])
    cleared = admin_client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": version_of(session, project), "enterprise_ids": []},
    )
    assert cleared.json()["enterprise_ids"] == []
    assert participants(session, project.id) == []
    unknown = admin_client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": version_of(session, project), "enterprise_ids": [e1.id, 999999]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["fields"] == {"enterprise_ids": "企业不存在（编号：999999）"}
    assert participants(session, project.id) == []


def test_end_before_start_is_refused(admin_client: TestClient, session: Session) -> None:
    zone, uni = create_zone(session), create_university(session)
    resp = admin_client.post(
        "/api/v1/projects",
        json={
            "title": "倒序日期项目",
            "zone_id": zone.id,
            "university_id": uni.id,
            "kind": "joint_research",
            "start_date": "2025-09-01",
            "end_date": "2025-08-31",
        },
    )
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"end_date": "结束日期不能早于开始日期"}
    assert session.scalar(select(func.count()).select_from(Project)) == 0
    # On update the stored start date counts too.
    import datetime as dt

    project = create_project(session, zone=zone, university=uni, start_date=dt.date(2025, 9, 1))
    resp = admin_client.patch(
        f"/api/v1/projects/{project.id}",
        json={"version": version_of(session, project), "end_date": "2025-01-01"},
    )
    assert resp.status_code == 422
    assert resp.json()["fields"] == {"end_date": "结束日期不能早于开始日期"}
    session.expire_all()
    row = session.get(Project, project.id)
    assert row is not None and (row.end_date, row.version) == (None, 1)


def test_budget_must_be_yuan_with_fen(admin_client: TestClient, session: Session) -> None:
    zone, uni = create_zone(session), create_university(session)
    resp = admin_client.post(
        "/api/v1/projects",
        json={
            "title": "经费有误",
            "zone_id": zone.id,
            "university_id": uni.id,
            "kind": "joint_research",
            "budget": "100.005",
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"budget"}
    negative = admin_client.post(
        "/api/v1/projects",
        json={
            "title": "经费有误",
            "zone_id": zone.id,
            "university_id": uni.id,
            "kind": "joint_research",
            "budget": "-1",
        },
    )
    assert negative.status_code == 422


def test_pairing_must_match_zone_and_university(admin_client: TestClient, session: Session) -> None:
    zone, uni, other_uni = (
        create_zone(session),
        create_university(session),
        create_university(session),
    )
    pairing = create_pairing(session, zone=zone, universities=[uni])
    other_pairing = create_pairing(session)
    base = {"title": "结对不符", "zone_id": zone.id, "kind": "joint_research"}
    resp = admin_client.post(
        "/api/v1/projects", json={**base, "university_id": other_uni.id, "pairing_id": pairing.id}
    )
    assert resp.json()["fields"] == {"pairing_id": "所填高校不在该结对中"}
    resp = admin_client.post(
        "/api/v1/projects", json={**base, "university_id": uni.id, "pairing_id": other_pairing.id}
    )
    assert resp.json()["fields"] == {"pairing_id": "该结对不属于所填高新区"}
    assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_zone_admin_cannot_see_or_write_another_zones_project(
    client_for: ClientFor, session: Session
) -> None:
    own = create_project(session, title="本区项目")
    other = create_project(session, title="外区项目")
    client = client_for(zone_admin(own.zone_id))
    listed = client.get("/api/v1/projects").json()
    assert [i["id"] for i in listed["items"]] == [own.id]
    assert client.get(f"/api/v1/projects/{other.id}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/projects/{other.id}",
            json={"version": version_of(session, other), "title": "改名"},
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/projects/{other.id}").status_code == 404
    # Moving one's own project to the other zone is refused, even onto an existing title.
    moved = client.patch(
        f"/api/v1/projects/{own.id}",
        json={"version": version_of(session, own), "zone_id": other.zone_id, "title": "外区项目"},
    )
    assert moved.status_code == 403
    created = client.post(
        "/api/v1/projects",
        json={
            "title": "给外区建项目",
            "zone_id": other.zone_id,
            "university_id": other.university_id,
            "kind": "joint_research",
        },
    )
    assert created.status_code == 403
    session.expire_all()
    rows = {p.id: (p.title, p.zone_id, p.version) for p in session.scalars(select(Project))}
    assert rows == {
        own.id: ("本区项目", own.zone_id, 1),
        other.id: ("外区项目", other.zone_id, 1),
    }


def test_university_admin_and_enterprise_user_scope(
    client_for: ClientFor, session: Session
) -> None:
    uni = create_university(session)
    zone = create_zone(session)
    create_pairing(session, zone=zone, universities=[uni])
    ent = create_enterprise(session, zone=zone)
    mine = create_project(session, zone=zone, university=uni, enterprises=[ent])
    create_project(session)
    client = client_for(university_admin(uni.id))
    assert [i["id"] for i in client.get("/api/v1/projects").json()["items"]] == [mine.id]
    created = client.post(
        "/api/v1/projects",
        json={
            "title": "校方新建项目",
            "zone_id": zone.id,
            "university_id": uni.id,
            "enterprise_ids": [ent.id],
            "kind": "委托开发",
        },
    )
    assert created.status_code == 201, created.text
    stranger = create_enterprise(session)
    hidden = client.post(
        "/api/v1/projects",
        json={
            "title": "引用无权查看的企业",
            "zone_id": zone.id,
            "university_id": uni.id,
            "enterprise_ids": [stranger.id],
            "kind": "委托开发",
        },
    )
    assert hidden.status_code == 422
    assert set(hidden.json()["fields"]) == {"enterprise_ids"}
    ent_client = client_for(
        Actor(role=Role.ENTERPRISE_USER, user_id=33, username="e", enterprise_id=ent.id)
    )
    listed = ent_client.get("/api/v1/projects").json()
    assert sorted(i["id"] for i in listed["items"]) == sorted([mine.id, created.json()["id"]])
    denied = ent_client.patch(
        f"/api/v1/projects/{mine.id}", json={"version": version_of(session, mine), "note": "x"}
    )
    assert denied.status_code == 403
    session.expire_all()
    assert session.get(Project, mine.id).note is None  # type: ignore[union-attr]


def test_list_filters_and_search(client_for: ClientFor, session: Session) -> None:
    import datetime as dt

    zone = create_zone(session)
    ent = create_enterprise(session, zone=zone)
    p1 = create_project(
        session,
        zone=zone,
        title="锂电池储能安全",
        start_date=dt.date(2025, 3, 1),
        enterprises=[ent],
    )
    p2 = create_project(
        session, zone=zone, title="集成电路测试", start_date=dt.date(2026, 1, 5), is_benchmark=True
    )
    client = client_for(PROVINCE)

    def ids(params: dict[str, object]) -> list[int]:
        return [i["id"] for i in client.get("/api/v1/projects", params=params).json()["items"]]

    assert ids({"year": 2025}) == [p1.id]
    assert ids({"enterprise_id": ent.id}) == [p1.id]
    assert ids({"is_benchmark": True}) == [p2.id]
    assert ids({"q": "储能"}) == [p1.id]
    assert ids({"zone_id": zone.id, "sort": "-start_date"}) == [p2.id, p1.id]


def test_delete_project_removes_links_not_enterprises(
    admin_client: TestClient, session: Session
) -> None:
    from shuanggao.enterprises.models import Enterprise

    zone = create_zone(session)
    ent = create_enterprise(session, zone=zone)
    project = create_project(session, zone=zone, enterprises=[ent])
    # An enterprise in a project cannot be deleted while the project names it.
    in_use = admin_client.delete(f"/api/v1/enterprises/{ent.id}")
    assert in_use.status_code == 409
    assert admin_client.delete(f"/api/v1/projects/{project.id}").status_code == 204
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ProjectEnterprise)) == 0
    assert session.get(Enterprise, ent.id) is not None


def test_search_by_university_name(client_for: ClientFor, session: Session) -> None:
    uni = create_university(session, name="南京工程学院")
    mine = create_project(session, university=uni)
    create_project(session)
    client = client_for(PROVINCE)
    resp = client.get("/api/v1/projects", params={"q": "工程学院"})
    assert [i["id"] for i in resp.json()["items"]] == [mine.id]
