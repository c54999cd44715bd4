"""The affinity table is computed in a fixed number of queries, however many zones, demands,
universities and items there are (no query per zone or per pair)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.planner import service
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_project,
    create_supply_item,
    create_university,
    create_zone,
)
from tests.planner.conftest import World
from tests.web.conftest import QueryCounter


@contextmanager
def counting(engine: Engine) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def _plan_queries(session: Session, settings: Settings, engine: Engine) -> int:
    with counting(engine) as counter:
        service.make_plan(session, settings, Actor.system())
    return counter.count


def test_plan_query_count_does_not_grow_with_the_data(
    session: Session, settings: Settings, engine: Engine, world: World
) -> None:
    small = _plan_queries(session, settings, engine)
    for i in range(6):
        zone = create_zone(session, name=f"扩展区{i}", city="无锡市")
        uni = create_university(session, name=f"扩展大学{i}", city="无锡市")
        create_supply_item(session, uni, title=f"智能传感器{i}", abstract="物联网感知智能传感器")
        create_demand(
            session,
            create_demand_enterprise(session, zone),
            title=f"智能传感器需求{i}",
            description="物联网感知",
        )
        create_project(session, zone, uni)
    large = _plan_queries(session, settings, engine)
    assert small == large, (small, large)
    assert large <= 30, large
    # Unchanged data: the cached table is reused (only the change check and the plan's reads).
    assert _plan_queries(session, settings, engine) < large
