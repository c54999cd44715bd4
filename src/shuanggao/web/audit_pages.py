"""The audit log page (审计日志): who did what, when, with before/after — for 审计员 and 省级管理员.

Reads through ``audit.service.list_events`` (which refuses other roles); exports through the
audited ``/api/v1/audit/export`` endpoint with the same filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import ROLE_LABELS, Role
from shuanggao.audit import service as audit
from shuanggao.audit.repository import AuditQuery
from shuanggao.errors import ValidationFailed
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.web.audit_labels import ChangeReader, action_label, all_actions, entity_labels
from shuanggao.web.audit_names import shown

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


def _date(raw: str | None, name: str, errors: dict[str, str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = "日期格式应为 YYYY-MM-DD"
        return None


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, actor: PageActor) -> Response:
    params = request.query_params
    errors: dict[str, str] = {}
    start = _date(params.get("from"), "from", errors)
    end = _date(params.get("to"), "to", errors)
    try:
        page_no = max(int(params.get("page") or 1), 1)
    except ValueError:
        page_no = 1
    try:
        lo, hi = audit.day_range(start, end)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        lo, hi = audit.day_range(start, None)
    query = AuditQuery(
        actor=(params.get("actor") or "").strip() or None,
        action=params.get("action") or None,
        entity=params.get("entity") or None,
        start=lo,
        end=hi,
    )
    events, total = audit.list_events(session, actor, query, page=page_no, page_size=PAGE_SIZE)
    labels = entity_labels()
    reader = ChangeReader(session)
    seen = shown(session, request.app.state.settings.resolved_secret_key(), events)
    rows: list[dict[str, Any]] = [
        {
            "event": e,
            "shown": seen[e.id],
            "action": action_label(e.action),
            "entity": labels.get(e.entity, e.entity),
            "changes": reader.rows(e.entity, seen[e.id].before, seen[e.id].after),
            "role": ROLE_LABELS.get(Role(e.actor_role), e.actor_role)
            if e.actor_role in {r.value for r in Role}
            else e.actor_role,
        }
        for e in events
    ]
    filters = {
        k: v for k, v in params.items() if k in ("actor", "action", "entity", "from", "to") and v
    }
    return render(
        request,
        "pages/audit.html",
        {
            "rows": rows,
            "total": total,
            "page_no": page_no,
            "page_size": PAGE_SIZE,
            "params": filters,
            "errors": errors,
            "actions": sorted(all_actions().items(), key=lambda kv: kv[1]),
            "entities": sorted(labels.items(), key=lambda kv: kv[1]),
            "export_query": urlencode(filters),
            "breadcrumbs": [("审计日志", None)],
        },
    )
