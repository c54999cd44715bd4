"""A page never waits for a large index build: it is built in a thread, with its progress."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.session import build_engine
from shuanggao.matches import service
from shuanggao.matches.index import BACKGROUND_FROM, forget_index, get_index
from tests.conftest import ClientFor
from tests.dbs import fresh_database
from tests.factories import create_demand, create_supply_item, create_university
from tests.matches.conftest import CountingEncoder


def test_large_build_runs_in_the_background(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        settings = Settings(var_dir=tmp_path, database_url=url, encoder="counting")
        try:
            with factory() as session:
                uni = create_university(session)
                for i in range(BACKGROUND_FROM):
                    create_supply_item(
                        session, uni, title=f"储能安全成果{i}", abstract="热失控预警"
                    )
                demand = create_demand(session, title="储能安全预警", description="热失控")
                session.commit()
                demand_id = demand.id
            with factory() as session:
                with pytest.raises(service.IndexBuilding) as caught:
                    service.demand_matches_view(
                        session, settings, Actor.system(), demand_id, factory=factory
                    )
                progress = caught.value.progress
                deadline = time.monotonic() + 60
                while progress.running and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert (progress.running, progress.error) == (False, None)
                assert (progress.side, progress.done, progress.total) == (
                    "supply",
                    BACKGROUND_FROM,
                    BACKGROUND_FROM,
                )
                index = get_index(settings)
                assert isinstance(index.encoder, CountingEncoder)
                assert len(index.encoder.passages) == BACKGROUND_FROM
                # Now the page answers at once, and nothing is embedded again.
                view = service.demand_matches_view(
                    session, settings, Actor.system(), demand_id, factory=factory
                )
                assert len(view.run.hits) == 10
                assert len(index.encoder.passages) == BACKGROUND_FROM
        finally:
            forget_index(settings)
            engine.dispose()


def test_progress_endpoint_redirects_when_nothing_is_building(
    client_for: ClientFor, province: Actor, session: Session
) -> None:
    resp = client_for(province).get(
        "/matches/index/progress", params={"next": "/demands/1/matches"}
    )
    assert resp.status_code == 200
    assert resp.headers["HX-Redirect"] == "/demands/1/matches"
    resp = client_for(province).get("/matches/index/progress", params={"next": "https://x.y/"})
    assert resp.headers["HX-Redirect"] == "/"


def test_pages_show_the_build_progress_and_then_the_results(
    client_for: ClientFor, province: Actor, session: Session, settings: Settings
) -> None:
    from shuanggao.matches.index import BuildProgress

    demand = create_demand(session, title="储能安全预警")
    index = get_index(settings)
    index.build = BuildProgress(side="supply", done=30, total=120)
    client = client_for(province)
    for path in (f"/demands/{demand.id}/matches", f"/zones/{demand.zone_id}/map"):
        resp = client.get(path)
        assert resp.status_code == 202
        assert "正在为技术供给建立匹配索引" in resp.text
        assert "30 / 120" in resp.text
        assert 'data-value="25"' in resp.text
    resp = client.get("/matches/index/progress", params={"next": f"/demands/{demand.id}/matches"})
    assert 'hx-trigger="load delay:1s, poll-retry delay:2s"' in resp.text
    index.build.running = False
    resp = client.get("/matches/index/progress", params={"next": f"/demands/{demand.id}/matches"})
    assert resp.headers["HX-Redirect"] == f"/demands/{demand.id}/matches"
    assert client.get(f"/demands/{demand.id}/matches").status_code == 200
