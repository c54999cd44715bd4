from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.errors import NotFound
from shuanggao.reports.service import (
    ZONE_TABLE_FIGURES,
    compute_series,
    compute_stats,
    period_ends,
    zone_table,
)
from tests.conftest import ClientFor
from tests.factories import (
    create_enterprise,
    create_enterprise_service,
    create_funding,
    create_pairing,
    create_platform,
    create_project,
    create_report,
    create_resident,
    create_university,
    create_zone,
)

D = dt.date


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    a = create_zone(session, name="甲高新区")
    b = create_zone(session, name="乙高新区")
    u1, u2, u3 = (create_university(session) for _ in range(3))
    create_pairing(session, zone=a, universities=[u1, u2], start_date=D(2025, 7, 15))
    create_pairing(session, zone=b, universities=[u3, u1], start_date=D(2025, 12, 1))
    create_project(session, zone=a, university=u1, start_date=D(2025, 8, 1))
    create_project(session, zone=a, university=u2, start_date=D(2026, 1, 1))
    create_project(session, zone=b, university=u3)  # undated: never counted
    create_platform(session, zone=a, universities=[u1], established_date=D(2025, 9, 1))
    create_resident(session, zone=a, university=u1, from_date=D(2025, 7, 20))
    create_resident(
        session, zone=a, university=u2, from_date=D(2025, 7, 20), to_date=D(2025, 10, 31)
    )
    create_resident(session, zone=b, university=u3, from_date=D(2025, 11, 1))
    e1, e2 = create_enterprise(session, zone=a), create_enterprise(session, zone=b)
    create_enterprise_service(session, enterprise=e1, university=u1, service_date=D(2025, 8, 5))
    create_enterprise_service(session, enterprise=e1, university=u2, service_date=D(2025, 10, 5))
    create_enterprise_service(session, enterprise=e2, university=u3, service_date=D(2026, 1, 5))
    create_funding(
        session, zone=a, university=u1, amount=Decimal("0.10"), funding_date=D(2025, 9, 1)
    )
    create_funding(
        session, zone=a, university=u2, amount=Decimal("0.20"), funding_date=D(2025, 11, 1)
    )
    create_funding(
        session, zone=b, university=u3, amount=Decimal("1000"), funding_date=D(2025, 12, 5)
    )
    return {"a": a, "b": b, "u1": u1}


def _values(stats: Any) -> dict[str, tuple[Any, str, Any]]:
    return {n: (f.value, f.source, f.records) for n, f in stats.figures.items()}


def test_records_only(session: Session, province: Actor, world: dict[str, Any]) -> None:
    stats = compute_stats(session, province, D(2025, 11, 30))
    assert _values(stats) == {
        "zones": (1, "records", 1),
        "universities": (2, "records", 2),
        "pairings": (2, "records", 2),
        "projects": (1, "records", 1),
        "platforms": (1, "records", 1),
        "residents": (2, "records", 2),
        "enterprises_served": (1, "records", 1),
        "funding_yuan": (Decimal("0.30"), "records", Decimal("0.30")),
    }
    later = compute_stats(session, province, D(2026, 1, 31))
    assert {n: f.records for n, f in later.figures.items()} == {
        "zones": 2,
        "universities": 3,
        "pairings": 4,
        "projects": 2,
        "platforms": 1,
        "residents": 2,
        "enterprises_served": 2,
        "funding_yuan": Decimal("1000.30"),
    }


def test_pilot_flags_count_as_pilots(
    session: Session, province: Actor, world: dict[str, Any]
) -> None:
    create_zone(session, is_pilot=True)
    create_university(session, is_pilot=True)
    world["a"].is_pilot = True
    session.flush()
    stats = compute_stats(session, province, D(2025, 11, 30))
    assert stats.figures["zones"].records == 2
    assert stats.figures["universities"].records == 3


def test_latest_approved_report_wins_per_figure(
    session: Session, province: Actor, world: dict[str, Any]
) -> None:
    first = create_report(
        session,
        status="approved",
        projects=342,
        residents=1000,
        funding_yuan=Decimal("750000000"),
        qualifiers={"residents": "多"},
    )
    second = create_report(
        session,
        status="approved",
        period_start=D(2025, 12, 1),
        period_end=D(2025, 12, 31),
        as_of_date=D(2025, 12, 31),
        projects=400,
    )
    create_report(
        session,
        status="submitted",
        period_end=D(2025, 11, 29),
        as_of_date=D(2025, 11, 29),
        zones=99,
    )
    before = compute_stats(session, province, D(2025, 11, 29))
    assert all(f.source == "records" for f in before.figures.values())

    stats = compute_stats(session, province, D(2025, 11, 30))
    projects = stats.figures["projects"]
    assert (projects.value, projects.source, projects.records) == (342, "reports", 1)
    assert projects.report_id == first.id
    assert projects.report_as_of == D(2025, 11, 30)
    residents = stats.figures["residents"]
    assert (residents.value, residents.qualifier, residents.records) == (1000, "多", 2)
    assert stats.figures["zones"].source == "records"

    later = compute_stats(session, province, D(2026, 1, 31))
    assert later.figures["projects"].value == 400
    assert later.figures["projects"].report_id == second.id
    # The newer report has no resident figure: the older approved one still answers.
    assert later.figures["residents"].report_id == first.id
    assert later.figures["funding_yuan"].value == Decimal("750000000")
    assert later.figures["funding_yuan"].records == Decimal("1000.30")


