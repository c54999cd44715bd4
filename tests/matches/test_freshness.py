"""The index follows every write made through the API, and a search with nothing changed costs
one stamp query: it never reads every row's fingerprint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.demand import repository as demand_repo
from shuanggao.matches import service
from shuanggao.matches.index import get_index
from shuanggao.supply import repository as supply_repo
from tests.conftest import ClientFor
from tests.factories import create_demand, create_supply_item, create_university


@pytest.fixture
def fingerprint_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times each side's fingerprints (every row) were read."""
    calls = {"supply": 0, "demand": 0}
    for side, repo in (("supply", supply_repo), ("demand", demand_repo)):
        original = repo.fingerprints

        def counted(session: Session, _side: str = side, _orig: Any = original) -> Any:
            calls[_side] += 1
            return _orig(session)

        monkeypatch.setattr(repo, "fingerprints", counted)
    return calls


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind()

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _text_ids(client: Any, text: str) -> list[int]:
    resp = client.get("/api/v1/matches/text", params={"text": text})
    assert resp.status_code == 200, resp.text
    return [r["id"] for r in resp.json()["results"]]


def test_supply_writes_through_the_api_reach_the_next_search(
    client_for: ClientFor, province: Actor, session: Session, fingerprint_reads: dict[str, int]
) -> None:
    uni = create_university(session)
    create_supply_item(session, uni, title="工业机器视觉缺陷检测", abstract="表面缺陷检测")
    client = client_for(province)
    vision = _text_ids(client, "锂电池热失控预警")
    assert len(vision) == 1
    assert fingerprint_reads["supply"] == 1

    resp = client.post(
        "/api/v1/supply_items",
        json={"kind": "科技成果", "university_id": uni.id, "title": "锂电池热失控预警系统"},
    )
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert _text_ids(client, "锂电池热失控预警") == [created["id"], *vision]
    assert fingerprint_reads["supply"] == 2

    # Nothing changed: no full comparison.
    assert _text_ids(client, "锂电池热失控预警") == [created["id"], *vision]
    assert fingerprint_reads["supply"] == 2

    resp = client.patch(
        f"/api/v1/supply_items/{created['id']}",
        json={"title": "高光谱农产品无损分选", "version": created["version"]},
    )
    assert resp.status_code == 200, resp.text
    assert _text_ids(client, "锂电池热失控预警")[-1] == created["id"]
    assert _text_ids(client, "高光谱农产品分选")[0] == created["id"]
    assert fingerprint_reads["supply"] == 3

    resp = client.delete(f"/api/v1/supply_items/{created['id']}")
    assert resp.status_code in (200, 204), resp.text
    assert _text_ids(client, "高光谱农产品分选") == vision
    assert fingerprint_reads["supply"] == 4
    # Demands were never compared: a supply search needs only the supply side.
    assert fingerprint_reads["demand"] == 0


def test_demand_writes_through_the_api_reach_the_next_search(
    client_for: ClientFor, province: Actor, session: Session, fingerprint_reads: dict[str, int]
) -> None:
    uni = create_university(session)
    item = create_supply_item(session, uni, title="锂电池热失控预警", abstract="储能安全")
    other = create_demand(session, title="抗体药物筛选", description="单克隆抗体")
    client = client_for(province)

    def demand_ids() -> list[int]:
        resp = client.get(f"/api/v1/matches/supply_items/{item.id}")
        assert resp.status_code == 200, resp.text
        return [r["id"] for r in resp.json()["results"]]

    assert demand_ids() == [other.id]
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": other.enterprise_id,
            "title": "储能电站锂电池热失控预警",
            "description": "锂电池储能安全",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert demand_ids() == [created["id"], other.id]
    reads = fingerprint_reads["demand"]
    assert demand_ids() == [created["id"], other.id]
    assert fingerprint_reads["demand"] == reads

    resp = client.patch(
        f"/api/v1/demands/{created['id']}",
        json={"title": "高光谱农产品分选", "description": "品质分级", "version": 1},
    )
    assert resp.status_code == 200, resp.text
    assert demand_ids()[-1] == created["id"]
    resp = client.patch(
        f"/api/v1/demands/{created['id']}",
        json={"title": "储能锂电池热失控预警", "description": "储能安全", "version": 2},
    )
    assert resp.status_code == 200, resp.text
    assert demand_ids() == [created["id"], other.id]
    resp = client.delete(f"/api/v1/demands/{created['id']}")
    assert resp.status_code in (200, 204), resp.text
    assert demand_ids() == [other.id]


def test_an_unchanged_search_reads_no_row_of_the_index_side(
    session: Session, settings: Settings, fingerprint_reads: dict[str, int]
) -> None:
    uni = create_university(session)
    for i in range(30):
        create_supply_item(session, uni, title=f"储能安全成果{i}", abstract="热失控预警")
    service.match_text(session, settings, Actor.system(), "储能热失控")
    assert fingerprint_reads["supply"] == 1
    with statements(session) as seen:
        run = service.match_text(session, settings, Actor.system(), "储能热失控")
    assert len(run.hits) == 10
    assert fingerprint_reads["supply"] == 1
    assert get_index(settings).full_syncs["supply"] == 1
    # The stamp (with the items of people who opted out of matching, in the same statement),
    # then the hits (one query for the items with their universities).
    stamp_reads = [s for s in seen if "change_stamp" in s]
    assert len(stamp_reads) == 1
    item_reads = [s for s in seen if "FROM supply_item" in s and "change_stamp" not in s]
    assert len(item_reads) == 1
    assert "IN (" in item_reads[0]


def test_bulk_writes_move_the_stamp(
    session: Session, settings: Settings, fingerprint_reads: dict[str, int]
) -> None:
    from sqlalchemy import insert, update

    from shuanggao.supply.models import SupplyItem

    uni = create_university(session)
    create_supply_item(session, uni, title="储能安全预警", abstract="热失控")
    assert len(service.match_text(session, settings, Actor.system(), "机器视觉").hits) == 1
    session.execute(
        insert(SupplyItem),
        [
            {
                "kind": "achievement",
                "university_id": uni.id,
                "title": "机器视觉缺陷检测",
                "keywords": [],
                "discipline_codes": [],
                "industry_codes": [],
                "patent_numbers": [],
                "transfer_modes": [],
                "is_public": True,
            }
        ],
    )
    assert len(service.match_text(session, settings, Actor.system(), "机器视觉").hits) == 2
    session.execute(
        update(SupplyItem)
        .where(SupplyItem.title == "机器视觉缺陷检测")
        .values(title="抗体药物筛选", version=SupplyItem.version + 1)
    )
    run = service.match_text(session, settings, Actor.system(), "抗体药物")
    assert run.hits[0].obj.title == "抗体药物筛选"
    assert fingerprint_reads["supply"] == 3
