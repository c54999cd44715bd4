"""Match pages: reasons shown with highlights, feedback through htmx, masking, the zone map."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from shuanggao.matches.models import Match, MatchJudgement
from tests.conftest import ClientFor
from tests.demand.world import CANARY, World, build_world
from tests.factories import create_demand, create_supply_item


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    world = build_world(session)
    for key in ("public", "anonymous"):
        world.demands[key].description = "储能电站电池热失控安全预警"
        world.demands[key].industry_code = "C3841"
    session.flush()
    create_supply_item(
        session,
        world.uni_paired,
        title="储能电池热失控预警算法",
        abstract="面向储能电站的热失控早期安全预警",
        owner_name="李老师",
        discipline_codes=["0808"],
        industry_codes=["C3841"],
    )
    return world


def test_demand_page_shows_reasons_and_records_viewing(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    resp = client.get(f"/demands/{demand.id}/matches")
    assert resp.status_code == 200, resp.text
    html = resp.text
    assert "<mark>热</mark><mark>失控</mark>" in html or "<mark>热失控</mark>" in html
    assert "C3841 锂离子电池制造 ✓" in html
    assert "李老师（结对大学）" in html
    assert "需求覆盖" in html and "关键词" in html
    assert 'hx-post="/matches/' in html and 'name="csrf_token"' in html
    match = session.scalars(select(Match).where(Match.demand_id == demand.id)).one()
    assert match.state == "viewed"
    # An industry code is present: no suggestion panel.
    assert "/matches/codes" not in html


def test_feedback_through_htmx_and_plain_forms(
    world: World, client_for: ClientFor, session: Session
) -> None:
    demand = world.demands["public"]
    client = client_for(world.actors["zone_a"])
    client.get(f"/demands/{demand.id}/matches")
    match = session.scalars(select(Match).where(Match.demand_id == demand.id)).one()
    resp = client.post(
        f"/matches/{match.id}/state", data={"state": "interested"}, headers={"HX-Request": "true"}
    )
    assert resp.status_code == 200
    assert 'data-state="interested"' in resp.text
    assert "有意向" in resp.text
    resp = client.post(
        f"/matches/{match.id}/state",
        data={
            "state": "dismissed",
            "reason": "已有合作方",
            "next": f"/demands/{demand.id}/matches",
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/demands/{demand.id}/matches"
    session.refresh(match)
    judgement = session.scalars(
        select(MatchJudgement).where(MatchJudgement.match_id == match.id)
    ).one()
    assert (match.state, judgement.side, judgement.state, judgement.reason) == (
        "dismissed",
        "demand",
        "dismissed",
        "已有合作方",
    )
    resp = client.post(
        f"/matches/{match.id}/state",
        data={"state": "interested", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/"


def test_outsiders_see_anonymous_demands_without_owner_and_cannot_judge(
    world: World, client_for: ClientFor, session: Session
) -> None:
    anon = world.demands["anonymous"]
    client_for(world.actors["zone_a"]).get(f"/demands/{anon.id}/matches")
    outsider = client_for(world.actors["uni_other_student"])
    resp = outsider.get(f"/demands/{anon.id}/matches")
    assert resp.status_code == 200
    assert CANARY not in resp.text
    assert "匿名企业" in resp.text
    assert 'hx-post="/matches/' not in resp.text
    item_id = session.scalars(select(Match.supply_item_id)).first()
    resp = outsider.get(f"/supply_items/{item_id}/matches")
    assert resp.status_code == 200
    assert CANARY not in resp.text
    resp = outsider.get(f"/zones/{world.zone_a.id}/map")
    assert resp.status_code == 200
    assert CANARY not in resp.text
    resp = outsider.get(f"/demands/{world.demands['admins'].id}/matches")
    assert resp.status_code == 404


def test_zone_map_page_and_entry(world: World, client_for: ClientFor) -> None:
    client = client_for(world.actors["zone_a"])
    resp = client.get("/matches/map", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/zones/{world.zone_a.id}/map"
    resp = client.get(f"/zones/{world.zone_a.id}/map")
    assert resp.status_code == 200
    assert "结对大学" in resp.text
    assert 'data-covered="yes"' in resp.text and 'data-covered="no"' in resp.text
    assert "缺口：结对高校暂无较好供给的需求" in resp.text
    resp = client_for(world.actors["province"]).get("/matches/map")
    assert resp.status_code == 200
    assert f'href="/zones/{world.zone_a.id}/map"' in resp.text


def test_zone_map_lays_the_figures_in_a_row_and_charts_supply_and_gaps_by_industry(
    world: World, client_for: ClientFor
) -> None:
    import html
    import json
    import re

    page = client_for(world.actors["zone_a"]).get(f"/zones/{world.zone_a.id}/map").text
    assert '<div class="grid grid-4 figure-grid map-figures">' in page
    match = re.search(r'data-chart="zone-map" data-groups=\'([^\']*)\'', page)
    assert match is not None
    groups = json.loads(html.unescape(match.group(1)))
    rows = re.findall(r'data-covered="(yes|no)"', page)
    assert sum(g["covered"] for g in groups) == rows.count("yes") >= 1
    assert sum(g["gaps"] for g in groups) == rows.count("no") >= 1
    by_label = {g["label"]: g for g in groups}
    assert by_label["C3841 锂离子电池制造"]["covered"] >= 1
    assert all(not re.fullmatch(r"[A-T]\d{2,4}", g["label"]) for g in groups)
    assert "vendor/echarts.min.js" in page and "js/charts.js" in page


def test_supply_page_suggests_disciplines_when_missing(
    world: World, client_for: ClientFor, session: Session
) -> None:
    item = create_supply_item(
        session, world.uni_paired, title="储能系统安全评估", abstract="储能电站安全评估"
    )
    client = client_for(world.actors["uni_paired_admin"])
    resp = client.get(f"/supply_items/{item.id}/matches")
    assert resp.status_code == 200
    assert f'hx-get="/supply_items/{item.id}/matches/codes"' in resp.text
    resp = client.get(f"/supply_items/{item.id}/matches/codes")
    assert resp.status_code == 200
    assert "建议一级学科" in resp.text


def test_home_lists_new_recommendations_of_ones_own_side(
    world: World, client_for: ClientFor, session: Session
) -> None:
    hidden = world.demands["admins"]
    hidden.description = "储能电站电池热失控安全预警"
    session.flush()
    province = client_for(world.actors["province"])
    province.get(f"/api/v1/matches/demands/{world.demands['public'].id}")
    province.get(f"/api/v1/matches/demands/{hidden.id}")
    home = client_for(world.actors["zone_a"]).get("/").text
    assert "新的匹配推荐" in home
    assert "公开需求：储能安全 ← 储能电池热失控预警算法" in home
    assert "内部需求：产线改造 ← 储能电池热失控预警算法" in home
    # The item's university sees the recommendation of the public demand, not the hidden one.
    home = client_for(world.actors["uni_paired_admin"]).get("/").text
    assert "储能电池热失控预警算法 → 公开需求：储能安全" in home
    assert "内部需求：产线改造" not in home


def test_zone_map_costs_the_same_queries_however_many_demands(
    world: World, client_for: ClientFor, session: Session, engine: Engine
) -> None:
    """Each demand's answers are read in one query for the whole map, not one per demand."""
    client = client_for(world.actors["province"])
    path = f"/zones/{world.zone_a.id}/map"
    assert client.get(path).status_code == 200  # builds the index outside the count

    def cost() -> tuple[int, str]:
        seen: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen), "\n".join(" ".join(s.split())[:160] for s in seen)

    few, _ = cost()
    enterprise = world.ent_a
    for n in range(8):
        create_demand(
            session, enterprise, title=f"储能安全需求{n}", description="储能电站热失控预警"
        )
        create_supply_item(
            session, world.uni_paired, title=f"储能预警成果{n}", abstract="热失控预警"
        )
    assert client.get(path).status_code == 200  # the index takes in the new items first
    many, listing = cost()
    assert many == few, listing
    assert many <= 18, listing
