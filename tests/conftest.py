"""Shared fixtures: one migrated database per test session, a rolled-back transaction per test,
an API client acting as any role, and the factories in ``tests/factories.py``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shuanggao import domains
from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from tests.dbs import fresh_database
from tests.harness import ClientFor as ClientFor  # re-exported: tests annotate with it
from tests.harness import (
    app_on,
    clients_for,
    engine_for,
    open_session,
    rolled_back_sessions,
    settings_for,
)

# Test modules parametrise over the registers at collection: hand the kit its registers first.
domains.load()

# CLI commands run in-process read settings from the environment; give every test run its own
# data directory (secret key, search index, uploads) so parallel runs never share ./var.
os.environ.setdefault("SHUANGGAO_VAR_DIR", tempfile.mkdtemp(prefix="shuanggao-test-var-"))


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    with engine_for(db_url) as eng:
        yield eng


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that join one outer transaction, rolled back after the test."""
    with rolled_back_sessions(engine) as factory:
        yield factory


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with open_session(session_factory) as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return settings_for(tmp_path, db_url)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return app_on(settings, session_factory)


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[ClientFor]:
    """``client_for(actor)``: an API client whose requests act as ``actor``.

    Overrides only *who* is signed in; scoping, permissions and audit run for real. Sign-in
    itself is tested through the real login in ``tests/accounts``.
    """
    with clients_for(app) as make:
        yield make


@pytest.fixture
def province() -> Actor:
    return Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")


@pytest.fixture
def admin_client(client_for: ClientFor, province: Actor) -> TestClient:
    return client_for(province)


# Reference data loaded once per session into its own database (tests/reference/fixtures.py).
# The demo data loaded once per session (tests/demo_fixtures.py); modules copy it.
from tests.demo_fixtures import demo_template_url  # noqa: E402, F401
from tests.reference.fixtures import (  # noqa: E402, F401
    reference_app,
    reference_client_for,
    reference_db_url,
    reference_engine,
    reference_session,
    reference_session_factory,
)
