from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.kit.register import get_register
from shuanggao.pairings import service
from shuanggao.pairings.models import Pairing
from shuanggao.pairings.refs import resolve_pairing
from tests.conftest import ClientFor
from tests.factories import (
    create_pairing,
    create_programme_fact,
    create_university,
    create_zone,
    version_of,
)


def audit_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "pairings")
        )
        or 0
    )


def test_create_or_update_pairing_is_idempotent_and_merges_members(session: Session) -> None:
    actor = Actor.system("loader")
    zone = create_zone(session, name="连云港高新区")
    a, b = create_university(session, name="南京工业大学"), create_university(session)
    first = service.create_or_update_pairing(
        session,
        actor,
        zone.id,
        [a.id],
        "2025 首批试点",
        start_date=dt.date(2025, 7, 15),
        source_url="https://example.gov.cn/a",
    )
    assert first.university_ids == [a.id]
    assert first.lead_university_id == a.id
    assert audit_count(session) == 1
    again = service.create_or_update_pairing(
        session, actor, zone.id, [a.id], "pilot_2025", start_date=dt.date(2025, 7, 15)
    )
    assert again.id == first.id
    assert audit_count(session) == 1  # nothing changed, nothing written
    merged = service.create_or_update_pairing(
        session, actor, zone.id, [b.id], "pilot_2025", industry_direction="港口物流"
    )
    assert merged.id == first.id
    assert merged.university_ids == [a.id, b.id]
    assert merged.lead_university_id == a.id
    assert merged.industry_direction == "港口物流"
    assert merged.source_url == "https://example.gov.cn/a"
    assert merged.version == 2
    assert audit_count(session) == 2
    replaced = service.create_or_update_pairing(
        session, actor, zone.id, [b.id], "pilot_2025", replace_universities=True
    )
    assert replaced.university_ids == [b.id]
    assert replaced.lead_university_id == b.id
    assert session.scalar(select(func.count()).select_from(Pairing)) == 1


def test_pairing_refs_resolve_zone_and_batch(session: Session) -> None:
    zone = create_zone(session, name="江阴高新区")
    first = create_pairing(session, zone=zone, batch="pilot_2025")
    assert resolve_pairing(session, "江阴高新区") == first.id
    second = create_pairing(session, zone=zone, batch="expansion_2026")
    # Two batches: the zone alone is ambiguous; the batch (label or value) decides.
    assert resolve_pairing(session, "江阴高新区") is None
    assert resolve_pairing(session, "江阴高新区（2026 扩面）") == second.id
    assert resolve_pairing(session, "江阴高新区(pilot_2025)") == first.id
    assert resolve_pairing(session, "不存在高新区（2025 首批试点）") is None
    columns = {c.header: c for c in get_register("pairings").columns}
    assert columns["高新区"].ref is not None
    assert columns["高新区"].ref.resolve(session, "不存在的高新区") is None
    assert columns["高新区"].ref.resolve(session, "江阴高新区") == zone.id
    uni_ref = columns["结对高校"].ref
    assert uni_ref is not None and columns["结对高校"].multi
    uni = create_university(session, name="无锡学院", code="4132014437")
    assert uni_ref.resolve(session, "无锡学院") == uni.id
    assert uni_ref.resolve(session, "4132014437") == uni.id
    assert uni_ref.resolve(session, "无此大学") is None
    assert uni_ref.render(first) == list(first.university_names)
    element_columns = {c.header: c for c in get_register("pilot_elements").columns}
    assert element_columns["结对"].ref is not None
    assert element_columns["结对"].ref.render(type("E", (), {"pairing": second})()) == (
        "江阴高新区（2026 扩面）"
    )


