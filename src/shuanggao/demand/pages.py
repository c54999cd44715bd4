"""Demand pages beyond the generic register pages: the triage form on a demand's detail page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from shuanggao.demand import service
from shuanggao.demand.schemas import TriageState
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get("/demands/{demand_id}/triage", response_class=HTMLResponse)
def triage_form(
    demand_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    view = service.triage_view(session, actor, demand_id)
    return render(
        request,
        "demand/_triage.html",
        {
            "view": view,
            "current": view.triage_state,
            "choices": view.choices,
            "labels": {s.value: s.label for s in TriageState},
        },
    )


@router.post("/demands/{demand_id}/triage", response_class=HTMLResponse)
def triage_submit(
    demand_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    demand = service.triage_demand(
        session,
        actor,
        demand_id,
        str(form.get("state") or ""),
        note=str(form.get("note") or ""),
        expected_version=_version(form.get("version")),
    )
    response = RedirectResponse(f"/r/demands/{demand.id}", status_code=303)
    label = TriageState(demand.triage_state).label
    add_flash(request, response, f"已将需求“{demand.title}”标记为“{label}”。")
    return response


def _version(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
