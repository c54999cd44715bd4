"""Broker endpoints: the triage queue and the duplicate-need list."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from shuanggao.config import Settings
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.matches import service
from shuanggao.matches.triage_schemas import DuplicateList, TriageQueue

router = APIRouter(prefix="/triage", tags=["需求梳理"])

OptionalId = Annotated[int | None, Query(ge=1, le=2_147_483_647, description="高新区 ID")]
Text = Annotated[str | None, Query(max_length=20)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/queue", response_model=TriageQueue, summary="需求梳理队列（含匹配把握度）")
def queue(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    zone_id: OptionalId = None,
    state: Text = None,
    confidence: Text = None,
) -> TriageQueue:
    return service.triage_queue(
        session, _settings(request), actor, zone_id=zone_id, state=state, confidence=confidence
    )


@router.get("/duplicates", response_model=DuplicateList, summary="重复与相近需求")
def duplicates(session: SessionDep, actor: ActorDep, zone_id: OptionalId = None) -> DuplicateList:
    return service.duplicate_list(session, actor, zone_id)
