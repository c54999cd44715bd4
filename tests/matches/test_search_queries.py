"""A search's cost in queries does not grow with its hits (the shown rows are read in one
query, their owners' consents in one more), and reading the shown rows as plain columns
(``ItemBrief``) gives the results that reading them as ORM objects gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.accounts import consent
from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.matches import service
from shuanggao.matches.results import MatchRun
from shuanggao.supply.repository import ItemBrief
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_supply_item,
    create_university,
    create_user,
    create_zone,
    give_consent,
)
from tests.web.conftest import count_queries

__all__ = ["count_queries"]  # a fixture of the page tests, used here too

TOPIC = "储能电站锂电池热失控早期预警与安全预测"
ITEMS = 12


@dataclass
class Scene:
    demand: Any
    private: Any
    actors: dict[str, Actor]


@pytest.fixture
def scene(session: Session, app: FastAPI) -> Scene:
    """``ITEMS`` items on one topic, each kept by its own researcher; half of them consented to
    be shown to enterprises, one withdrew; two more items name no account, one of them private
    to its university."""
    zone = create_zone(session)
    uni, other = create_university(session), create_university(session)
    firm = create_demand_enterprise(session, zone)
    demand = create_demand(
        session, firm, title="锂电池储能安全预警", description=TOPIC, keywords=["储能", "热失控"]
    )
    for i in range(ITEMS):
        researcher = create_user(session, Role.RESEARCHER, university_id=uni.id)
        create_supply_item(
            session,
            uni,
            kind="expert",
            title=f"储能安全团队{i}",
            owner_name=f"研究员{i}",
            owner_user_id=researcher.id,
            abstract=TOPIC + "研究" * (i + 1),
            keywords=["储能", "热失控"],
        )
        if i % 2 == 0:
            give_consent(session, researcher, personal.PROFILE_TO_ENTERPRISES)
        if i == 4:
            consent.set_purpose(
                session, researcher.actor(), personal.PROFILE_TO_ENTERPRISES, granted=False
            )
    create_supply_item(
        session, other, title="储能热失控数据", owner_name="李老师", abstract=TOPIC + "数据"
    )
    private = create_supply_item(
        session, other, title="储能预警内部成果", abstract=TOPIC + "算法", is_public=False
    )
    session.flush()
    actors = {
        "province": Actor(role=Role.PROVINCE_ADMIN, user_id=901, username="p"),
        "enterprise": Actor(
            role=Role.ENTERPRISE_USER, user_id=902, username="e", enterprise_id=firm.id
        ),
        "other_university": Actor(
            role=Role.UNIVERSITY_ADMIN, user_id=903, username="u", university_id=other.id
        ),
    }
    return Scene(demand, private, actors)


def _queries(
    session: Session, count_queries: Callable[[], Any], search: Callable[[], MatchRun]
) -> tuple[int, int, list[str]]:
    """The statements one search runs, its writes included (hits, count, statements); no
    consent read yet in this session."""
    session.flush()
    personal.forget_consents(session)
    with count_queries() as counter:
        run = search()
        session.flush()
    return len(run.hits), counter.count, counter.statements


@pytest.mark.parametrize("who", ["province", "enterprise"])
def test_a_text_search_costs_the_same_queries_whatever_its_hits(
    scene: Scene,
    session: Session,
    settings: Settings,
    who: str,
    count_queries: Callable[[], Any],
) -> None:
    actor = scene.actors[who]

    def search(top: int) -> Callable[[], MatchRun]:
        opts = service.SearchOptions(top=top)
        return lambda: service.match_text(session, settings, actor, TOPIC, opts)

    search(1)()  # the index is built on the first search
    few = _queries(session, count_queries, search(2))
    many = _queries(session, count_queries, search(ITEMS))
    assert (few[0], many[0]) == (2, ITEMS)
    assert many[1] == few[1], many[2]
    # The stamp, the opt-outs, the shown rows; an enterprise also reads the owners' consents.
    assert many[1] <= (4 if who == "enterprise" else 3), many[2]


@pytest.mark.parametrize("who", ["province", "enterprise"])
def test_a_demand_search_costs_the_same_queries_whatever_its_hits(
    scene: Scene,
    session: Session,
    settings: Settings,
    who: str,
    count_queries: Callable[[], Any],
) -> None:
    actor = scene.actors[who]

    def search(top: int) -> Callable[[], MatchRun]:
        opts = service.SearchOptions(top=top)
        return lambda: service.match_demand(session, settings, actor, scene.demand.id, opts)

    search(ITEMS)()  # stores every pair: the counted searches store nothing new
    few = _queries(session, count_queries, search(2))
    many = _queries(session, count_queries, search(ITEMS))
    assert (few[0], many[0]) == (2, ITEMS)
    assert many[1] == few[1], many[2]
    # The demand, stamp, opt-outs, shown rows, [consents], three conflict reads, stored pairs,
    # and the audit event: the chain's head, the insert (PostgreSQL: and the chain's lock).
    budget = (11 if who == "enterprise" else 10) + (session.get_bind().dialect.name != "sqlite")
    assert many[1] <= budget, many[2]


@pytest.mark.parametrize("who", ["province", "enterprise", "other_university"])
def test_brief_rows_give_the_results_of_orm_rows(
    scene: Scene, session: Session, settings: Settings, who: str
) -> None:
    actor = scene.actors[who]
    opts = service.SearchOptions(top=ITEMS + 2)
    brief = service.match_demand(session, settings, actor, scene.demand.id, opts, record=False)
    full = service.match_demand(
        session, settings, actor, scene.demand.id, opts, record=False, full_rows=True
    )
    assert all(isinstance(h.obj, ItemBrief) for h in brief.hits)
    assert not any(isinstance(h.obj, ItemBrief) for h in full.hits)
    assert brief.results() == full.results()
    owners = [r.owner for r in brief.results().results]
    ids = {r.id for r in brief.results().results}
    if who == "enterprise":
        # Six researchers consented, one of them withdrew: five names are shown; the seven
        # others and the owner without an account are not.
        assert sum("研究员" in str(o) for o in owners) == ITEMS // 2 - 1
        assert sum(personal.UNSHOWN_RESEARCHER in str(o) for o in owners) == ITEMS // 2 + 2
    else:
        assert sum("研究员" in str(o) for o in owners) == ITEMS
    # The read scope holds: only the private item's own university sees it.
    assert (scene.private.id in ids) is (who in ("province", "other_university"))
    text = service.match_text(session, settings, actor, TOPIC, opts)
    assert [(r.id, r.owner) for r in text.results().results] == [
        (r.id, r.owner) for r in brief.results().results
    ]
