"""Match pages: a demand's matches, a supply item's matching demands, the zone map, feedback."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import HTMLResponse, Response

from shuanggao import personal
from shuanggao.actor import Role
from shuanggao.config import Settings
from shuanggao.demand.schemas import CooperationMode, TriageState, Visibility
from shuanggao.errors import ValidationFailed
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.matches import service, views
from shuanggao.matches.schemas import MatchState
from shuanggao.matches.service import SearchOptions
from shuanggao.supply.schemas import SupplyKind

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]

TOP_CHOICES = (5, 10, 20, 50)
DISMISS_REASONS = ("技术方向不符", "成熟度不够", "合作方式不符", "已有合作方", "价格或预算不符")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def _building(request: Request, exc: service.IndexBuilding) -> HTMLResponse:
    """The page shown while the index is built in the background; it polls, then reloads."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(
        request,
        "matches/building.html",
        {"progress": exc.progress, "next": here, "breadcrumbs": [("供需匹配", None)]},
        status_code=202,
    )


def _safe_next(raw: str) -> str:
    return raw if raw.startswith("/") and not raw.startswith("//") else "/"


def _opts(params: Mapping[str, Any], multi: list[str]) -> SearchOptions:
    def flag(name: str) -> bool:
        return str(params.get(name, "")).lower() in ("1", "true", "on", "yes")

    fields: dict[str, str] = {}
    top = 10
    raw_top = str(params.get("top") or "10")
    if raw_top.isdigit() and int(raw_top) in TOP_CHOICES:
        top = int(raw_top)
    else:
        fields["top"] = "应为 " + "、".join(str(t) for t in TOP_CHOICES) + " 之一"
    maturity: int | None = None
    raw = str(params.get("min_maturity") or "").strip()
    if raw:
        if raw.isdigit() and 1 <= int(raw) <= 9:
            maturity = int(raw)
        else:
            fields["min_maturity"] = "应为 1 到 9 之间的整数（TRL）"
    if fields:
        raise ValidationFailed(fields=fields)
    return SearchOptions(
        top=top,
        paired_only=flag("paired_only"),
        mode_compatible=flag("mode_compatible"),
        min_maturity=maturity,
        kinds=tuple(k for k in multi if k),
    )


