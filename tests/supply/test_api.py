"""Supply items: who reads public and non-public items, who writes, field parsing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.supply.models import SupplyItem
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone
from tests.conftest import ClientFor
from tests.factories import create_supply_item, create_university, create_zone, version_of


@dataclass
class Unis:
    own: University
    other: University
    zone: Zone
    items: dict[str, SupplyItem]


@pytest.fixture
def unis(session: Session, app: FastAPI) -> Unis:
    own = create_university(session, name="本校")
    other = create_university(session, name="他校")
    zone = create_zone(session)
    items = {
        "own_public": create_supply_item(session, own, title="本校公开成果"),
        "own_private": create_supply_item(session, own, title="本校内部成果", is_public=False),
        "mine": create_supply_item(
            session, own, title="我的成果", owner_name="张三", owner_user_id=21
        ),
        "other_private": create_supply_item(session, other, title="他校内部成果", is_public=False),
    }
    return Unis(own, other, zone, items)


def _actors(u: Unis) -> dict[str, Actor]:
    own, other, zone = u.own, u.other, u.zone
    return {
        "province": Actor(role=Role.PROVINCE_ADMIN, user_id=1),
        "auditor": Actor(role=Role.AUDITOR, user_id=2),
        "own_admin": Actor(role=Role.UNIVERSITY_ADMIN, user_id=20, university_id=own.id),
        "researcher": Actor(role=Role.RESEARCHER, user_id=21, university_id=own.id),
        "other_researcher": Actor(role=Role.RESEARCHER, user_id=22, university_id=own.id),
        "other_admin": Actor(role=Role.UNIVERSITY_ADMIN, user_id=23, university_id=other.id),
        "zone_admin": Actor(role=Role.ZONE_ADMIN, user_id=24, zone_id=zone.id),
    }


READS = {
    "province": {"own_public", "own_private", "mine", "other_private"},
    "auditor": {"own_public", "own_private", "mine", "other_private"},
    "own_admin": {"own_public", "own_private", "mine"},
    "researcher": {"own_public", "own_private", "mine"},
    "other_researcher": {"own_public", "own_private", "mine"},
    "other_admin": {"own_public", "mine", "other_private"},
    "zone_admin": {"own_public", "mine"},
}


def test_read_scope(unis: Unis, client_for: ClientFor) -> None:
    for who in sorted(READS):
        _check_reads(who, unis, client_for)


def _check_reads(who: str, unis: Unis, client_for: ClientFor) -> None:
    client = client_for(_actors(unis)[who])
    items = unis.items
    resp = client.get("/api/v1/supply_items", params={"page_size": 200})
    assert resp.status_code == 200
    assert {i["id"] for i in resp.json()["items"]} == {items[k].id for k in READS[who]}
    for key, item in items.items():
        got = client.get(f"/api/v1/supply_items/{item.id}")
        assert got.status_code == (200 if key in READS[who] else 404)


def test_researcher_creates_own_item_and_edits_only_own(
    unis: Unis, client_for: ClientFor, session: Session
) -> None:
    actors = _actors(unis)
    own = unis.own
    client = client_for(actors["researcher"])
    resp = client.post(
        "/api/v1/supply_items",
        json={
            "kind": "数据资源",
            "university_id": own.id,
            "title": "锂电池热失控实验数据",
            "owner_name": "张三",
            "keywords": ["锂电池", " 热失控 ", "锂电池"],
            "maturity": "TRL 6",
            "transfer_modes": "许可；技术服务",
            "price_min": "100000",
            "price_max": "300000",
            "patent_numbers": ["zl202310123456.7"],
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["owner_user_id"] == 21
    assert body["kind"] == "data"
    assert body["keywords"] == ["锂电池", "热失控"]
    assert body["maturity"] == "trl6"
    assert body["transfer_modes"] == ["license", "service"]
    assert body["patent_numbers"] == ["ZL202310123456.7"]
    assert Decimal(body["price_max"]) == Decimal("300000")
    items = unis.items
    resp = client.patch(
        f"/api/v1/supply_items/{items['mine'].id}",
        json={"abstract": "更新", "version": version_of(session, items["mine"])},
    )
    assert resp.status_code == 200
    resp = client.patch(
        f"/api/v1/supply_items/{items['own_public'].id}",
        json={"abstract": "x", "version": version_of(session, items["own_public"])},
    )
    assert resp.status_code == 403
    session.refresh(items["own_public"])
    assert items["own_public"].abstract == ""
    other = client_for(actors["other_researcher"])
    resp = other.patch(
        f"/api/v1/supply_items/{items['mine'].id}",
        json={"abstract": "抢改", "version": version_of(session, items["mine"])},
    )
    assert resp.status_code == 403
    session.refresh(items["mine"])
    assert items["mine"].abstract == "更新"
    # A researcher cannot hand an item to someone else (nor move it to another university).
    resp = client.patch(
        f"/api/v1/supply_items/{items['mine'].id}",
        json={"owner_user_id": 22, "version": version_of(session, items["mine"])},
    )
    assert resp.status_code == 403
    session.refresh(items["mine"])
    assert items["mine"].owner_user_id == 21


def test_outsiders_cannot_write(unis: Unis, client_for: ClientFor, session: Session) -> None:
    for who in ["other_admin", "zone_admin", "auditor"]:
        _check_no_write(who, unis, client_for, session)


def _check_no_write(who: str, unis: Unis, client_for: ClientFor, session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(SupplyItem))
    client = client_for(_actors(unis)[who])
    resp = client.post(
        "/api/v1/supply_items",
        json={"kind": "科技成果", "university_id": unis.own.id, "title": "越权条目"},
    )
    assert resp.status_code == 403
    items = unis.items
    resp = client.delete(f"/api/v1/supply_items/{items['own_public'].id}")
    assert resp.status_code == 403
    assert session.scalar(select(func.count()).select_from(SupplyItem)) == before


def test_field_errors(unis: Unis, client_for: ClientFor) -> None:
    client = client_for(_actors(unis)["own_admin"])
    resp = client.post(
        "/api/v1/supply_items",
        json={
            "kind": "专家团队",
            "university_id": unis.own.id,
            "title": "储能安全团队",
            "maturity": "TRL10",
            "discipline_codes": ["08"],
            "patent_numbers": ["abc"],
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"maturity", "discipline_codes", "patent_numbers"}
    resp = client.post(
        "/api/v1/supply_items",
        json={
            "kind": "专家团队",
            "university_id": unis.own.id,
            "title": "储能安全团队",
            "price_min": "10",
            "price_max": "5",
        },
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"owner_name", "price_max"}


def test_stage_names_map_to_trl_levels() -> None:
    from shuanggao.supply.schemas import Maturity, maturity_level

    assert [Maturity(v).level for v in ("lab", "bench", "pilot", "industrial")] == [4, 5, 7, 9]
    assert maturity_level("trl3") == 3
    assert maturity_level(None) is None
