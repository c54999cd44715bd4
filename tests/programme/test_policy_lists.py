"""The policy and reform lists: structured items shown to the roles they apply to, searchable,
imported from the province's spreadsheet through the import engine."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.programme import data, service
from shuanggao.programme.enums import AudienceRole, PolicyListKind
from shuanggao.programme.models import PolicyItem
from shuanggao.programme.panels import policies_panel
from tests.conftest import ClientFor
from tests.factories import create_policy_item, create_university, create_zone
from tests.imports.sheets import xlsx

HEADER = [
    "清单",
    "序号",
    "条目",
    "印发机关与责任单位",
    "印发日期",
    "内容摘要",
    "适用对象",
    "适用角色",
    "适用单位类型",
    "适用条件",
    "原文链接",
]


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PolicyItem)) or 0)


def test_audience_roles_are_the_platform_roles() -> None:
    # Auditors and security administrators run no programme work: no policy addresses them.
    assert {m.value for m in AudienceRole} == {r.value for r in Role} - {
        "auditor",
        "security_admin",
    }


def test_shipped_lists_have_no_collection_notes_and_the_thesis_reform() -> None:
    items = data.policy_items()
    assert [(i.list_kind, i.no) for i in items] == [
        ("policy_guide", 1),
        ("policy_guide", 2),
        ("policy_guide", 3),
        ("reform_guide", 1),
    ]
    for item in items:
        text = " ".join(filter(None, (item.title, item.issuer, item.summary, item.applies_to)))
        assert "未读到" not in text and "……" not in text
        assert item.issued_date == dt.date(2025, 9, 10)
    reform = items[3]
    assert "代替毕业论文" in reform.title
    assert reform.audience_roles == ["student", "mentor", "university_admin"]
    assert reform.org_kinds == ["university"]


def _lists(session: Session) -> tuple[PolicyItem, PolicyItem]:
    policy = create_policy_item(
        session,
        list_kind="policy_guide",
        no=1,
        title="前沿技术应用场景建设示范",
        audience_roles=["zone_admin"],
        org_kinds=["zone"],
        conditions="聚焦优势产业",
    )
    reform = create_policy_item(
        session,
        list_kind="reform_guide",
        no=1,
        title="以“双高协同”实践成果代替毕业论文",
        audience_roles=["student", "mentor"],
        org_kinds=["university"],
        conditions="毕业生参与“双高协同”实践并形成实践成果",
    )
    return policy, reform


def test_items_for_follow_roles_and_organisation_kinds(session: Session) -> None:
    policy, reform = _lists(session)
    uni, zone = create_university(session), create_zone(session)
    student = Actor(role=Role.STUDENT, user_id=1, university_id=uni.id)
    mentor = Actor(role=Role.MENTOR, user_id=2, university_id=uni.id)
    uni_admin = Actor(role=Role.UNIVERSITY_ADMIN, user_id=3, university_id=uni.id)
    zone_admin = Actor(role=Role.ZONE_ADMIN, user_id=4, zone_id=zone.id)
    enterprise = Actor(role=Role.ENTERPRISE_USER, user_id=5, enterprise_id=1)
    assert [i.id for i in service.items_for(session, student)] == [reform.id]
    assert [i.id for i in service.items_for(session, mentor)] == [reform.id]
    # A university administrator acts for the university the reform names.
    assert [i.id for i in service.items_for(session, uni_admin)] == [reform.id]
    assert [i.id for i in service.items_for(session, zone_admin)] == [policy.id]
    assert service.items_for(session, enterprise) == []
    province = Actor(role=Role.PROVINCE_ADMIN, user_id=6)
    assert [i.id for i in service.items_for(session, province)] == [reform.id, policy.id]
    found = service.items_for(session, province, query="实践成果 毕业")
    assert [i.id for i in found] == [reform.id]
    only = service.items_for(session, province, list_kind=PolicyListKind.POLICY_GUIDE)
    assert [i.id for i in only] == [policy.id]


def test_home_panel_shows_the_reform_to_a_student(session: Session) -> None:
    _, reform = _lists(session)
    uni = create_university(session)
    panel = policies_panel(session, Actor(role=Role.STUDENT, user_id=1, university_id=uni.id))
    assert panel is not None
    assert [(i["label"], i["href"], i["badge"]) for i in panel["items"]] == [
        (reform.title, f"/r/policy_items/{reform.id}", "改革指引清单")
    ]


def test_home_page_of_a_student_lists_the_reform(client_for: ClientFor, session: Session) -> None:
    _, reform = _lists(session)
    uni = create_university(session)
    client = client_for(Actor(role=Role.STUDENT, user_id=1, university_id=uni.id))
    page = client.get("/")
    assert page.status_code == 200
    assert reform.title in page.text
    assert "前沿技术应用场景建设示范" not in page.text


def _row(no: int, **changes: object) -> list[object]:
    values: dict[str, object] = {
        "清单": "改革指引清单",
        "序号": no,
        "条目": f"改革事项{no}",
        "印发机关与责任单位": "江苏省科学技术厅",
        "印发日期": "2025-09-10",
        "内容摘要": "摘要",
        "适用对象": "高校毕业生",
        "适用角色": "学生；导师",
        "适用单位类型": "高校",
        "适用条件": "参与实践",
        "原文链接": "",
    }
    values.update(changes)
    return [values[h] for h in HEADER]


def test_xlsx_import_is_transactional_idempotent_and_names_bad_cells(
    admin_client: TestClient, session: Session
) -> None:
    bad = xlsx(HEADER, [_row(1), _row(2, 适用角色="学生；校长"), _row(3, 印发日期="九月")])
    resp = admin_client.post(
        "/api/v1/imports/policy_items", files={"file": ("改革指引清单.xlsx", bad)}
    )
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "import_rejected"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "适用角色"), (4, "印发日期")]
    assert all(e["message"] for e in body["errors"])
    assert _count(session) == 0  # nothing of the good row either

    good = xlsx(HEADER, [_row(1), _row(2)])
    first = admin_client.post(
        "/api/v1/imports/policy_items", files={"file": ("改革指引清单.xlsx", good)}
    )
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["updated"]) == (2, 0)
    again = admin_client.post(
        "/api/v1/imports/policy_items", files={"file": ("改革指引清单.xlsx", good)}
    )
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        2,
    )
    item = session.scalars(select(PolicyItem).where(PolicyItem.no == 2)).one()
    assert (item.list_kind, item.audience_roles, item.org_kinds, item.issued_date) == (
        "reform_guide",
        ["student", "mentor"],
        ["university"],
        dt.date(2025, 9, 10),
    )


def test_policies_page_lists_what_applies_and_searches(
    client_for: ClientFor, session: Session
) -> None:
    policy, reform = _lists(session)
    uni = create_university(session)
    mentor = client_for(Actor(role=Role.MENTOR, user_id=2, university_id=uni.id))
    page = mentor.get("/policies")
    assert page.status_code == 200
    assert reform.title in page.text and "毕业生参与“双高协同”实践并形成实践成果" in page.text
    assert policy.title not in page.text
    none = mentor.get("/policies", params={"q": "场景"})
    assert none.status_code == 200 and reform.title not in none.text
    province = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=6))
    found = province.get("/policies", params={"q": "场景", "list": "政策指南清单"})
    assert policy.title in found.text and reform.title not in found.text
    # An unknown list name lists every list; an overlong query is cut, not an error.
    assert province.get("/policies", params={"list": "x", "q": "字" * 500}).status_code == 200
