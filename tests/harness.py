"""The pieces the database fixtures are built from (``tests/conftest.py`` for the empty test
database, ``tests/reference/fixtures.py`` for the one with the reference data loaded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.session import build_engine
from shuanggao.kit.http import deps
from shuanggao.main import create_app

ClientFor = Callable[[Actor], TestClient]

TEST_SECRET_KEY = "test-secret-key-" + "x" * 32


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    """An engine on ``url``, disposed afterwards."""
    engine = build_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def rolled_back_sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that join one outer transaction, rolled back afterwards."""
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


@contextmanager
def open_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session from ``factory``, closed afterwards."""
    session = factory()
    try:
        yield session
    finally:
        session.close()


def settings_for(var_dir: Path, db_url: str) -> Settings:
    """Settings for an app under test: its own data directory and a fixed secret key."""
    return Settings(var_dir=var_dir, database_url=db_url, secret_key=TEST_SECRET_KEY)


def app_on(settings: Settings, factory: sessionmaker[Session]) -> FastAPI:
    """The application whose requests use sessions from ``factory``."""
    application: FastAPI = create_app(settings)
    application.state.session_factory = factory
    return application


@contextmanager
def clients_for(app: FastAPI) -> Iterator[ClientFor]:
    """``make(actor)``: an API client on ``app`` whose requests act as ``actor``.

    Overrides only *who* is signed in; scoping, permissions and audit run for real. The clients
    are closed and the override removed afterwards.
    """
    clients: list[TestClient] = []

    def make(actor: Actor) -> TestClient:
        app.dependency_overrides[deps.get_actor] = lambda: actor
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        app.dependency_overrides.clear()
        for client in clients:
            client.close()
