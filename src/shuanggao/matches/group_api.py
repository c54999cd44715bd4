"""Saved duplicate groups (合并需求组): list, save, change, dissolve; a need's groups."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.matches import service
from shuanggao.matches.group_schemas import (
    GroupCreate,
    GroupDissolve,
    GroupList,
    GroupOut,
    GroupUpdate,
)

router = APIRouter(tags=["需求梳理"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
OptionalId = Annotated[int | None, Query(ge=1, le=2_147_483_647, description="高新区 ID")]


@router.get("/triage/groups", response_model=GroupList, summary="合并需求组")
def list_groups(session: SessionDep, actor: ActorDep, zone_id: OptionalId = None) -> GroupList:
    return service.list_groups(session, actor, zone_id)


@router.post("/triage/groups", response_model=GroupOut, status_code=201, summary="保存合并需求组")
def create_group(payload: GroupCreate, session: SessionDep, actor: ActorDep) -> GroupOut:
    group = service.create_group(session, actor, payload)
    return service.present_group(session, actor, group)


@router.get("/triage/groups/{group_id}", response_model=GroupOut, summary="一个合并需求组")
def get_group(group_id: Id, session: SessionDep, actor: ActorDep) -> GroupOut:
    return service.present_group(session, actor, service.get_group(session, actor, group_id))


@router.patch(
    "/triage/groups/{group_id}",
    response_model=GroupOut,
    summary="修改合并需求组（改名、加入或移出需求）",
)
def update_group(
    group_id: Id, payload: GroupUpdate, session: SessionDep, actor: ActorDep
) -> GroupOut:
    group = service.update_group(session, actor, group_id, payload)
    return service.present_group(session, actor, group)


@router.post("/triage/groups/{group_id}/dissolve", status_code=204, summary="解散合并需求组")
def dissolve_group(
    group_id: Id, payload: GroupDissolve, session: SessionDep, actor: ActorDep
) -> Response:
    service.dissolve_group(session, actor, group_id, payload.version)
    return Response(status_code=204)


@router.get(
    "/demands/{demand_id}/groups", response_model=list[GroupOut], summary="需求所在的合并需求组"
)
def demand_groups(demand_id: Id, session: SessionDep, actor: ActorDep) -> list[GroupOut]:
    return service.groups_of_demand(session, actor, demand_id)
