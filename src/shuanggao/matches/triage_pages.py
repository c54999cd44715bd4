"""Broker pages: the triage queue (/triage) and the duplicate-need list (/triage/duplicates)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import Role
from shuanggao.config import Settings
from shuanggao.demand.schemas import TriageState, Visibility
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.matches import service
from shuanggao.matches.triage_schemas import Confidence

router = APIRouter(include_in_schema=False)


def _zone(request: Request) -> int | None:
    raw = str(request.query_params.get("zone_id") or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 2_147_483_647 else None


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


LABELS = {
    "states": {s.value: s.label for s in TriageState},
    "confidence": {c.value: c.label for c in Confidence},
    "visibility": {v.value: v.label for v in Visibility},
}


@router.get("/triage", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    state = request.query_params.get("state") or None
    confidence = request.query_params.get("confidence") or None
    try:
        queue = service.triage_queue(
            session,
            _settings(request),
            actor,
            zone_id=_zone(request),
            state=state,
            confidence=confidence,
            factory=_factory(request),
        )
    except service.IndexBuilding as exc:
        return render(
            request,
            "matches/building.html",
            {"progress": exc.progress, "next": "/triage", "breadcrumbs": [("需求梳理", None)]},
            status_code=202,
        )
    return render(
        request,
        "matches/triage_queue.html",
        {
            "queue": queue,
            "state": state or "",
            "confidence": confidence or "",
            "state_choices": TriageState.choices(),
            "confidence_choices": Confidence.choices(),
            "breadcrumbs": [("需求梳理", None)],
            **LABELS,
        },
    )


@router.get("/triage/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    found = service.duplicate_list(session, actor, _zone(request))
    saved = service.list_groups(session, actor, _zone(request))
    return render(
        request,
        "matches/triage_duplicates.html",
        {
            "found": found,
            "saved": saved,
            "can_save": actor.is_province or (actor.role is Role.ZONE_ADMIN and actor.zone_id),
            "kind_labels": {"same": "疑似重复", "near": "相近需求"},
            "breadcrumbs": [("需求梳理", "/triage"), ("重复与相近需求", None)],
            **LABELS,
        },
    )
