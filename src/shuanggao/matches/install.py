"""Navigation entry and home panel of the matching pages."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor, Role
from shuanggao.demand.registers import demands as demand_register
from shuanggao.matches import service
from shuanggao.web.home import HomePanel, add_panel
from shuanggao.web.nav import NavItem, add_nav_item

OWNERS = frozenset({Role.ZONE_ADMIN, Role.ENTERPRISE_USER, Role.UNIVERSITY_ADMIN, Role.RESEARCHER})


def new_matches_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    found = service.new_matches(session, actor)
    if found is None:
        return None
    items = []
    for match, demand, item in found.rows:
        if found.side == "demand":
            label, href = f"{demand.title} ← {item.title}", f"/demands/{demand.id}/matches"
        else:
            label, href = f"{item.title} → {demand.title}", f"/supply_items/{item.id}/matches"
        items.append({"label": label, "href": href, "meta": f"综合得分 {match.score:.3f}"})
    return {
        "total": found.total,
        "items": items,
        "more_href": "/r/demands" if found.side == "demand" else "/r/supply_items",
        "empty": "暂无新的匹配推荐。",
    }


def install(app: FastAPI) -> None:
    # A saved demand is matched in the background, so 新的匹配推荐 is filled at once.
    if service.queue_matching not in demand_register.after_save:
        demand_register.after_save.append(service.queue_matching)
    add_nav_item(NavItem("供需匹配图谱", "/matches/map", group="supply", order=30))
    add_panel(HomePanel("new_matches", "新的匹配推荐", OWNERS, new_matches_panel, order=12))
