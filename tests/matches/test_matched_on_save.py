"""A demand saved through the API or a page is matched in the background after the commit, so
the enterprise's home page shows 新的匹配推荐 without opening the matches page first."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.kit import jobs
from shuanggao.matches.models import Match
from tests.conftest import ClientFor
from tests.factories import create_demand_enterprise, create_supply_item, create_university


@pytest.fixture
def queued() -> Iterator[list[Callable[[], None]]]:
    """Jobs started after commits, held until the test runs them (the test's connection is
    shared, so they run in the test's thread, after the request has finished)."""
    started: list[Callable[[], None]] = []
    jobs.set_runner(started.append)
    try:
        yield started
    finally:
        jobs.set_runner(None)


def test_a_new_demand_is_matched_after_it_is_saved(
    client_for: ClientFor, session: Session, queued: list[Callable[[], None]]
) -> None:
    uni = create_university(session)
    item = create_supply_item(
        session, uni, title="储能电站锂电池热失控预警", abstract="锂电池储能安全预警"
    )
    enterprise = create_demand_enterprise(session)
    actor = Actor(
        role=Role.ENTERPRISE_USER, user_id=31, username="ent31", enterprise_id=enterprise.id
    )
    client = client_for(actor)
    home = client.get("/")
    assert home.status_code == 200
    assert "暂无新的匹配推荐。" in home.text

    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": enterprise.id,
            "title": "储能锂电池热失控预警",
            "description": "储能电站的锂电池安全预警",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code == 201, resp.text
    demand_id = resp.json()["id"]
    # Nothing is matched inside the request: one job waits for after the commit.
    assert session.scalars(select(Match).where(Match.demand_id == demand_id)).all() == []
    assert len(queued) == 1
    queued.pop()()

    rows = session.scalars(select(Match).where(Match.demand_id == demand_id)).all()
    assert [(m.supply_item_id, m.rank, m.state) for m in rows] == [(item.id, 1, "recommended")]
    home = client.get("/")
    assert "暂无新的匹配推荐。" not in home.text
    assert f"储能锂电池热失控预警 ← {item.title}" in home.text
    assert f'href="/demands/{demand_id}/matches"' in home.text


def test_an_edited_demand_is_matched_again_and_a_refused_save_queues_nothing(
    client_for: ClientFor, session: Session, queued: list[Callable[[], None]]
) -> None:
    enterprise = create_demand_enterprise(session)
    actor = Actor(
        role=Role.ENTERPRISE_USER, user_id=32, username="ent32", enterprise_id=enterprise.id
    )
    client = client_for(actor)
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": enterprise.id,
            "title": "高光谱分选",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code == 201, resp.text
    created = resp.json()
    queued.pop()()
    uni = create_university(session)
    item = create_supply_item(session, uni, title="高光谱农产品无损分选", abstract="高光谱成像")
    resp = client.patch(
        f"/api/v1/demands/{created['id']}",
        json={"description": "农产品高光谱分选设备", "version": created["version"]},
    )
    assert resp.status_code == 200, resp.text
    assert len(queued) == 1
    queued.pop()()
    rows = session.scalars(select(Match).where(Match.demand_id == created["id"])).all()
    assert [m.supply_item_id for m in rows] == [item.id]
    # A refused save (another enterprise's demand) queues nothing.
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": enterprise.id + 999,
            "title": "越权需求",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code in (403, 422)
    assert queued == []
