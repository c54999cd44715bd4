"""The home page's 填报提醒 panel: reports due and overdue, for the zone that owes them and for
the province that chases them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.clock import today
from shuanggao.reports import reminders

OWNERS = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN})
ITEMS = 6


def reminders_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    day = today()
    owed = [
        s for s in reminders.unit_statuses(session, actor, day) if s.state in ("due", "overdue")
    ]
    if not owed:
        return None  # nothing to chase: the panel is hidden
    # Overdue first, the longest overdue first; then the nearest due date.
    owed.sort(key=lambda s: (s.state != "overdue", s.period.due_date, s.zone_name))
    items = []
    for s in owed[:ITEMS]:
        late = (day - s.period.due_date).days
        meta = (
            f"截止 {s.period.due_date.isoformat()}，已逾期 {late} 天"
            if s.state == "overdue"
            else f"请于 {s.period.due_date.isoformat()} 前提交"
        )
        items.append(
            {
                "label": f"{s.zone_name} · {s.period.title}",
                "href": f"/reports/{s.report.id}" if s.report is not None else "/reports",
                "meta": meta,
                "badge": s.state_label,
            }
        )
    return {
        "total": len(owed),
        "items": items,
        "more_href": "/reports",
        "empty": "",
    }
