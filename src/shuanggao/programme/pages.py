"""The policy and reform lists as a reader sees them: the items that apply to the signed-in
person, searchable (``/policies?q=…&list=reform_guide``). The province and auditors see every
item; the full register (with import and export) stays at ``/r/policy_items``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.programme import service
from shuanggao.programme.enums import AudienceRole, OrgKind, PolicyListKind

router = APIRouter(include_in_schema=False)
MAX_QUERY = 100


@router.get("/policies", response_class=HTMLResponse)
def policies_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    query = (request.query_params.get("q") or "").strip()[:MAX_QUERY]
    raw_kind = request.query_params.get("list") or ""
    kind = PolicyListKind.parse(raw_kind) if raw_kind else None
    list_kind = kind if isinstance(kind, PolicyListKind) else None
    items = service.items_for(session, actor, list_kind=list_kind, query=query or None)
    return render(
        request,
        "programme/policies.html",
        {
            "items": items,
            "q": query,
            "list_kind": list_kind.value if list_kind else "",
            "kinds": list(PolicyListKind),
            "list_labels": {k.value: k.label for k in PolicyListKind},
            "role_labels": {r.value: r.label for r in AudienceRole},
            "org_labels": {o.value: o.label for o in OrgKind},
            "everything": actor.sees_everything,
            "breadcrumbs": [("政策与改革", None)],
        },
    )