@router.get("/demands/{demand_id}/matches", response_class=HTMLResponse)
def demand_matches(
    demand_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    opts = _opts(request.query_params, request.query_params.getlist("kinds"))
    try:
        view = service.demand_matches_view(
            session, _settings(request), actor, demand_id, opts, factory=_factory(request)
        )
    except service.IndexBuilding as exc:
        return _building(request, exc)
    hits = [
        views.supply_hit_view(h, view.judge.get(h.obj.id, False), view.feedback_of.get(h.obj.id))
        for h in view.run.hits
    ]
    demand = view.read
    return render(
        request,
        "matches/demand_matches.html",
        {
            "view": view,
            "demand": demand,
            "hits": hits,
            "experts": view.experts,
            "method_label": views.METHOD_LABELS.get(view.run.method, view.run.method),
            "mode_label": CooperationMode(demand.cooperation_mode).label,
            "visibility_label": Visibility(demand.visibility).label,
            "triage_label": TriageState(demand.triage_state).label,
            "industry_label": views.code_label(demand.industry_code)
            if demand.industry_code
            else None,
            "kinds": SupplyKind.choices(),
            "top_choices": TOP_CHOICES,
            "dismiss_reasons": DISMISS_REASONS,
            "state_labels": {s.value: s.label for s in MatchState},
            "breadcrumbs": [
                ("产业需求", "/r/demands"),
                (demand.title, f"/r/demands/{demand.id}"),
                ("匹配结果", None),
            ],
        },
    )


@router.get("/demands/{demand_id}/matches/codes", response_class=HTMLResponse)
def demand_codes(
    demand_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    suggestions = service.suggest_codes_for_demand(session, _settings(request), actor, demand_id)
    return render(request, "matches/_codes.html", {"suggestions": suggestions})


@router.get("/supply_items/{item_id}/matches", response_class=HTMLResponse)
def supply_matches(
    item_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    opts = _opts(request.query_params, [])
    try:
        view = service.supply_matches_view(
            session, _settings(request), actor, item_id, opts, factory=_factory(request)
        )
    except service.IndexBuilding as exc:
        return _building(request, exc)
    hits = [
        views.demand_hit_view(h, view.judge.get(h.obj.id, False), view.feedback_of.get(h.obj.id))
        for h in view.run.hits
    ]
    item = view.item
    return render(
        request,
        "matches/supply_matches.html",
        {
            "view": view,
            "item": item,
            "owner_name": personal.shown(actor, "supply_item", "owner_name", item),
            "hits": hits,
            "kind_label": SupplyKind(item.kind).label,
            "codes": [views.code_label(c) for c in (*item.discipline_codes, *item.industry_codes)],
            "method_label": views.METHOD_LABELS.get(view.run.method, view.run.method),
            "top_choices": TOP_CHOICES,
            "dismiss_reasons": DISMISS_REASONS,
            "breadcrumbs": [
                ("技术供给清单", "/r/supply_items"),
                (item.title, f"/r/supply_items/{item.id}"),
                ("匹配需求", None),
            ],
        },
    )


@router.get("/supply_items/{item_id}/matches/codes", response_class=HTMLResponse)
def supply_codes(
    item_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    suggestions = service.suggest_codes_for_supply(session, _settings(request), actor, item_id)
    return render(request, "matches/_codes.html", {"suggestions": suggestions})


@router.post("/matches/{match_id}/state", response_class=HTMLResponse)
def match_state(
    match_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    state = str(form.get("state") or "")
    reason = str(form.get("reason") or "").strip() or str(form.get("reason_choice") or "")
    judged = service.change_state_view(session, actor, match_id, state, reason=reason or None)
    if request.headers.get("HX-Request") != "true":
        back = _safe_next(str(form.get("next") or f"/demands/{judged.match.demand_id}/matches"))
        return RedirectResponse(back, status_code=303)
    match = judged.match
    return render(
        request,
        "matches/_actions.html",
        {
            "h": {
                "match_id": match.id,
                "state": match.state,
                "state_label": MatchState(match.state).label,
                "state_reason": judged.read.state_reason,
                "may_judge": judged.may_judge,
                "judgements": judged.read.judgements,
                "own_state": judged.read.own_state.value if judged.read.own_state else None,
            },
            "dismiss_reasons": DISMISS_REASONS,
            "next": str(form.get("next") or ""),
            "just_saved": True,
        },
    )


@router.get("/matches/map", response_class=HTMLResponse)
def map_index(request: Request, session: SessionDep, actor: PageActor) -> Response:
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return RedirectResponse(f"/zones/{actor.zone_id}/map", status_code=303)
    zones = service.paired_zones(session)
    return render(
        request,
        "matches/map_index.html",
        {"zones": zones, "breadcrumbs": [("供需匹配图谱", None)]},
    )


@router.get("/zones/{zone_id}/map", response_class=HTMLResponse)
def zone_map(zone_id: Id, request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    try:
        result = service.zone_map(
            session, _settings(request), actor, zone_id, factory=_factory(request)
        )
    except service.IndexBuilding as exc:
        return _building(request, exc)
    return render(
        request,
        "matches/zone_map.html",
        {
            "map": result,
            "method_label": views.METHOD_LABELS.get(result.method, result.method),
            "triage_labels": {s.value: s.label for s in TriageState},
            "code_label": views.code_label,
            "coverage_pct": f"{result.coverage * 100:.0f}",
            "chart_groups": views.map_chart_groups(result.rows),
            "breadcrumbs": [("供需匹配图谱", "/matches/map"), (result.zone_name, None)],
        },
    )


@router.get("/matches/index/progress", response_class=HTMLResponse)
def index_progress(request: Request, actor: PageActor, next: str = "/") -> Response:
    """The polled progress of a background index build; when it is done, go to ``next``."""
    progress = service.index_progress(_settings(request))
    target = _safe_next(next)
    if progress is None or (not progress.running and progress.error is None):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return render(request, "matches/_building.html", {"progress": progress, "next": target})
