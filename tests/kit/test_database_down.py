"""A database that goes away answers 503 with a Chinese message, never a 500 (issue 8), and
after-commit jobs write through the writer queue (``session_scope(write=True)``)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.db.session import _writer_lock, build_engine, make_session_factory, take_writer
from shuanggao.kit import jobs
from shuanggao.kit.http import deps
from shuanggao.zones.models import Zone
from tests.dbs import backend, fresh_database
from tests.harness import app_on, settings_for

PROVINCE = Actor.system("province-test")


def _client(tmp_path: Path, url: str, settings_url: str | None = None) -> tuple[TestClient, object]:
    engine = build_engine(url)
    app = app_on(settings_for(tmp_path, settings_url or url), make_session_factory(engine))
    app.dependency_overrides[deps.get_actor] = lambda: PROVINCE
    return TestClient(app, raise_server_exceptions=False), engine


def _assert_unavailable(client: TestClient) -> None:
    api = client.get("/api/v1/zones")
    assert api.status_code == 503, api.text
    assert api.json()["error"] == "database_unavailable"
    assert api.headers["retry-after"] == "5"
    write = client.post(
        "/api/v1/zones", json={"name": "停机区", "city": "南京市", "level": "national"}
    )
    assert write.status_code == 503 and write.json()["error"] == "database_unavailable"
    page = client.get("/r/zones", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "数据库暂时无法连接" in page.text
    # Endpoints that run their unit of work in one thread-pool call (matches) map it alike.
    search = client.get("/api/v1/matches/text", params={"text": "锂电池"})
    assert search.status_code == 503 and search.json()["error"] == "database_unavailable"
    state = client.post("/api/v1/matches/1/state", json={"state": "interested"})
    assert state.status_code == 503 and state.json()["error"] == "database_unavailable"


def test_a_dead_postgresql_port_answers_503(tmp_path: Path) -> None:
    # The app started on a working database; its requests' database is on a port where nothing
    # listens (every connection attempt is refused).
    with fresh_database(tmp_path) as url:
        client, _ = _client(tmp_path, "postgresql://postgres@127.0.0.1:1/shuanggao", url)
        with client:
            _assert_unavailable(client)


@pytest.mark.skipif(backend() != "sqlite", reason="the SQLite file is taken away")
def test_sqlite_file_gone_mid_run_answers_503(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    with fresh_database(folder) as url:
        client, engine = _client(tmp_path, url)
        with client:
            assert client.get("/api/v1/zones").status_code == 200
            # The database goes away while the server runs: its folder is moved, the pooled
            # connections are dropped, and the next connection cannot open the file.
            shutil.move(str(folder), str(tmp_path / "moved"))
            engine.dispose()  # type: ignore[attr-defined]
            _assert_unavailable(client)


@pytest.mark.skipif(backend() != "sqlite", reason="the writer lock serialises SQLite writers")
def test_after_commit_jobs_queue_for_the_writer_lock(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        factory = make_session_factory(engine)
        with factory() as probe:
            lock = _writer_lock(probe)
        assert lock is not None
        ran = threading.Event()

        def job(session: Session) -> None:
            session.add(Zone(name="任务区", level="national", city="南京市"))
            ran.set()

        lock.acquire()  # a request is writing
        worker = threading.Thread(target=jobs._run, args=(factory, job))
        worker.start()
        worker.join(0.5)
        assert not ran.is_set()  # the job waits for the writer lock, not for SQLite's timeout
        lock.release()
        worker.join(30)
        assert ran.is_set()
        with factory() as check:
            assert check.scalar(select(Zone.name).where(Zone.name == "任务区")) == "任务区"
        engine.dispose()


@pytest.mark.skipif(backend() != "sqlite", reason="the writer lock serialises SQLite writers")
def test_a_job_queued_as_a_reader_reads_without_the_writer_and_queues_to_write(
    tmp_path: Path,
) -> None:
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        factory = make_session_factory(engine)
        with factory() as probe:
            lock = _writer_lock(probe)
        assert lock is not None
        read, wrote = threading.Event(), threading.Event()

        def job(session: Session) -> None:
            session.scalar(select(Zone.id))
            read.set()
            take_writer(session)
            session.add(Zone(name="读后写区", level="national", city="南京市"))
            session.flush()
            wrote.set()

        lock.acquire()  # a request is writing
        worker = threading.Thread(target=jobs._run, args=(factory, job, False))
        worker.start()
        assert read.wait(30)  # reading did not wait for the writer
        worker.join(0.5)
        assert not wrote.is_set()  # writing waits for the writer lock
        lock.release()
        worker.join(30)
        assert wrote.is_set()
        with factory() as check:
            assert check.scalar(select(Zone.name).where(Zone.name == "读后写区")) == "读后写区"
        engine.dispose()
