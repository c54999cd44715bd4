"""The home page shows each role what needs their attention, within their own scope."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from tests import factories
from tests.conftest import ClientFor


def panels(html: str) -> list[str]:
    return re.findall(r'<section class="panel home-panel" id="panel-(\w+)">', html)


def panel_links(html: str, key: str) -> list[str]:
    match = re.search(rf'id="panel-{key}">(.*?)</section>', html, re.S)
    assert match is not None, key
    return re.findall(r'<li>\s*<a href="[^"]+">([^<]+)</a>', match.group(1))


def test_province_sees_reports_to_approve_coverage_and_idle_pilot_items(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    zone = factories.create_zone(session, name="待审高新区")
    factories.create_report(session, scope="zone", zone_id=zone.id, status="submitted")
    factories.create_report(session, status="draft")
    element = factories.create_pilot_element(session, title="尚未启动的平台", status="not_started")
    factories.create_pilot_element(session, title="已落地的平台", status="landed")
    response = client_for(province).get("/")
    assert response.status_code == 200
    shown = panels(response.text)
    assert shown[:2] == ["reports_to_approve", "demands_to_triage"]
    assert {"coverage", "elements_not_started"} <= set(shown)
    assert len(panel_links(response.text, "reports_to_approve")) == 1
    assert "待审高新区" in panel_links(response.text, "reports_to_approve")[0]
    assert panel_links(response.text, "elements_not_started") == [element.title]


def test_zone_admin_sees_only_their_zones_needs_awaiting_triage(
    session: Session, client_for: ClientFor
) -> None:
    own = factories.create_zone(session)
    mine = factories.create_demand(
        session, factories.create_demand_enterprise(session, zone=own), title="本区待梳理需求"
    )
    factories.create_demand(session, title="别区待梳理需求")
    factories.create_demand(
        session,
        factories.create_demand_enterprise(session, zone=own),
        title="本区已凝练需求",
        triage_state="refined",
    )
    admin = Actor(role=Role.ZONE_ADMIN, user_id=4, username="zone_admin", zone_id=own.id)
    response = client_for(admin).get("/")
    assert "reports_to_approve" not in panels(response.text)
    assert panel_links(response.text, "demands_to_triage") == [mine.title]


def test_enterprise_user_sees_their_own_needs(session: Session, client_for: ClientFor) -> None:
    enterprise = factories.create_demand_enterprise(session)
    own = factories.create_demand(session, enterprise, title="本企业的需求")
    factories.create_demand(session, title="别家企业的需求")
    user = Actor(role=Role.ENTERPRISE_USER, user_id=6, username="ent", enterprise_id=enterprise.id)
    response = client_for(user).get("/")
    assert panels(response.text)[0] == "own_demands"
    assert panel_links(response.text, "own_demands") == [own.title]


def test_auditor_reads_but_has_nothing_to_approve(client_for: ClientFor) -> None:
    auditor = Actor(role=Role.AUDITOR, user_id=8, username="auditor")
    response = client_for(auditor).get("/")
    shown = panels(response.text)
    assert "reports_to_approve" not in shown
    assert "coverage" in shown


def test_match_progress_counts_what_the_enterprise_may_see(
    session: Session, client_for: ClientFor
) -> None:
    enterprise = factories.create_demand_enterprise(session)
    own = factories.create_demand(session, enterprise, title="本企业的需求", visibility="admins")
    factories.create_match(session, demand=own)
    factories.create_match(session, demand=own, state="interested")
    other = factories.create_demand(session, title="别家企业的需求", visibility="admins")
    factories.create_match(session, demand=other, state="interested")
    user = Actor(role=Role.ENTERPRISE_USER, user_id=6, username="ent", enterprise_id=enterprise.id)
    response = client_for(user).get("/")
    counts = dict(
        re.findall(
            r'<tr data-state="(\w+)">.*?<td class="num">(\d+)</td>',
            response.text,
            re.S,
        )
    )
    assert counts == {"recommended": "1", "viewed": "0", "interested": "1", "dismissed": "0"}
