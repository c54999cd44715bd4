"""Create, edit and delete through the register pages: Chinese field errors, conflicts, scope."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.enterprises.models import Enterprise
from shuanggao.zones.models import Zone
from tests import factories
from tests.conftest import ClientFor


def field_error(html: str, field: str) -> str | None:
    match = re.search(rf'<div class="error" id="f-{field}-error" role="alert">([^<]*)</div>', html)
    return match.group(1) if match else None


def zone_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Zone)) or 0


def exists(session: Session, model: type, obj_id: int) -> bool:
    stmt = select(func.count()).select_from(model).where(model.id == obj_id)  # type: ignore[attr-defined]
    return bool(session.scalar(stmt))


GOOD_ZONE = {
    "name": "测试新区",
    "full_name": "测试新技术产业开发区",
    "level": "provincial",
    "city": "常州市",
    "industry_codes": "C3973；C39",
    "is_pilot": ["false", "true"],
}


def test_create_with_bad_fields_shows_chinese_errors_then_saves(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    client = client_for(province)
    before = zone_count(session)
    bad = {**GOOD_ZONE, "city": "", "industry_codes": "C3973；XX1"}
    response = client.post("/r/zones/new", data=bad)
    assert response.status_code == 422
    assert field_error(response.text, "city") == "必填项，不能为空"
    assert field_error(response.text, "industry_codes") == "国民经济行业代码“XX1”格式不正确"
    assert field_error(response.text, "name") is None
    # What the user typed is kept.
    assert 'value="测试新区"' in response.text
    assert zone_count(session) == before

    response = client.post("/r/zones/new", data=GOOD_ZONE, follow_redirects=False)
    assert response.status_code == 303
    zone = session.scalars(select(Zone).where(Zone.name == "测试新区")).one()
    assert response.headers["location"] == f"/r/zones/{zone.id}"
    assert (zone.level, zone.city, zone.industry_codes, zone.is_pilot) == (
        "provincial",
        "常州市",
        ["C3973", "C39"],
        True,
    )
    page = client.get(response.headers["location"])
    assert "已新增高新区：测试新区。" in page.text


def test_duplicate_natural_key_is_a_field_error(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    existing = factories.create_zone(session)
    before = zone_count(session)
    response = client_for(province).post("/r/zones/new", data={**GOOD_ZONE, "name": existing.name})
    assert response.status_code == 409
    assert field_error(response.text, "name") == "已存在相同的高新区（高新区简称重复）"
    assert zone_count(session) == before


def test_reference_fields_are_selects_of_visible_records(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session)
    response = client_for(province).get("/r/enterprises/new")
    assert f'<option value="{zone.id}">{zone.name}</option>' in response.text
    assert '<input type="hidden" name="_mode.zone_id" value="id">' in response.text


def test_edit_saves_and_bumps_the_version(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session, city="南京市")
    client = client_for(province)
    form = {**GOOD_ZONE, "name": zone.name, "version": "1"}
    response = client.post(f"/r/zones/{zone.id}/edit", data=form, follow_redirects=False)
    assert response.status_code == 303
    session.refresh(zone)
    assert (zone.city, zone.version, zone.level) == ("常州市", 2, "provincial")


def test_stale_edit_is_refused_with_a_conflict_message(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session, city="南京市")
    zone.version = 3
    session.flush()
    form = {**GOOD_ZONE, "name": zone.name, "version": "2"}
    response = client_for(province).post(f"/r/zones/{zone.id}/edit", data=form)
    assert response.status_code == 409
    assert 'id="conflict"' in response.text
    assert "该记录已被他人修改，请刷新后重试。" in response.text
    session.refresh(zone)
    assert (zone.city, zone.version) == ("南京市", 3)


def test_clearing_a_required_field_on_edit_is_an_error(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session, city="南京市")
    form = {**GOOD_ZONE, "name": zone.name, "city": "", "version": "1"}
    response = client_for(province).post(f"/r/zones/{zone.id}/edit", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "city") == "必填项，不能为空"
    session.refresh(zone)
    assert (zone.city, zone.version) == ("南京市", 1)


def test_delete_removes_the_record(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session)
    response = client_for(province).post(f"/r/zones/{zone.id}/delete", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/r/zones"
    assert not exists(session, Zone, zone.id)


def test_delete_of_a_record_in_use_is_refused_with_a_message(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    enterprise = factories.create_enterprise(session)
    zone_id = enterprise.zone_id
    client = client_for(province)
    response = client.post(f"/r/zones/{zone_id}/delete", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/zones/{zone_id}"
    assert exists(session, Zone, zone_id)
    page = client.get(f"/r/zones/{zone_id}")
    assert 'class="alert alert-error"' in page.text and "未能删除" in page.text


def test_auditor_sees_no_write_buttons_and_cannot_create(
    session: Session, client_for: ClientFor
) -> None:
    zone = factories.create_zone(session)
    auditor = Actor(role=Role.AUDITOR, user_id=9, username="auditor")
    client = client_for(auditor)
    listing = client.get("/r/zones")
    assert listing.status_code == 200
    assert 'href="/r/zones/new"' not in listing.text
    detail = client.get(f"/r/zones/{zone.id}")
    assert f'action="/r/zones/{zone.id}/delete"' not in detail.text
    before = zone_count(session)
    response = client.post("/r/zones/new", data=GOOD_ZONE)
    assert response.status_code == 403
    assert zone_count(session) == before


def test_zone_admin_gets_an_html_404_for_another_zones_enterprise(
    session: Session, client_for: ClientFor
) -> None:
    own = factories.create_zone(session)
    other = factories.create_enterprise(session, name="别区保密科技有限公司")
    admin = Actor(role=Role.ZONE_ADMIN, user_id=5, username="zone_admin", zone_id=own.id)
    client = client_for(admin)
    for path in (f"/r/enterprises/{other.id}", f"/r/enterprises/{other.id}/edit"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "别区保密科技有限公司" not in response.text
    listing = client.get("/r/enterprises")
    assert "别区保密科技有限公司" not in listing.text
    response = client.post(f"/r/enterprises/{other.id}/delete")
    assert response.status_code == 404
    assert exists(session, Enterprise, other.id)


def test_zone_admin_new_enterprise_form_defaults_to_their_zone(
    session: Session, client_for: ClientFor
) -> None:
    own = factories.create_zone(session)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=5, username="zone_admin", zone_id=own.id)
    response = client_for(admin).get("/r/enterprises/new")
    assert response.status_code == 200
    assert f'<option value="{own.id}" selected>{own.name}</option>' in response.text


def test_form_inputs_follow_the_field_kinds(client_for: ClientFor, province: Actor) -> None:
    client = client_for(province)
    zones = client.get("/r/zones/new").text
    # An enum is a select of Chinese labels; a date a date input; a yes/no a checkbox.
    assert '<option value="provincial">省级</option>' in zones
    assert re.search(r'<input id="f-source_date" name="source_date" type="date"', zones)
    assert re.search(r'<input type="checkbox" id="f-is_pilot" name="is_pilot" value="true"', zones)
    funds = client.get("/r/conversion_funds/new").text
    # Money: a number to the fen.
    money = r'<input id="f-size" name="size" type="number"\s+value=""\s+step="0.01"'
    assert re.search(money, funds)
    pairings = client.get("/r/pairings/new").text
    # A few universities: a multiple select.
    assert '<input type="hidden" name="_mode.university_ids" value="id">' in pairings
    multiple = r'<select id="f-university_ids" name="university_ids" required multiple'
    assert re.search(multiple, pairings)


def test_many_references_are_typed_by_name_and_checked(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    from shuanggao.pairings.models import Pairing

    zone = factories.create_zone(session)
    named = [factories.create_university(session, name=f"键入大学{n:03d}") for n in range(201)]
    client = client_for(province)
    page = client.get("/r/pairings/new").text
    assert '<input type="hidden" name="_mode.university_ids" value="text">' in page
    form = {
        "zone_id": str(zone.id),
        "_mode.zone_id": "id",
        "university_ids": "键入大学007；没有这所大学",
        "_mode.university_ids": "text",
        "batch": "pilot_2025",
        "status": "preparing",
    }
    response = client.post("/r/pairings/new", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "university_ids") == (
        "未找到高校“没有这所大学”，请填写已登记的名称或代码"
    )
    form["university_ids"] = "键入大学007；键入大学012"
    response = client.post("/r/pairings/new", data=form, follow_redirects=False)
    assert response.status_code == 303
    pairing_id = int(response.headers["location"].rsplit("/", 1)[1])
    created = session.get(Pairing, pairing_id)
    assert created is not None and created.zone_id == zone.id
    detail = client.get(response.headers["location"]).text
    assert f"{named[7].name}、{named[12].name}" in detail
