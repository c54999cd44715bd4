"""Forms show what people can read and type back: reference fields by name, and a refused
submission comes back exactly as entered (checkboxes, multi-selects, dates, money)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.imports.fields import field_specs
from shuanggao.kit.register import all_registers
from shuanggao.supply.models import SupplyItem
from shuanggao.web import forms
from tests import factories
from tests.conftest import ClientFor
from tests.web.conftest import make_record


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input id="f-{name}" name="{name}" type="[a-z]+"\s+value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def checked(page: str, name: str) -> bool:
    pattern = rf'<input type="checkbox" id="f-{name}" name="{name}" value="true"([^>]*)>'
    match = re.search(pattern, page)
    assert match is not None, f"no checkbox {name}"
    return "checked" in match.group(1)


def selected(page: str, name: str) -> list[str]:
    match = re.search(rf'<select id="f-{name}" name="{name}".*?</select>', page, re.S)
    assert match is not None, f"no select {name}"
    return re.findall(r'<option value="([^"]*)" selected>', match.group(0))


def test_every_reference_column_names_its_record_and_reads_the_name_back(
    session: Session,
) -> None:
    checked_refs = 0
    for reg in all_registers():
        for spec in field_specs(reg):
            ref = spec.column.ref
            if ref is None:
                continue
            assert ref.name_of is not None, f"{reg.name}.{spec.field} cannot name a record"
            target = make_record(session, ref.target)
            name = ref.name_of(session, target.id)
            assert name is not None and name != str(target.id), (reg.name, spec.field, name)
            assert ref.resolve(session, name) == target.id, (reg.name, spec.field, name)
            checked_refs += 1
    assert checked_refs >= 20


@pytest.fixture
def few_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reference fields become typed names (as with the 100+ universities of the real data)."""
    monkeypatch.setattr(forms, "MAX_SELECT_OPTIONS", 1)


def test_a_researchers_new_supply_item_names_their_university_and_saves(
    session: Session, client_for: ClientFor, few_options: None
) -> None:
    own = factories.create_university(session, name="南京工程学院")
    factories.create_university(session, name="常州大学")
    researcher = Actor(role=Role.RESEARCHER, user_id=31, username="r1", university_id=own.id)
    client = client_for(researcher)
    page = client.get("/r/supply_items/new").text
    assert '<input type="hidden" name="_mode.university_id" value="text">' in page
    assert input_value(page, "university_id") == "南京工程学院"
    form = {
        "university_id": input_value(page, "university_id") or "",
        "_mode.university_id": "text",
        "kind": "achievement",
        "title": "储能电池热失控预警数据集",
        "is_public": ["false", "true"],
    }
    saved = client.post("/r/supply_items/new", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    item = session.scalars(select(SupplyItem).where(SupplyItem.title == form["title"])).one()
    assert (item.university_id, item.is_public) == (own.id, True)
    edit = client.get(f"/r/supply_items/{item.id}/edit").text
    assert input_value(edit, "university_id") == "南京工程学院"


def test_a_link_that_presets_a_reference_by_id_shows_its_name(
    session: Session, client_for: ClientFor, province: Actor, few_options: None
) -> None:
    zone = factories.create_zone(session, name="常州高新区")
    factories.create_zone(session)
    page = client_for(province).get("/r/enterprises/new", params={"zone_id": str(zone.id)}).text
    assert input_value(page, "zone_id") == "常州高新区"


def test_a_refused_supply_item_comes_back_exactly_as_entered(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    university = factories.create_university(session)
    before = session.scalar(select(func.count()).select_from(SupplyItem))
    form = {
        "university_id": str(university.id),
        "_mode.university_id": "id",
        "kind": "achievement",
        "title": "锂电池储能系统安全实验数据集",
        "keywords": "锂电池；储能",
        "maturity": "trl6",
        "transfer_modes": "许可；合作开发",
        "price_min": "500000.50",
        "price_max": "100000",  # below the minimum: refused
        "is_public": ["false", "true"],
    }
    response = client_for(province).post("/r/supply_items/new", data=form)
    assert response.status_code == 422
    page = response.text
    assert checked(page, "is_public")
    assert selected(page, "university_id") == [str(university.id)]
    assert selected(page, "kind") == ["achievement"]
    assert selected(page, "maturity") == ["trl6"]
    for name in ("title", "keywords", "transfer_modes", "price_min", "price_max"):
        assert input_value(page, name) == form[name], name
    assert session.scalar(select(func.count()).select_from(SupplyItem)) == before


def test_an_unticked_checkbox_stays_unticked_after_an_error(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    university = factories.create_university(session)
    form = {
        "university_id": str(university.id),
        "_mode.university_id": "id",
        "kind": "achievement",
        "title": "",  # required: refused
        "is_public": "false",
    }
    page = client_for(province).post("/r/supply_items/new", data=form).text
    assert not checked(page, "is_public")


def test_a_refused_demand_keeps_its_date_money_and_enterprise(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    enterprise = factories.create_enterprise(session)
    form = {
        "enterprise_id": str(enterprise.id),
        "_mode.enterprise_id": "id",
        "title": "储能场站安全预警",
        "cooperation_mode": "development",
        "budget_min": "1234567.89",
        "budget_max": "2000000",
        "deadline_date": "2026-12-31",
        "industry_code": "C99",  # not in GB/T 4754-2017: refused
    }
    response = client_for(province).post("/r/demands/new", data=form)
    assert response.status_code == 422
    page = response.text
    assert re.search(r'id="f-industry_code-error" role="alert">[^<]*C99', page)
    assert selected(page, "enterprise_id") == [str(enterprise.id)]
    for name in ("title", "budget_min", "budget_max", "deadline_date", "industry_code"):
        assert input_value(page, name) == form[name], name


def test_a_refused_pairing_keeps_every_selected_university(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    universities = [factories.create_university(session) for _ in range(3)]
    form = {
        "university_ids": [str(universities[0].id), str(universities[2].id)],
        "_mode.university_ids": "id",
        "batch": "pilot_2025",
        "status": "preparing",
        # zone_id missing: refused
    }
    page = client_for(province).post("/r/pairings/new", data=form).text
    assert selected(page, "university_ids") == [str(universities[0].id), str(universities[2].id)]
