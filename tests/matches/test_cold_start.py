"""Cold start: a fresh server's first save starts the after-save matching job, which builds the
search index. Meanwhile the server keeps answering: the job computes (index build, scoring)
holding no writer and takes the writer queue only to store its results, so a write request and a
match page served during the build answer 200, not 503 ``database_busy`` (on SQLite the job used
to hold the writer lock for the whole build). Runs on a committed database of its own (the job
and the requests use separate connections), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.db import session as db_session
from shuanggao.db.session import make_session_factory
from shuanggao.kit import jobs
from shuanggao.matches import index as index_module
from shuanggao.matches.index import MatchIndex
from shuanggao.matches.models import Match
from tests.dbs import fresh_database
from tests.factories import create_demand, create_demand_enterprise, create_supply_item
from tests.harness import app_on, clients_for, engine_for, settings_for

# How long a test waits for the other thread to reach its step (never reached when it works).
STEP_SECONDS = 60


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    with fresh_database(tmp_path) as url, engine_for(url) as engine:
        with Session(engine) as session:
            enterprise = create_demand_enterprise(session)
            for i in range(30):
                create_supply_item(
                    session, title=f"储能电站锂电池热失控预警{i}", abstract="锂电池储能安全预警"
                )
            other = create_demand(session, enterprise, title="高光谱农产品分选")
            session.commit()
            ids = {"enterprise": enterprise.id, "other": other.id, "version": other.version}
        settings = settings_for(tmp_path / "var", url)
        settings.encoder = "none"
        app = app_on(settings, make_session_factory(engine))
        with clients_for(app) as make:
            actor = Actor(
                role=Role.ENTERPRISE_USER,
                user_id=41,
                username="ent41",
                enterprise_id=ids["enterprise"],
            )
            yield {**ids, "engine": engine, "client": lambda: make(actor)}
        jobs.wait_idle()
        index_module.forget_index(settings)


@pytest.fixture
def held_build(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The after-save job's index build stops half-way until ``go`` is set; ``building`` is set
    once it got there. Builds in other threads (a request's) run as usual."""
    building, go = threading.Event(), threading.Event()
    original = MatchIndex._sync_side

    def held(self: MatchIndex, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "after-commit-job":
            building.set()
            go.wait(STEP_SECONDS)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MatchIndex, "_sync_side", held)
    # A request queued behind a held writer gives up sooner (the old failure, quickly).
    monkeypatch.setattr(db_session, "WRITER_WAIT_SECONDS", 2.0)
    try:
        yield building, go
    finally:
        go.set()


def test_requests_during_the_after_save_index_build_are_served(
    world: dict[str, Any], held_build: tuple[threading.Event, threading.Event]
) -> None:
    building, go = held_build
    client = world["client"]()
    resp = client.post(
        "/api/v1/demands",
        json={
            "enterprise_id": world["enterprise"],
            "title": "储能锂电池热失控预警",
            "description": "储能电站的锂电池安全预警",
            "cooperation_mode": "技术开发",
        },
    )
    assert resp.status_code == 201, resp.text
    demand_id = resp.json()["id"]
    assert building.wait(STEP_SECONDS), "the after-save job never started its index build"

    # A write while the job builds the index.
    edit = client.patch(
        f"/api/v1/demands/{world['other']}",
        json={"description": "农产品高光谱分选设备", "version": world["version"]},
    )
    assert edit.status_code == 200, edit.text
    # A match request (it records its results) sent during the build, answered after it.
    with ThreadPoolExecutor(1) as pool:
        page = pool.submit(
            lambda: world["client"]().get(f"/api/v1/matches/demands/{demand_id}?top=5")
        )
        go.set()
        answer = page.result(STEP_SECONDS)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["results"]) == 5
    assert jobs.wait_idle(STEP_SECONDS)

    with Session(world["engine"]) as session:
        stored = session.scalars(select(Match).where(Match.demand_id == demand_id)).all()
        assert len(stored) >= 5
