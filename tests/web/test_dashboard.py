"""数说双高协同: figures as of a date with their source, drill-down and the 五个一 board."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from tests import factories
from tests.conftest import ClientFor

ARTICLE = {
    "zones": 18,
    "universities": 37,
    "pairings": 51,
    "projects": 342,
    "platforms": 58,
    "residents": 1000,
    "enterprises_served": 560,
    "funding_yuan": Decimal("750000000"),
}


def figures(html: str) -> dict[str, str]:
    """``{figure name: shown number}`` of the figure cards."""
    cards = re.findall(
        r'id="figure-(\w+)".*?<span class="figure-number">([^<]*)</span>', html, re.S
    )
    return dict(cards)


def sources(html: str) -> dict[str, str]:
    found = {}
    for name, body in re.findall(r'id="figure-(\w+)"(.*?)</div>\s*</div>', html, re.S):
        found[name] = "reports" if "来自已审核填报" in body else "records"
    return found


def approved_article_report(session: Session) -> None:
    factories.create_report(
        session,
        status="approved",
        qualifiers={"residents": "多", "enterprises_served": "超"},
        **ARTICLE,
    )


def test_figures_as_of_the_article_date_come_from_the_approved_report(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    approved_article_report(session)
    factories.create_project(session, start_date=dt.date(2025, 9, 1))
    response = client_for(province).get("/dashboard", params={"as_of": "2025-11-30"})
    assert response.status_code == 200
    assert figures(response.text) == {
        "universities": "37",
        "zones": "18",
        "pairings": "51",
        "projects": "342",
        "platforms": "58",
        "residents": "1,000",
        "enterprises_served": "560",
        "funding_yuan": "75,000 万元",
    }
    assert set(sources(response.text).values()) == {"reports"}
    # The qualifiers of “1000多名”, “超560家”.
    assert re.search(
        r'id="figure-residents".*?1,000</span><span class="figure-unit">多名', response.text, re.S
    )
    assert re.search(
        r'id="figure-enterprises_served".*?figure-prefix">超</span>', response.text, re.S
    )
    # The charts read the JSON endpoints; their data tables are in the page.
    assert 'data-url="/api/v1/stats/series?from=2025-07-01&amp;to=2025-11-30"' in response.text
    assert 'data-url="/api/v1/coverage?as_of=2025-11-30"' in response.text
    assert 'id="trend-table"' in response.text and 'id="coverage-table"' in response.text


def test_before_any_report_the_figures_are_counted_from_records(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    approved_article_report(session)
    response = client_for(province).get("/dashboard", params={"as_of": "2025-10-31"})
    assert set(sources(response.text).values()) == {"records"}


def test_an_unreadable_date_falls_back_with_a_message(
    client_for: ClientFor, province: Actor
) -> None:
    response = client_for(province).get("/dashboard", params={"as_of": "2025-13-45"})
    assert response.status_code == 200
    assert "无法识别" in response.text


def test_city_and_zone_drill_down(session: Session, client_for: ClientFor, province: Actor) -> None:
    zone = factories.create_zone(session, name="钻取高新区", city="泰州市", level="provincial")
    pairing = factories.create_pairing(session, zone=zone)
    client = client_for(province)
    city = client.get("/dashboard/cities/泰州市", params={"as_of": "2026-01-31"})
    assert city.status_code == 200
    assert f'href="/dashboard/zones/{zone.id}?as_of=2026-01-31">钻取高新区</a>' in city.text
    page = client.get(f"/dashboard/zones/{zone.id}", params={"as_of": "2026-01-31"})
    assert page.status_code == 200
    assert f'href="/pairings/{pairing.id}/board"' in page.text
    assert f"zone_id={zone.id}" in page.text  # the zone's trend chart reads the zone's series
    assert client.get("/dashboard/cities/没有的市").status_code == 404


def test_zone_admin_is_sent_to_their_zone(session: Session, client_for: ClientFor) -> None:
    zone = factories.create_zone(session)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone_admin", zone_id=zone.id)
    response = client_for(admin).get("/dashboard?as_of=2025-11-30", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/dashboard/zones/{zone.id}?as_of=2025-11-30"


def test_board_shows_the_five_slots_with_their_items(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    pairing = factories.create_pairing(session)
    factories.create_pilot_element(
        session, pairing=pairing, kind="platform", title="看板测试联合实验室", status="landed"
    )
    response = client_for(province).get(f"/pairings/{pairing.id}/board")
    assert response.status_code == 200
    kinds = re.findall(
        r'<section class="board-card status-(\w+)" data-kind="(\w+)">', response.text
    )
    assert kinds == [
        ("not_started", "industry_direction"),
        ("landed", "platform"),
        ("not_started", "leading_talent"),
        ("not_started", "conversion_fund"),
        ("not_started", "benchmark_projects"),
    ]
    assert "看板测试联合实验室" in response.text
    assert "已落地 1 / 5" in response.text


def test_board_of_another_tenants_pairing_is_not_found(
    session: Session, client_for: ClientFor
) -> None:
    own = factories.create_zone(session)
    other = factories.create_pairing(session)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone_admin", zone_id=own.id)
    response = client_for(admin).get(f"/pairings/{other.id}/board")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_university_admin_sees_the_figures_of_their_own_scope(
    session: Session, client_for: ClientFor
) -> None:
    approved_article_report(session)
    university = factories.create_university(session)
    admin = Actor(
        role=Role.UNIVERSITY_ADMIN, user_id=7, username="uni_admin", university_id=university.id
    )
    response = client_for(admin).get("/dashboard", params={"as_of": "2025-11-30"})
    assert response.status_code == 200
    assert 'id="scope-note"' in response.text
    # The programme report covers the whole province, which this reader's records do not.
    assert set(sources(response.text).values()) == {"records"}


def test_boards_overview_lists_the_pilots_with_least_landed_first(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    ahead = factories.create_pairing(session)
    behind = factories.create_pairing(session)
    for kind in ("industry_direction", "platform"):
        factories.create_pilot_element(session, pairing=ahead, kind=kind, status="landed")
    factories.create_pilot_element(session, pairing=behind, kind="platform", status="in_progress")
    response = client_for(province).get("/dashboard/boards")
    assert response.status_code == 200
    rows = re.findall(r'<a href="/pairings/(\d+)/board">', response.text)
    assert rows.index(str(behind.id)) < rows.index(str(ahead.id))
    row = re.search(
        rf'/pairings/{ahead.id}/board">.*?<strong>(\d)</strong> / 5', response.text, re.S
    )
    assert row is not None and row.group(1) == "2"
