"""The home panel of the policy and reform lists: the items that apply to the signed-in person
(``web/routes.py`` lists it in ``HOME_PANELS``). A student or mentor sees the reform that lets a
practice outcome replace the thesis; a zone administrator the policies for pilot zones."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.programme import service
from shuanggao.programme.enums import PolicyListKind

# Everyone but the province and auditors, who keep the lists (and see them in the register).
READERS = frozenset(
    {
        Role.ZONE_ADMIN,
        Role.UNIVERSITY_ADMIN,
        Role.ENTERPRISE_USER,
        Role.RESEARCHER,
        Role.STUDENT,
        Role.MENTOR,
    }
)
PANEL_ITEMS = 6


def policies_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    items = service.items_for(session, actor)
    return {
        "total": len(items),
        "items": [
            {
                "label": item.title,
                "href": f"/r/policy_items/{item.id}",
                "meta": item.conditions or item.summary or "",
                "badge": PolicyListKind(item.list_kind).label,
            }
            for item in items[:PANEL_ITEMS]
        ],
        "more_href": "/policies",
        "empty": "暂无适用于您的政策或改革事项。",
    }
