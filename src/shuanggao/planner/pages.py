"""Planner pages: the province-wide plan with what-if controls and its Excel export, and the
recommendations of a zone or a university."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.errors import NotFound, ValidationFailed
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.planner import export, service
from shuanggao.planner.affinity import WEIGHTS
from shuanggao.planner.schemas import (
    DEFAULT_CAPACITY,
    MAX_CAPACITY,
    MAX_PARTNERS,
    CapacityOverride,
    FixedPair,
    PlanRequest,
)

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNAL_LABELS = {
    "matching": "供需匹配",
    "fit": "产业—学科契合",
    "cooperation": "已有合作",
    "distance": "距离",
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _int(raw: str, name: str, low: int, high: int) -> int:
    raw = raw.strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationFailed(fields={name: f"应为 {low} 到 {high} 之间的整数"})
    return int(raw)


def _pair(raw: str, name: str) -> tuple[int, int]:
    left, sep, right = raw.partition(":")
    if not sep or not left.isdigit() or not right.isdigit():
        raise ValidationFailed(fields={name: f"“{raw}”格式不正确"})
    return int(left), int(right)


def plan_request(request: Request) -> PlanRequest:
    """What-if parameters from the query string: ``capacity``, ``partners``, ``fix=Z:U`` and
    ``cap=U:N`` (repeatable)."""
    params = request.query_params
    capacity = _int(params.get("capacity") or str(DEFAULT_CAPACITY), "capacity", 0, MAX_CAPACITY)
    partners = _int(params.get("partners") or "1", "partners", 1, MAX_PARTNERS)
    fixed = [
        FixedPair(zone_id=z, university_id=u)
        for z, u in (_pair(v, "fix") for v in params.getlist("fix") if v)
    ]
    caps: dict[int, int] = {}
    for value in params.getlist("cap"):
        if value:
            uid, n = _pair(value, "cap")
            if n > MAX_CAPACITY:
                raise ValidationFailed(fields={"cap": f"容量应为 0 到 {MAX_CAPACITY} 之间的整数"})
            caps[uid] = n
    return PlanRequest(
        capacity=capacity,
        partners=partners,
        fixed=fixed,
        capacities=[CapacityOverride(university_id=u, capacity=n) for u, n in caps.items()],
    )


@router.get("/planner", response_class=HTMLResponse)
def plan_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    params = plan_request(request)
    plan = service.make_plan(session, _settings(request), actor, params)
    query = request.url.query
    return render(
        request,
        "planner/plan.html",
        {
            "plan": plan,
            "fixed": {(f.zone_id, f.university_id) for f in params.fixed},
            "export_href": "/planner/export.xlsx" + (f"?{query}" if query else ""),
            "weights": WEIGHTS,
            "signal_labels": SIGNAL_LABELS,
            "breadcrumbs": [("结对规划", None)],
        },
    )


@router.get("/planner/export.xlsx")
def plan_export(request: Request, session: SessionDep, actor: PageActor) -> Response:
    plan = service.make_plan(session, _settings(request), actor, plan_request(request))
    name = quote(f"结对规划_{plan.as_of.isoformat()}.xlsx")
    return Response(
        export.plan_workbook(plan),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


def _top(request: Request) -> int:
    return _int(request.query_params.get("top") or "10", "top", 1, service.MAX_TOP)


@router.get("/planner/zones/{zone_id}", response_class=HTMLResponse)
def zone_page(zone_id: Id, request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    recs = service.recommend_for_zone(session, _settings(request), actor, zone_id, _top(request))
    return render(
        request,
        "planner/recommendations.html",
        {
            "recs": recs,
            "signal_labels": SIGNAL_LABELS,
            "breadcrumbs": [("结对规划", "/planner"), (recs.subject_name, None)],
        },
    )


@router.get("/planner/universities/{university_id}", response_class=HTMLResponse)
def university_page(
    university_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    recs = service.recommend_for_university(
        session, _settings(request), actor, university_id, _top(request)
    )
    return render(
        request,
        "planner/recommendations.html",
        {
            "recs": recs,
            "signal_labels": SIGNAL_LABELS,
            "breadcrumbs": [("结对规划", "/planner"), (recs.subject_name, None)],
        },
    )


def _mine(actor: Actor) -> str:
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return f"/planner/zones/{actor.zone_id}"
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        return f"/planner/universities/{actor.university_id}"
    if actor.sees_everything:
        return "/planner"
    raise NotFound()


@router.get("/planner/mine")
def mine(actor: PageActor) -> RedirectResponse:
    return RedirectResponse(_mine(actor), status_code=303)
