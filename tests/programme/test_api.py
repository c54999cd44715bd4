"""The programme baseline through the API: facts, policy items and the implementation opinion."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.programme.models import PolicyItem, ProgrammeFact, ProgrammeFactUniversity
from tests.conftest import ClientFor
from tests.factories import create_programme_fact, create_university, create_zone, version_of

STUDENT = Actor(role=Role.STUDENT, user_id=7, username="student", university_id=1)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_opinion_is_served_with_its_source(client_for: ClientFor) -> None:
    resp = client_for(STUDENT).get("/api/v1/programme/opinion")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["title"] == (
        "《省政府办公厅关于推进高新区和高等院校协同创新发展的实施意见》结构化摘要"
    )
    assert body["document_number"] == "苏政办发〔2025〕28号"
    assert body["issued_date"] == "2025-07-04"
    assert body["source_url"] == "http://www.jiangsu.gov.cn/art/2025/7/16/art_46144_11602534.html"
    assert body["markdown"].startswith("# 《省政府办公厅关于推进")
    assert "## 二、总体思路（原文第一部分）" in body["markdown"]


def test_baseline_facts_list_with_sources(
    reference_client_for: Callable[[Actor], TestClient],
) -> None:
    client = reference_client_for(STUDENT)
    body = client.get("/api/v1/programme_facts", params={"page_size": 100}).json()
    assert body["total"] == 61
    assert all(item["source_url"] for item in body["items"])
    totals = client.get("/api/v1/programme_facts", params={"kind": "programme_total"}).json()
    assert totals["total"] == 8
    first = totals["items"][0]
    assert (first["scope"], first["zone_id"], first["figure"], first["unit"]) == (
        "全省",
        None,
        "51",
        "对",
    )
    zones = client.get("/api/v1/zones", params={"q": "江阴"}).json()["items"]
    jiangyin = client.get("/api/v1/programme_facts", params={"zone_id": zones[0]["id"]}).json()
    assert [(f["name"], f["figure"], f["unit"]) for f in jiangyin["items"]] == [
        ("江阴高新区“双高协同”专项资金", "1", "亿元"),
        ("每年提供合作经费（不低于）", "500", "万元/年"),
    ]
    assert [f["university_names"] for f in jiangyin["items"]] == [["东南大学"], ["东南大学"]]
    assert jiangyin["items"][0]["zone_name"] == "江阴高新区"
    policies = client.get("/api/v1/policy_items").json()
    assert [(p["list_kind"], p["no"]) for p in policies["items"]] == [
        ("policy_guide", 1),
        ("policy_guide", 2),
        ("policy_guide", 3),
        ("reform_guide", 1),
    ]


def test_province_records_a_fact_with_its_universities(
    admin_client: TestClient, session: Session
) -> None:
    zone = create_zone(session, name="测试试点高新区")
    uni_a = create_university(session, name="测试甲大学")
    uni_b = create_university(session, name="测试乙大学")
    resp = admin_client.post(
        "/api/v1/programme_facts",
        json={
            "scope": zone.name,
            "zone_id": zone.id,
            "universities": "测试甲大学；测试乙大学",
            "university_ids": [uni_b.id, uni_a.id],
            "kind": "基金与资金",
            "name": "成果转化基金",
            "figure": "0.5",
            "unit": "亿元",
            "fact_date": "2025-11-14",
            "source_url": "https://example.org/fund",
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["kind"], body["figure"], body["zone_name"]) == ("fund", "0.5", "测试试点高新区")
    assert body["university_ids"] == sorted([uni_a.id, uni_b.id])
    resp = admin_client.patch(
        f"/api/v1/programme_facts/{body['id']}",
        json={"university_ids": [uni_a.id], "version": body["version"]},
    )
    assert resp.status_code == 200, resp.text
    assert (resp.json()["university_names"], resp.json()["version"]) == (["测试甲大学"], 2)
    assert _count(session, ProgrammeFactUniversity) == 1
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity == "programme_facts")
        .order_by(AuditEvent.seq)
    ).all()
    assert list(actions) == ["create", "update"]


def test_bad_fact_names_the_fields(admin_client: TestClient, session: Session) -> None:
    resp = admin_client.post(
        "/api/v1/programme_facts",
        json={"scope": "全省", "kind": "rumour", "name": "某事项", "figure": "1.00001"},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"kind", "figure"}
    resp = admin_client.post(
        "/api/v1/programme_facts",
        json={"scope": "全省", "kind": "event", "name": "某活动", "university_ids": [999999]},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"university_ids"}
    assert _count(session, ProgrammeFact) == 0


def test_zone_admin_reads_but_cannot_write_facts(client_for: ClientFor, session: Session) -> None:
    zone = create_zone(session)
    fact = create_programme_fact(session, zone=zone)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=zone.id)
    client = client_for(admin)
    assert client.get(f"/api/v1/programme_facts/{fact.id}").status_code == 200
    resp = client.patch(
        f"/api/v1/programme_facts/{fact.id}",
        json={"version": version_of(session, fact), "name": "改过的事项"},
    )
    assert resp.status_code == 403
    resp = client.post(
        "/api/v1/programme_facts", json={"scope": zone.name, "kind": "event", "name": "某活动"}
    )
    assert resp.status_code == 403
    session.refresh(fact)
    assert (fact.name.startswith("测试转化基金"), fact.version) == (True, 1)
    assert _count(session, ProgrammeFact) == 1


def test_policy_items_keyed_by_list_and_number(admin_client: TestClient, session: Session) -> None:
    item = {
        "list_kind": "改革指引清单",
        "no": 1,
        "title": "以实践成果代替毕业论文",
        "applies_to": "试点高校毕业生",
    }
    resp = admin_client.post("/api/v1/policy_items", json=item)
    assert resp.status_code == 201, resp.text
    assert resp.json()["list_kind"] == "reform_guide"
    resp = admin_client.post("/api/v1/policy_items", json=item)
    assert resp.status_code == 409
    assert resp.json()["error"] == "duplicate"
    assert _count(session, PolicyItem) == 1
