"""The audit log page: readers see every write with before/after; other roles are refused."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from tests import factories
from tests.conftest import ClientFor


def test_province_sees_a_change_with_before_and_after(
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
    response = client.get("/audit", params={"entity": "zones", "action": "update"})
    assert response.status_code == 200
    body = response.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count('<details class="audit-change">') == 1
    assert f"修改高新区：{zone.name}" in body
    assert re.search(r'<th scope="row">city</th><td>南京市</td><td>镇江市</td>', body)
    assert "export?" in response.text and "entity=zones" in response.text


def test_a_zone_admin_may_not_read_the_audit_log(session: Session, client_for: ClientFor) -> None:
    zone = factories.create_zone(session)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=4, username="zone_admin", zone_id=zone.id)
    client = client_for(admin)
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").text


def test_dates_in_the_wrong_order_are_reported_not_an_error(
    client_for: ClientFor, province: Actor
) -> None:
    response = client_for(province).get("/audit", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.text
