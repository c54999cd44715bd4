"""``matches.upkeep.warm_up`` (run by ``shuanggao serve`` in a background thread at start):
afterwards the duplicate index holds every stored need, so the first save after a restart
compares nothing but its own row; a database it cannot read costs a log line, not the server."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.matches import dup_index
from shuanggao.matches.upkeep import warm_up
from tests.dbs import fresh_database
from tests.factories import create_demand, create_demand_enterprise
from tests.harness import settings_for


def test_warm_up_brings_the_duplicate_index_in_step(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        try:
            factory = make_session_factory(engine)
            with factory() as session:
                firm = create_demand_enterprise(session)
                ids = [create_demand(session, firm, title=f"预热需求{i}").id for i in range(5)]
                session.commit()
                dup_index.forget(session)
            settings = settings_for(tmp_path / "var", url).model_copy(update={"encoder": "none"})
            with caplog.at_level(logging.INFO, logger="shuanggao.matches"):
                warm_up(settings)
            assert "duplicate index in step (5 needs read)" in caplog.text
            with factory() as session:
                index = dup_index.index_for(session)
                assert index.synced and set(ids) <= set(index.entries)
                assert index.sync(session) == 0  # nothing left to read for the first save
                dup_index.forget(session)
        finally:
            engine.dispose()


def test_warm_up_on_an_unreadable_database_only_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}"
    settings = settings_for(tmp_path / "var", url).model_copy(update={"encoder": "none"})
    with caplog.at_level(logging.WARNING, logger="shuanggao.matches"):
        warm_up(settings)  # must not raise
    assert "warm-up failed" in caplog.text
