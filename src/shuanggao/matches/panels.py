"""The home panel of the matching pages: new matches for the signed-in person (``web/routes.py``
lists it in ``HOME_PANELS``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.matches import service

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