def test_zone_scope_uses_zone_reports(
    session: Session, province: Actor, world: dict[str, Any]
) -> None:
    a = world["a"]
    create_report(session, status="approved", projects=342)
    create_report(session, scope="zone", zone_id=a.id, status="approved", projects=12)
    stats = compute_stats(session, province, D(2025, 11, 30), zone_id=a.id)
    assert stats.zone_name == "甲高新区"
    assert _values(stats)["projects"] == (12, "reports", 1)
    assert _values(stats)["zones"] == (1, "records", 1)
    assert _values(stats)["funding_yuan"] == (Decimal("0.30"), "records", Decimal("0.30"))


def test_zone_admin_sees_own_zone(session: Session, world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    admin = Actor(role=Role.ZONE_ADMIN, user_id=5, zone_id=b.id)
    create_report(session, scope="zone", zone_id=a.id, status="approved", projects=12)
    stats = compute_stats(session, admin, D(2026, 1, 31))
    assert stats.zone_id == b.id
    assert _values(stats)["residents"] == (1, "records", 1)
    assert _values(stats)["funding_yuan"] == (Decimal("1000.00"), "records", Decimal("1000.00"))
    with pytest.raises(NotFound):
        compute_stats(session, admin, D(2026, 1, 31), zone_id=a.id)


def test_university_admin_sees_records_of_own_university(
    session: Session, world: dict[str, Any]
) -> None:
    create_report(session, status="approved", projects=342)
    admin = Actor(role=Role.UNIVERSITY_ADMIN, user_id=6, university_id=world["u1"].id)
    stats = compute_stats(session, admin, D(2026, 1, 31))
    assert _values(stats)["projects"] == (1, "records", 1)
    assert _values(stats)["pairings"] == (2, "records", 2)
    assert _values(stats)["residents"] == (1, "records", 1)


def test_period_ends() -> None:
    assert period_ends(D(2025, 11, 15), D(2026, 2, 28), "month") == [
        D(2025, 11, 30),
        D(2025, 12, 31),
        D(2026, 1, 31),
        D(2026, 2, 28),
    ]
    assert period_ends(D(2025, 7, 1), D(2026, 1, 10), "quarter") == [
        D(2025, 9, 30),
        D(2025, 12, 31),
        D(2026, 1, 10),
    ]


def test_series(session: Session, province: Actor, world: dict[str, Any]) -> None:
    points = compute_series(session, province, D(2025, 7, 1), D(2026, 1, 31))
    assert [p.as_of for p in points][:2] == [D(2025, 7, 31), D(2025, 8, 31)]
    assert [p.figures["projects"].records for p in points] == [0, 1, 1, 1, 1, 1, 2]
    assert [p.figures["enterprises_served"].records for p in points] == [0, 1, 1, 1, 1, 1, 2]


def test_series_every_figure_at_every_point(
    session: Session, province: Actor, world: dict[str, Any]
) -> None:
    points = compute_series(session, province, D(2025, 7, 1), D(2026, 1, 31))
    assert [p.as_of for p in points] == [
        D(2025, 7, 31),
        D(2025, 8, 31),
        D(2025, 9, 30),
        D(2025, 10, 31),
        D(2025, 11, 30),
        D(2025, 12, 31),
        D(2026, 1, 31),
    ]
    series = {name: [p.figures[name].records for p in points] for name in points[0].figures}
    cents = [Decimal(v) for v in ("0", "0", "0.10", "0.10", "0.30", "1000.30", "1000.30")]
    assert series == {
        "zones": [1, 1, 1, 1, 1, 2, 2],
        "universities": [2, 2, 2, 2, 2, 3, 3],
        "pairings": [2, 2, 2, 2, 2, 4, 4],
        "projects": [0, 1, 1, 1, 1, 1, 2],
        "platforms": [0, 0, 1, 1, 1, 1, 1],
        # The second resident's last day (10-31) still counts; the third arrives 11-01.
        "residents": [2, 2, 2, 2, 2, 2, 2],
        "enterprises_served": [0, 1, 1, 1, 1, 1, 2],
        "funding_yuan": cents,
    }
    # Each point is what compute_stats says for that day.
    for point in points:
        assert _values(point) == _values(compute_stats(session, province, point.as_of))
    zone_a = compute_series(
        session, province, D(2025, 7, 1), D(2025, 12, 31), zone_id=world["a"].id
    )
    assert [p.figures["residents"].records for p in zone_a] == [2, 2, 2, 2, 1, 1]
    assert [p.figures["universities"].records for p in zone_a] == [2] * 6


def test_series_costs_the_same_queries_however_many_points(
    session: Session, engine: Engine, province: Actor, world: dict[str, Any]
) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    costs = []
    for end in (D(2025, 8, 31), D(2026, 6, 30)):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            points = compute_series(session, province, D(2025, 7, 1), end)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        costs.append((len(points), len(statements)))
    assert [n for n, _ in costs] == [2, 12]
    assert costs[0][1] == costs[1][1] <= 12, costs


@pytest.mark.parametrize("as_of", [D(2025, 8, 31), D(2025, 11, 30), D(2026, 1, 31)])
def test_zone_table_is_compute_stats_of_each_zone(
    session: Session, province: Actor, world: dict[str, Any], as_of: dt.date
) -> None:
    create_report(
        session,
        scope="zone",
        zone_id=world["a"].id,
        status="approved",
        projects=40,
        as_of_date=D(2025, 10, 31),
        period_end=D(2025, 10, 31),
    )
    university_admin = Actor(
        role=Role.UNIVERSITY_ADMIN, user_id=9, username="u", university_id=world["u1"].id
    )
    zones = [world["a"].id, world["b"].id]
    for actor in (province, university_admin):
        table = zone_table(session, actor, as_of, zones)
        assert set(table) == set(zones)
        for zid in zones:
            whole = compute_stats(session, actor, as_of, zid).figures
            assert table[zid] == {name: whole[name] for name in ZONE_TABLE_FIGURES}
    sourced = zone_table(session, province, D(2025, 11, 30), zones)[world["a"].id]["projects"]
    assert (sourced.value, sourced.source, sourced.records) == (40, "reports", 1)


def test_stats_api(admin_client: TestClient, session: Session, world: dict[str, Any]) -> None:
    report = create_report(
        session, status="approved", enterprises_served=560, qualifiers={"enterprises_served": "超"}
    )
    resp = admin_client.get("/api/v1/stats", params={"as_of": "2025-11-30"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["as_of"] == "2025-11-30"
    assert body["zone_id"] is None
    assert body["figures"]["enterprises_served"] == {
        "value": 560,
        "source": "reports",
        "records": 1,
        "label": "服务企业",
        "unit": "家",
        "qualifier": "超",
        "report_id": report.id,
        "report_as_of": "2025-11-30",
    }
    assert body["figures"]["funding_yuan"]["value"] == 0.3
    assert body["figures"]["funding_yuan"]["source"] == "records"
    unknown = admin_client.get("/api/v1/stats", params={"as_of": "2025-11-30", "zone_id": 999999})
    assert unknown.status_code == 404
    too_big = admin_client.get("/api/v1/stats", params={"zone_id": 10**20})
    assert too_big.status_code == 422
    assert set(too_big.json()["fields"]) == {"zone_id"}
    far = admin_client.get(
        "/api/v1/stats/series", params={"from": "9999-11-01", "to": "9999-12-31"}
    )
    assert far.status_code == 200
    assert [p["as_of"] for p in far.json()["points"]] == ["9999-11-30", "9999-12-31"]


def test_series_api(client_for: ClientFor, session: Session, world: dict[str, Any]) -> None:
    client = client_for(Actor(role=Role.ZONE_ADMIN, user_id=5, zone_id=world["a"].id))
    resp = client.get(
        "/api/v1/stats/series", params={"from": "2025-07-01", "to": "2025-09-15", "step": "month"}
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["step"], body["from"], body["to"], body["zone_id"]) == (
        "month",
        "2025-07-01",
        "2025-09-15",
        world["a"].id,
    )
    assert [p["as_of"] for p in body["points"]] == ["2025-07-31", "2025-08-31", "2025-09-15"]
    assert [p["figures"]["residents"]["value"] for p in body["points"]] == [2, 2, 2]
    backwards = client.get(
        "/api/v1/stats/series", params={"from": "2025-07-01", "to": "2025-06-01"}
    )
    assert backwards.status_code == 422
    too_long = client.get("/api/v1/stats/series", params={"from": "2000-01-01", "to": "2026-01-01"})
    assert too_long.status_code == 422
    assert set(too_long.json()["fields"]) == {"to"}
