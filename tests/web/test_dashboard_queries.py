"""Query budgets of the dashboard pages: a page costs a fixed number of queries, whatever the
number of pairings, 五个一 items and records behind its figures (no query per row or per month)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.zones.models import Zone
from tests import factories
from tests.conftest import ClientFor

AS_OF = {"as_of": "2026-06-30"}  # a year of monthly trend points
KINDS = ("industry_direction", "platform", "project", "talent", "fund")


def grow(session: Session, zone: Zone, n: int) -> None:
    """``n`` more pairings (each in a zone of its own, one pairing per zone and batch) with
    五个一 items, and ``n`` more of each dated record in ``zone``."""
    for i in range(n):
        start = dt.date(2025, 7 + i % 6, 1 + i)
        uni = factories.create_university(session)
        pairing = factories.create_pairing(
            session, zone=factories.create_zone(session), universities=[uni], start_date=start
        )
        for kind in KINDS[: 1 + i % 5]:
            factories.create_pilot_element(session, pairing=pairing, kind=kind, status="landed")
        factories.create_project(session, zone=zone, university=uni, start_date=start)
        factories.create_platform(session, zone=zone, universities=[uni], established_date=start)
        factories.create_resident(session, zone=zone, university=uni, from_date=start)
        enterprise = factories.create_enterprise(session, zone=zone)
        factories.create_enterprise_service(
            session, enterprise=enterprise, university=uni, service_date=start
        )
        factories.create_funding(
            session, zone=zone, university=uni, amount=Decimal("10.50"), funding_date=start
        )


def cost(client: TestClient, count_queries: Callable[[], Any], path: str) -> int:
    with count_queries() as counter:
        response = client.get(path, params=AS_OF)
    assert response.status_code == 200, response.text
    return int(counter.count)


def statements(client: TestClient, count_queries: Callable[[], Any], path: str) -> str:
    with count_queries() as counter:
        client.get(path, params=AS_OF)
    return "\n".join(" ".join(s.split())[:160] for s in counter.statements)


def test_dashboard_pages_keep_a_query_budget(
    session: Session, client_for: ClientFor, province: Actor, count_queries: Callable[[], Any]
) -> None:
    zone = factories.create_zone(session, is_pilot=True)
    factories.create_pairing(session, zone=zone, start_date=dt.date(2025, 7, 1))
    grow(session, zone, 1)
    client = client_for(province)
    pages = {
        "/dashboard": 15,
        "/dashboard/boards": 10,
        f"/dashboard/zones/{zone.id}": 20,
    }
    small = {path: cost(client, count_queries, path) for path in pages}
    grow(session, zone, 11)
    large = {path: cost(client, count_queries, path) for path in pages}
    for path, budget in pages.items():
        # Twelve pairings cost what one does, and within the budget (it was 167–237 per view).
        assert large[path] == small[path], (path, small[path], large[path])
        assert large[path] <= budget, (path, large[path], statements(client, count_queries, path))


def test_city_table_costs_the_same_queries_however_many_zones(
    session: Session, client_for: ClientFor, province: Actor, count_queries: Callable[[], Any]
) -> None:
    city = "测试市"
    first = factories.create_zone(session, city=city)
    grow(session, first, 1)
    client = client_for(province)
    path = f"/dashboard/cities/{city}"
    one = cost(client, count_queries, path)
    for _ in range(5):
        grow(session, factories.create_zone(session, city=city), 2)
    six = cost(client, count_queries, path)
    # It was about a dozen queries per zone of the city.
    assert six == one, (one, six)
    assert six <= 15, statements(client, count_queries, path)
