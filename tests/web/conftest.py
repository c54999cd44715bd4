"""Fixtures of the page tests: a record of every register and a query counter (the app and the
clients per role are ``tests/conftest.py``'s)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from tests import factories


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s"):
        return name[:-1]
    return name


# Registers whose factory is not ``tests.factories.create_<singular of the register name>``.
MAKER_OVERRIDES: dict[str, Callable[[Session], Any]] = {
    "consortia": factories.create_consortium,
}


def maker_for(register_name: str) -> Callable[[Session], Any] | None:
    if register_name in MAKER_OVERRIDES:
        return MAKER_OVERRIDES[register_name]
    maker: Callable[[Session], Any] | None = getattr(
        factories, f"create_{_singular(register_name)}", None
    )
    return maker


def make_record(session: Session, register_name: str) -> Any:
    """A record of any register, by its factory (``create_<singular>`` in tests/factories.py)."""
    maker = maker_for(register_name)
    if maker is None:
        pytest.fail(
            f"no factory for register {register_name!r}: add create_{_singular(register_name)} "
            "to tests/factories.py (or an entry to MAKER_OVERRIDES in tests/web/conftest.py)"
        )
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
