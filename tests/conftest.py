"""Shared fixtures: one migrated database per test session, a rolled-back transaction per test,
an API client acting as any role, and the factories in ``tests/factories.py``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.accounts.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.db.session import build_engine
from shuanggao.main import create_app
from shuanggao.web import deps
from tests.dbs import fresh_database

# CLI commands run in-process read settings from the environment; give every test run its own
# data directory (secret key, search index, uploads) so parallel runs never share ./var.
os.environ.setdefault("SHUANGGAO_VAR_DIR", tempfile.mkdtemp(prefix="shuanggao-test-var-"))


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    eng = build_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that join one outer transaction, rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    factory = sessionmaker(
        bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    try:
        yield factory
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    s = session_factory()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(var_dir=tmp_path, database_url=db_url, secret_key="test-secret-key-" + "x" * 32)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    application = create_app(settings)
    application.state.session_factory = session_factory
    return application


ClientFor = Callable[[Actor], TestClient]


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[ClientFor]:
    """``client_for(actor)``: an API client whose requests act as ``actor``.

    Overrides only *who* is signed in; scoping, permissions and audit run for real. Sign-in
    itself is tested through the real login in ``tests/accounts``.
    """
    clients: list[TestClient] = []

    def make(actor: Actor) -> TestClient:
        app.dependency_overrides[deps.get_actor] = lambda: actor
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        return client

    yield make
    app.dependency_overrides.clear()
    for c in clients:
        c.close()


@pytest.fixture
def province() -> Actor:
    return Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")


@pytest.fixture
def admin_client(client_for: ClientFor, province: Actor) -> TestClient:
    return client_for(province)


# Reference data loaded once per session into its own database (tests/reference/fixtures.py).
from tests.reference.fixtures import (  # noqa: E402, F401
    reference_app,
    reference_client_for,
    reference_db_url,
    reference_engine,
    reference_session,
    reference_session_factory,
)
