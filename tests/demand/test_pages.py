"""The triage form on a demand's detail page."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from tests.conftest import ClientFor
from tests.demand.world import World, build_world


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    return build_world(session)


def test_zone_admin_triages_from_the_detail_page(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    detail = client.get(f"/r/demands/{demand.id}")
    assert detail.status_code == 200
    assert f'hx-get="/demands/{demand.id}/triage"' in detail.text
    assert f'href="/demands/{demand.id}/matches"' in detail.text
    form = client.get(f"/demands/{demand.id}/triage").text
    assert '<option value="refined">已凝练</option>' in form
    assert '<option value="pending">' not in form
    resp = client.post(
        f"/demands/{demand.id}/triage",
        data={"state": "refined", "note": "指标已明确", "version": str(demand.version)},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/r/demands/{demand.id}"
    session.refresh(demand)
    assert (demand.triage_state, demand.triage_note) == ("refined", "指标已明确")


def test_others_get_no_triage_form(world: World, client_for: ClientFor, session: Session) -> None:
    demand = world.demands["public"]
    for who in ("ent_a", "zone_b", "auditor", "uni_paired_admin"):
        client = client_for(world.actors[who])
        form = client.get(f"/demands/{demand.id}/triage")
        assert form.status_code == 200
        assert "<form" not in form.text, who
        resp = client.post(
            f"/demands/{demand.id}/triage",
            data={"state": "refined", "version": "1"},
            follow_redirects=False,
        )
        assert resp.status_code == 403, who
    hidden = world.demands["admins"]
    resp = client_for(world.actors["zone_b"]).get(f"/demands/{hidden.id}/triage")
    assert resp.status_code == 404
    session.refresh(demand)
    assert demand.triage_state == "pending"


def test_lists_details_and_exports_name_the_enterprise_not_its_credit_code(
    session: Session, client_for: ClientFor
) -> None:
    import csv
    import io

    from shuanggao.actor import Actor, Role
    from tests import factories

    enterprise = factories.create_demand_enterprise(session, name="南京储能科技有限公司")
    demand = factories.create_demand(session, enterprise=enterprise, title="储能场站安全预警")
    client = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"))
    listing = client.get("/r/demands").text
    detail = client.get(f"/r/demands/{demand.id}").text
    link = f'<a href="/r/enterprises/{enterprise.id}">南京储能科技有限公司</a>'
    assert link in listing and link in detail
    assert enterprise.credit_code not in listing and enterprise.credit_code not in detail
    exported = client.get("/r/demands/export.csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported)))
    column = table[0].index("企业")
    assert [row[column] for row in table[1:]] == ["南京储能科技有限公司"]