def test_coverage_counts_zones_paired_by_date(session: Session, admin_client: TestClient) -> None:
    nj1 = create_zone(session, name="南京甲", city="南京市", level="national")
    nj2 = create_zone(session, name="南京乙", city="南京市", level="provincial")
    wx1 = create_zone(session, name="无锡甲", city="无锡市", level="national")
    wx2 = create_zone(session, name="无锡乙", city="无锡市", level="provincial")
    create_zone(session, name="筹建区", city="无锡市", level="provincial_prep")
    create_pairing(session, zone=nj1, start_date=dt.date(2025, 7, 15))
    create_pairing(session, zone=nj1, batch="expansion_2026", start_date=dt.date(2026, 2, 1))
    create_pairing(session, zone=wx1, start_date=dt.date(2026, 3, 1))
    create_pairing(session, zone=nj2, start_date=dt.date(2025, 8, 1), status="terminated")
    create_pairing(session, zone=wx2, start_date=None)
    # The denominator is the programme's stated total (a baseline fact), not the register.
    create_programme_fact(
        session,
        kind="programme_total",
        name="江苏省级以上高新区",
        figure=Decimal("10"),
        unit="家",
        source_url="https://example.org/total",
    )
    resp = admin_client.get("/api/v1/coverage", params={"as_of": "2025-11-30"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body == {
        "as_of": "2025-11-30",
        "target_year": 2027,
        "zones_total": 10,
        "zones_paired": 1,
        "zones_unpaired": 9,
        "zones_registered": 4,
        "zones_unregistered": 6,
        "target_source": "https://example.org/total",
        "coverage_percent": 10.0,
        "years_left": 3,
        "needed_per_year": 3.0,
        "by_city": [
            {"key": "南京市", "total": 2, "paired": 1, "unpaired": 1},
            {"key": "无锡市", "total": 2, "paired": 0, "unpaired": 2},
        ],
        "by_level": [
            {"key": "国家级", "total": 2, "paired": 1, "unpaired": 1},
            {"key": "省级", "total": 2, "paired": 0, "unpaired": 2},
        ],
        "paired_zones": [{"id": nj1.id, "name": "南京甲", "city": "南京市", "level": "national"}],
        "unpaired_zones": [
            {"id": nj2.id, "name": "南京乙", "city": "南京市", "level": "provincial"},
            {"id": wx1.id, "name": "无锡甲", "city": "无锡市", "level": "national"},
            {"id": wx2.id, "name": "无锡乙", "city": "无锡市", "level": "provincial"},
        ],
    }
    later = service.coverage(session, Actor.system(), dt.date(2026, 6, 30))
    assert (later.zones_paired, later.zones_unpaired, later.coverage_percent) == (2, 8, 20.0)
    assert (later.years_left, later.needed_per_year) == (2, 4.0)
    assert [z.name for z in later.unpaired_zones] == ["南京乙", "无锡乙"]


def test_coverage_is_the_same_for_every_role(client_for: ClientFor, session: Session) -> None:
    zone = create_zone(session)
    create_pairing(session, zone=zone, start_date=dt.date(2025, 7, 1))
    other = create_zone(session)
    client = client_for(Actor(role=Role.ZONE_ADMIN, user_id=3, username="z", zone_id=other.id))
    body = client.get("/api/v1/coverage", params={"as_of": "2025-12-31"}).json()
    # No baseline fact in this database: the shipped baseline's 61 (with its source) applies.
    assert (body["zones_total"], body["zones_paired"], body["zones_registered"]) == (61, 1, 2)
    assert body["zones_unregistered"] == 59
    assert body["target_source"] == "https://www-web.itiger.com/news/1179776883"
    bad = client.get("/api/v1/coverage", params={"as_of": "2025-13-01"})
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"as_of"}


def test_lead_can_stay_unknown(session: Session, admin_client: TestClient) -> None:
    actor = Actor.system("loader")
    zone = create_zone(session)
    a, b, c = (create_university(session) for _ in range(3))
    pairing = service.create_or_update_pairing(
        session, actor, zone.id, [a.id, b.id], "pilot_2025", lead_unknown=True
    )
    assert pairing.lead_university_id is None
    assert pairing.university_ids == [a.id, b.id]
    # Adding a member keeps the lead unknown; naming one sets it.
    pairing = service.create_or_update_pairing(session, actor, zone.id, [c.id], "pilot_2025")
    assert (pairing.university_ids, pairing.lead_university_id) == ([a.id, b.id, c.id], None)
    resp = admin_client.patch(
        f"/api/v1/pairings/{pairing.id}",
        json={"version": version_of(session, pairing), "lead_university_id": b.id},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["university_ids"] == [b.id, a.id, c.id]
    assert resp.json()["lead_university_id"] == b.id
    resp = admin_client.patch(
        f"/api/v1/pairings/{pairing.id}",
        json={"version": version_of(session, pairing), "lead_unknown": True},
    )
    assert resp.json()["lead_university_id"] is None
    both = admin_client.patch(
        f"/api/v1/pairings/{pairing.id}",
        json={
            "version": version_of(session, pairing),
            "lead_unknown": True,
            "lead_university_id": a.id,
        },
    )
    assert both.status_code == 422
    assert set(both.json()["fields"]) == {"lead_unknown"}
