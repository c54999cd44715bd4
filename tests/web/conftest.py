"""Fixtures of the page tests: a record of every register, clients per role, a query counter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.config import Settings
from shuanggao.main import create_app
from tests import factories

# One way to make a record of each register. A register without an entry here fails the page
# tests loudly: add its factory (tests/factories.py) to this table.
MAKERS: dict[str, Callable[[Session], Any]] = {
    "zones": factories.create_zone,
    "universities": factories.create_university,
    "enterprises": factories.create_enterprise,
    "enterprise_services": factories.create_enterprise_service,
    "pairings": factories.create_pairing,
    "pilot_elements": factories.create_pilot_element,
    "projects": factories.create_project,
    "platforms": factories.create_platform,
    "residents": factories.create_resident,
    "conversion_funds": factories.create_conversion_fund,
    "fund_investments": factories.create_fund_investment,
    "fundings": factories.create_funding,
    "reports": factories.create_report,
    "industries": factories.create_industry,
    "disciplines": factories.create_discipline,
    "programme_facts": factories.create_programme_fact,
    "policy_items": factories.create_policy_item,
    "supply_items": factories.create_supply_item,
    "demands": factories.create_demand,
}


def make_record(session: Session, register_name: str) -> Any:
    maker = MAKERS.get(register_name)
    if maker is None:
        pytest.fail(f"no factory for register {register_name!r}: add one to tests/web MAKERS")
    return maker(session)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Savepoints belong to the test harness (each test's rolled-back transaction), not the page.
        if statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            return
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(engine: Engine) -> Callable[[], Any]:
    """``with count_queries() as counter: ...``: the SQL statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory, db_url: str) -> FastAPI:
    """One application per test module (building it is the slow part of a page test)."""
    settings = Settings(
        var_dir=tmp_path_factory.mktemp("web"),
        database_url=db_url,
        secret_key="test-secret-key-" + "x" * 32,
    )
    return create_app(settings)


@pytest.fixture
def app(shared_app: FastAPI, session_factory: sessionmaker[Session]) -> FastAPI:
    """The shared application on this test's rolled-back transaction."""
    shared_app.state.session_factory = session_factory
    shared_app.dependency_overrides.clear()
    return shared_app
