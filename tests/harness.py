"""The pieces the database fixtures are built from (``tests/conftest.py`` for the empty test
database, ``tests/reference/fixtures.py`` for the one with the reference data loaded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.accounts.ratelimit import SlidingWindowLimiter
from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db import sealed
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


@dataclass
class _Built:
    settings: dict[str, Any]  # the settings it was built with, less the data directory
    app: FastAPI
    state: dict[str, Any]  # ``app.state`` as ``create_app`` left it


# Applications built in this test session, one per distinct settings (see ``app_on``).
_BUILT: list[_Built] = []


def app_on(settings: Settings, factory: sessionmaker[Session]) -> FastAPI:
    """The application for ``settings`` whose requests use sessions from ``factory``.

    Building an application costs about a second of CPU (FastAPI analyses some 380 routes
    when they are mounted and again on the first request), paid by hundreds of tests. So one
    is built per distinct settings (the data directory aside) in a test session, and handed
    to each test as ``create_app`` left it: its ``app.state`` as built, with this test's
    settings (its own data directory) and ``factory``, a fresh sign-in limiter, and no
    dependency overrides. Everything the app serves reads ``app.state`` per request.
    """
    key = settings.model_dump(exclude={"var_dir"})
    built = next((b for b in _BUILT if b.settings == key), None)
    if built is None:
        application = create_app(settings)
        built = _Built(key, application, dict(application.state._state))
        _BUILT.append(built)
    else:
        sealed.configure(settings)  # as create_app does
    application = built.app
    application.dependency_overrides.clear()
    application.state._state.clear()
    application.state._state.update(built.state)
    application.state.settings = settings
    application.state.session_factory = factory
    application.state.login_limiter = SlidingWindowLimiter(
        settings.login_rate_limit, settings.login_rate_window_seconds
    )
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
