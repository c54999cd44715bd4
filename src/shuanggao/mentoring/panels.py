"""The home panel of the dual-mentor scheme: the signed-in student's, mentor's or committee
member's real tasks (``web/routes.py`` lists it in ``HOME_PANELS``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.mentoring import views

OWNERS = frozenset(
    {Role.STUDENT, Role.MENTOR, Role.RESEARCHER, Role.ENTERPRISE_USER, Role.UNIVERSITY_ADMIN}
)
ITEMS = 6


def tasks_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    tasks = views.tasks_for(session, actor)
    if not tasks and actor.role not in (Role.STUDENT, Role.MENTOR):
        return None
    return {
        "total": len(tasks),
        "items": [
            {
                "label": t.title,
                "href": f"/mentoring/{t.project_id}",
                "meta": t.label + (f"（截止 {t.due_date.isoformat()}）" if t.due_date else ""),
            }
            for t in tasks[:ITEMS]
        ],
        "more_href": "/mentoring",
        "empty": "暂无双导师实践待办；学生可在“双导师实践”中登记实践项目。",
    }
