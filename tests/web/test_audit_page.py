"""The audit log page: readers see every write with before/after; other roles are refused."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from tests import factories
from tests.conftest import ClientFor


def test_the_auditor_sees_a_province_change_with_before_and_after(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session, city="南京市")
    client = client_for(province)
    form = {
        "name": zone.name,
        "level": "national",
        "city": "镇江市",
        "is_pilot": "false",
        "version": "1",
    }
    assert client.post(f"/r/zones/{zone.id}/edit", data=form).status_code == 200
    # The province administrator does not read the audit trail (三权分立); the auditor does.
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").text
    auditor = client_for(Actor(role=Role.AUDITOR, user_id=5, username="auditor"))
    response = auditor.get("/audit", params={"entity": "zones", "action": "update"})
    assert response.status_code == 200
    body = response.text.split('id="audit-table"', 1)[1]
    assert body.count('<details class="audit-change">') == 1
    assert f"修改高新区：{zone.name}" in body
    assert re.search(
        r'<tr data-field="city"><th scope="row">所在设区市</th><td>南京市</td><td>镇江市</td>', body
    )
    assert "export?" in response.text and "entity=zones" in response.text


def _change_rows(html: str) -> dict[str, tuple[str, str, str]]:
    """``{field: (label, before, after)}`` of the change tables on the audit page."""
    found = re.findall(
        r'<tr data-field="([^"]+)"><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td>',
        html,
    )
    return {f: (label, before, after) for f, label, before, after in found}


def test_a_change_shows_register_labels_enum_labels_and_referenced_names(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    first = factories.create_university(session, name="南京工程学院")
    second = factories.create_university(session, name="常州大学")
    item = factories.create_supply_item(session, first, maturity="trl7")
    form = {
        "university_id": second.name,
        "_mode.university_id": "text",
        "kind": "expert",
        "title": item.title,
        "owner_name": "彭纪昌",
        "maturity": "trl7",
        "is_public": ["false", "true"],
        "version": "1",
    }
    client = client_for(province)
    saved = client.post(f"/r/supply_items/{item.id}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    # Read by the auditor: the province administrator does not read the audit trail (三权分立).
    auditor = client_for(Actor(role=Role.AUDITOR, user_id=5, username="auditor"))
    page = auditor.get("/audit", params={"entity": "supply_items", "action": "update"})
    rows = _change_rows(page.text)
    assert rows["university_id"] == ("所属高校", "南京工程学院", "常州大学")
    assert rows["kind"] == ("类型", "科技成果", "专家团队")
    assert rows["owner_name"] == ("负责人", "—", "彭纪昌")
    assert "maturity" not in rows  # unchanged fields are not listed
    assert "#" + str(first.id) not in page.text.split('id="audit-table"', 1)[1].split("修改内容")[1]


def test_a_zone_admin_may_not_read_the_audit_log(session: Session, client_for: ClientFor) -> None:
    zone = factories.create_zone(session)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=4, username="zone_admin", zone_id=zone.id)
    client = client_for(admin)
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").text


def test_dates_in_the_wrong_order_are_reported_not_an_error(client_for: ClientFor) -> None:
    auditor = Actor(role=Role.AUDITOR, user_id=5, username="auditor")
    response = client_for(auditor).get("/audit", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.text
