"""The 填报 pages: overview, opening a report, saving figures through the form, the records
behind a figure, and the 新增 button of the register page for a zone administrator."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.reports.models import PeriodicReport
from tests.conftest import ClientFor
from tests.reports.test_filling import world  # noqa: F401 - the fixture


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_zone_fills_its_report_in_the_pages(
    client_for: ClientFor,
    session: Session,
    world: dict[str, Any],  # noqa: F811
) -> None:
    a, q3 = world["a"], world["q3"]
    actor = Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=a.id)
    client = client_for(actor)
    overview = client.get("/reports?as_of=2026-11-05")
    assert overview.status_code == 200
    assert f'data-period="{q3.id}" data-zone="{a.id}" data-state="overdue"' in overview.text
    token = _csrf(overview.text)
    opened = client.post(
        "/reports/open",
        data={"period_id": str(q3.id), "csrf_token": token},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    href = opened.headers["location"]
    report_id = int(href.rsplit("/", 1)[1])
    sheet = client.get(href)
    assert sheet.status_code == 200
    assert 'name="figure.projects"' in sheet.text
    assert f"/reports/records/projects?zone_id={a.id}&amp;as_of=2026-09-30" in sheet.text
    bad = client.post(
        f"{href}/save",
        data={"csrf_token": token, "version": "1", "figure.projects": "abc"},
    )
    assert bad.status_code == 422
    assert "合作研发项目：“abc”不是数字" in bad.text
    saved = client.post(
        f"{href}/save",
        data={
            "csrf_token": token,
            "version": "1",
            "figure.projects": "9",
            "explain.projects": "另有 7 个项目尚未登记",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.expire_all()
    report = session.get(PeriodicReport, report_id)
    assert report is not None
    assert (report.projects, report.explanations) == (9, {"projects": "另有 7 个项目尚未登记"})
    stale = client.post(f"{href}/submit", data={"csrf_token": token, "version": "1"})
    assert stale.status_code == 409
    done = client.post(
        f"{href}/submit", data={"csrf_token": token, "version": "2"}, follow_redirects=False
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(PeriodicReport, report_id).status == "submitted"  # type: ignore[union-attr]


def test_zone_admin_may_add_a_report_in_the_register_pages(
    client_for: ClientFor,
    world: dict[str, Any],  # noqa: F811
) -> None:
    actor = Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=world["a"].id)
    client = client_for(actor)
    assert client.get("/r/reports/new").status_code == 200
    assert 'href="/r/reports/new"' in client.get("/r/reports").text


def test_dashboard_figures_link_to_their_report_or_records(
    client_for: ClientFor,
    province: Actor,
    session: Session,
    world: dict[str, Any],  # noqa: F811
) -> None:
    from shuanggao.reports import workflow

    a, q3 = world["a"], world["q3"]
    report = workflow.open_report(session, province, q3.id, a.id)
    report = workflow.save_figures(
        session,
        province,
        report.id,
        expected_version=report.version,
        figures={"projects": "7"},
        explanations={"projects": "含未登记项目"},
    )
    report = workflow.submit_report(session, province, report.id, expected_version=report.version)
    report = workflow.approve_report(session, province, report.id, expected_version=report.version)
    client = client_for(province)
    page = client.get(f"/dashboard/zones/{a.id}?as_of=2026-10-15").text
    card = re.search(r'id="figure-projects".*?</div>\s*</div>', page, re.S)
    assert card is not None
    assert f'href="/reports/{report.id}"' in card.group(0)
    assert f"/reports/records/projects?as_of=2026-10-15&amp;zone_id={a.id}" in card.group(0)
    city = client.get(f"/dashboard/cities/{a.city}?as_of=2026-10-15").text
    assert f'<a href="/reports/{report.id}">7</a>' in city
    quality = client.get("/dashboard/quality?as_of=2026-10-15")
    assert quality.status_code == 200
    row = re.search(rf'<tr data-zone="{a.id}" data-gaps="(\d+)">(.*?)</tr>', quality.text, re.S)
    assert row is not None
    # Projects 7 reported vs 3 recorded on 2026-10-15; the rest reported as recorded.
    assert row.group(1) == "1"
    assert f'<a href="/reports/{report.id}">7</a>' in row.group(2)
    zone_view = client_for(
        Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=world["b"].id)
    ).get("/dashboard/quality?as_of=2026-10-15")
    assert re.findall(r'<tr data-zone="(\d*)"', zone_view.text) == [str(world["b"].id)]
