"""Collaboration pipeline endpoints under ``/api/v1/pipeline``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import Field

from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.kit.validation import CleanInput
from shuanggao.pipeline import service, views
from shuanggao.pipeline.funnel import FunnelRead, funnel, funnel_xlsx
from shuanggao.pipeline.schemas import (
    Advance,
    CollaborationList,
    CollaborationRead,
    Confidentiality,
    Decline,
    LinkConsortium,
    SideView,
    StartFromMatch,
)

router = APIRouter(prefix="/pipeline", tags=["合作对接"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ContactIn(CleanInput):
    version: int | None = None
    note: str = Field(min_length=1, max_length=2000)
    happened_date: dt.date | None = None
    owner: str | None = Field(default=None, max_length=100)


@router.get("/collaborations", response_model=CollaborationList, summary="合作对接列表")
def list_collaborations(
    session: SessionDep,
    actor: ActorDep,
    stage: str | None = None,
    status: str | None = None,
    zone_id: int | None = Query(default=None, ge=1),
    university_id: int | None = Query(default=None, ge=1),
    event_id: int | None = Query(default=None, ge=1),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=200),
) -> CollaborationList:
    rows, total = service.list_collaborations(
        session,
        actor,
        stage=stage,
        status=status,
        zone_id=zone_id,
        university_id=university_id,
        event_id=event_id,
        page=page,
        page_size=page_size,
    )
    return CollaborationList(items=[views.present(c, actor) for c in rows], total=total)


@router.post(
    "/collaborations", response_model=CollaborationRead, status_code=201, summary="开始合作对接"
)
def start(session: SessionDep, actor: ActorDep, body: StartFromMatch) -> CollaborationRead:
    c = service.start_from_match(
        session,
        actor,
        body.match_id,
        demand_id=body.demand_id,
        supply_item_id=body.supply_item_id,
        note=body.note,
    )
    return views.present(c, actor)


@router.get("/collaborations/{collab_id}", response_model=CollaborationRead, summary="合作对接详情")
def get(session: SessionDep, actor: ActorDep, collab_id: Id) -> CollaborationRead:
    return views.present(service.get_collaboration(session, actor, collab_id), actor)


@router.post(
    "/collaborations/{collab_id}/advance",
    response_model=CollaborationRead,
    summary="推进到下一阶段",
)
def advance(
    session: SessionDep, actor: ActorDep, collab_id: Id, body: Advance
) -> CollaborationRead:
    return views.present(service.advance(session, actor, collab_id, body), actor)


@router.post(
    "/collaborations/{collab_id}/decline",
    response_model=CollaborationRead,
    summary="终止（填写原因）",
)
def decline(
    session: SessionDep, actor: ActorDep, collab_id: Id, body: Decline
) -> CollaborationRead:
    return views.present(service.decline(session, actor, collab_id, body), actor)


@router.post(
    "/collaborations/{collab_id}/view", response_model=CollaborationRead, summary="记录本方看法"
)
def view(session: SessionDep, actor: ActorDep, collab_id: Id, body: SideView) -> CollaborationRead:
    return views.present(service.record_view(session, actor, collab_id, body), actor)


@router.post(
    "/collaborations/{collab_id}/confidentiality",
    response_model=CollaborationRead,
    summary="登记保密协议",
)
def confidentiality(
    session: SessionDep, actor: ActorDep, collab_id: Id, body: Confidentiality
) -> CollaborationRead:
    return views.present(service.record_confidentiality(session, actor, collab_id, body), actor)


@router.post(
    "/collaborations/{collab_id}/contacts",
    response_model=CollaborationRead,
    summary="记录联系或会谈",
)
def contact(
    session: SessionDep, actor: ActorDep, collab_id: Id, body: ContactIn
) -> CollaborationRead:
    c = service.log_contact(
        session, actor, collab_id, body.version, body.note, body.happened_date, body.owner
    )
    return views.present(c, actor)


@router.post(
    "/collaborations/{collab_id}/consortium",
    response_model=CollaborationRead,
    summary="关联创新联合体",
)
def consortium(
    session: SessionDep, actor: ActorDep, collab_id: Id, body: LinkConsortium
) -> CollaborationRead:
    return views.present(service.link_consortium(session, actor, collab_id, body), actor)


@router.get("/funnel", response_model=FunnelRead, summary="对接漏斗")
def get_funnel(
    session: SessionDep,
    actor: ActorDep,
    by: str = Query(default="zone", description="zone、university、pairing、event 或 month"),
    as_of: dt.date | None = None,
) -> FunnelRead:
    return funnel(session, actor, by=by, as_of=as_of)


@router.get("/funnel.xlsx", summary="导出对接漏斗（Excel）")
def export_funnel(
    session: SessionDep, actor: ActorDep, by: str = "zone", as_of: dt.date | None = None
) -> Response:
    result = funnel(session, actor, by=by, as_of=as_of)
    name = f"funnel-{result.by}-{result.as_of.isoformat()}.xlsx"
    return Response(
        funnel_xlsx(result),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
