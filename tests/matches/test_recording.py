"""Storing recommendations (``matches.recording``): new pairs inserted, moved ones refreshed
under their version, unchanged ones left alone, people's judgements always kept."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.config import Settings
from shuanggao.matches import repository as repo
from shuanggao.matches import service
from shuanggao.matches.models import Match
from tests.demand.world import World, build_world
from tests.factories import create_supply_item


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    world = build_world(session)
    world.demands["public"].description = "储能电站电池热失控安全预警"
    session.flush()
    for title, abstract in (
        ("储能电池热失控预警算法", "热失控早期安全预警"),
        ("储能系统安全评估", "储能电站安全评估与预警"),
        ("电池安全监测平台", "电池热失控监测"),
    ):
        create_supply_item(session, world.uni_paired, title=title, abstract=abstract)
    return world


def _stored(session: Session, demand_id: int) -> dict[int, tuple[int, float, int, dict, int]]:
    session.expire_all()
    rows = session.scalars(select(Match).where(Match.demand_id == demand_id))
    return {m.supply_item_id: (m.id, m.score, m.rank, m.reasons, m.version) for m in rows}


def _updated_at(session: Session) -> dict[int, object]:
    return {r.id: r.updated_at for r in session.execute(select(Match.id, Match.updated_at))}


def _match_events(session: Session) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "match")
    return session.scalar(stmt) or 0


def test_stored_rows_are_the_hits_and_an_unchanged_search_rewrites_nothing(
    world: World, session: Session, settings: Settings
) -> None:
    demand = world.demands["public"]
    actor = world.actors["zone_a"]
    run = service.match_demand(session, settings, actor, demand.id)
    assert len(run.hits) == 3
    stored = _stored(session, demand.id)
    assert {k: v[1:] for k, v in stored.items()} == {
        h.obj.id: (h.score, h.rank, h.reasons, 1) for h in run.hits
    }
    assert all(h.match is None and h.pair == (demand, h.obj) for h in run.hits)
    updated = _updated_at(session)

    again = service.match_demand(session, settings, actor, demand.id)
    assert [(h.obj.id, h.score) for h in again.hits] == [(h.obj.id, h.score) for h in run.hits]
    assert _stored(session, demand.id) == stored
    assert _updated_at(session) == updated
    # Each search is audited, changed or not.
    assert _match_events(session) == 2


def test_moved_scores_are_refreshed_and_judgements_kept(
    world: World, session: Session, settings: Settings
) -> None:
    demand = world.demands["public"]
    actor = world.actors["zone_a"]
    first = service.match_demand(session, settings, actor, demand.id)
    judged = first.hits[0].obj.id
    match_id = _stored(session, demand.id)[judged][0]
    service.change_state(session, actor, match_id, "interested")
    before = _stored(session, demand.id)
    # Another item about other things changes every term's weight, hence every score.
    create_supply_item(session, world.uni_other, title="抗体药物筛选", abstract="单克隆抗体")

    run = service.match_demand(session, settings, actor, demand.id)
    after = _stored(session, demand.id)
    assert {h.obj.id for h in run.hits} >= set(before)
    for h in run.hits:
        row_id, score, rank, reasons, version = after[h.obj.id]
        assert (score, rank, reasons) == (h.score, h.rank, h.reasons)
        if h.obj.id not in before:
            assert version == 1
            continue
        assert row_id == before[h.obj.id][0]
        assert score != before[h.obj.id][1]
        assert version == before[h.obj.id][4] + 1
    row = repo.find_pairs(session, [(demand.id, judged)])[(demand.id, judged)]
    assert row.state == "interested"
    assert [(j.side, j.state) for j in row.judgements] == [("demand", "interested")]


def test_a_refresh_under_a_stale_version_changes_nothing(
    world: World, session: Session, settings: Settings
) -> None:
    demand = world.demands["public"]
    service.match_demand(session, settings, world.actors["zone_a"], demand.id)
    row_id, score, rank, reasons, version = next(iter(_stored(session, demand.id).values()))
    new = {"score": 0.5, "rank": 9, "method": "lexical", "reasons": {"method": "lexical"}}
    stale = [{"id": row_id, "version": version + 1, **new}]
    assert repo.update_matches(session, stale) == 0
    row = session.get(Match, row_id)
    assert row is not None
    assert (row.score, row.rank, row.reasons, row.version) == (score, rank, reasons, version)

    assert repo.update_matches(session, [{"id": row_id, "version": version, **new}]) == 1
    session.refresh(row)
    assert (row.score, row.rank, row.method, row.version) == (0.5, 9, "lexical", version + 1)
