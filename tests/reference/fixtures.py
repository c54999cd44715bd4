"""A database with the reference data loaded once per test session, for tests that need it.

Loading takes a few seconds, so it happens once, into its own database (the shared test
database stays empty for tests that build their own zones and universities). Each test gets a
rolled-back transaction on it, like the ``session`` fixture.

Use: ``tests/conftest.py`` imports these fixtures, so any test can ask for ``reference_session``
(a Session), ``reference_app`` (the app on that database) or ``reference_client_for(actor)``
(an API client acting as ``actor``), and ``reference_db_url`` for a committed database URL (do
not write to it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shuanggao import domains
from shuanggao.actor import Actor
from shuanggao.db.session import build_engine, make_session_factory, session_scope
from tests.dbs import fresh_database
from tests.harness import (
    ClientFor,
    app_on,
    clients_for,
    engine_for,
    open_session,
    rolled_back_sessions,
    settings_for,
)

if TYPE_CHECKING:
    from shuanggao.reference_loader import LoadReport


def load_reference_into(url: str) -> LoadReport:
    """Run the reference load on the database at ``url`` and commit."""
    # Imported here: every test session imports this module through conftest.
    from shuanggao.reference_loader import load_reference

    domains.load()
    engine = build_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return load_reference(session, Actor.system("tests"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def reference_db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("refdb")) as url:
        load_reference_into(url)
        yield url


@pytest.fixture(scope="session")
def reference_engine(reference_db_url: str) -> Iterator[Engine]:
    with engine_for(reference_db_url) as engine:
        yield engine


@pytest.fixture
def reference_session_factory(reference_engine: Engine) -> Iterator[sessionmaker[Session]]:
    with rolled_back_sessions(reference_engine) as factory:
        yield factory


@pytest.fixture
def reference_session(reference_session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with open_session(reference_session_factory) as session:
        yield session


@pytest.fixture
def reference_app(
    tmp_path: Path, reference_db_url: str, reference_session_factory: sessionmaker[Session]
) -> FastAPI:
    return app_on(settings_for(tmp_path, reference_db_url), reference_session_factory)


@pytest.fixture
def reference_client_for(reference_app: FastAPI) -> Iterator[ClientFor]:
    with clients_for(reference_app) as make:
        yield make
