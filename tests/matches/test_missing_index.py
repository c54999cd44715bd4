"""A missing index directory is rebuilt in the background, never inside a user's search: the
search answers from the database meanwhile and says so."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.session import build_engine
from shuanggao.matches import index as index_module
from shuanggao.matches import service
from shuanggao.matches.index import MatchIndex, forget_index, get_index, index_dir
from tests.dbs import fresh_database
from tests.factories import create_supply_item, create_university


def test_a_missing_index_is_rebuilt_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "INLINE_MAX", 5)
    release = threading.Event()
    original = MatchIndex._sync_side

    def held(self: MatchIndex, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "match-index-build":
            assert release.wait(60)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MatchIndex, "_sync_side", held)
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        settings = Settings(var_dir=tmp_path, database_url=url, encoder="none")
        try:
            with factory() as session:
                uni = create_university(session)
                storage = create_supply_item(
                    session, uni, title="锂电池热失控预警", abstract="储能电站安全"
                )
                for i in range(8):
                    create_supply_item(session, uni, title=f"机器视觉检测{i}", abstract="缺陷")
                session.commit()
            # The index was built once, then its directory is lost.
            with factory() as session:
                index_of = get_index(settings)
                index_of.sync(session)
            forget_index(settings)
            shutil.rmtree(index_dir(settings))

            with factory() as session:
                run = service.match_text(session, settings, Actor.system(), "锂电池热失控")
            assert [h.obj.id for h in run.hits] == [storage.id]
            assert run.method == "lexical"
            assert run.note is not None
            assert run.note.startswith("匹配索引正在后台重建")
            index = get_index(settings)
            assert index.size("supply") == 0  # nothing was indexed inside the search

            release.set()
            build = index.build
            assert build is not None
            deadline = time.monotonic() + 60
            while build.running and time.monotonic() < deadline:
                time.sleep(0.05)
            assert (build.running, build.error, build.sides) == (False, None, ("supply",))
            assert index.size("supply") == 9
            with factory() as session:
                run = service.match_text(session, settings, Actor.system(), "锂电池热失控")
            assert [h.obj.id for h in run.hits] == [storage.id]
            assert run.note == "未启用语义模型（encoder=none），当前只按关键词匹配。"
        finally:
            release.set()
            forget_index(settings)
            engine.dispose()


def test_a_small_gap_is_still_closed_inside_the_search(
    session: Session, settings: Settings
) -> None:
    uni = create_university(session)
    item = create_supply_item(session, uni, title="锂电池热失控预警", abstract="储能")
    run = service.match_text(session, settings, Actor.system(), "锂电池热失控")
    assert [h.obj.id for h in run.hits] == [item.id]
    assert get_index(settings).build is None
