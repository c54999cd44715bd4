"""Enterprise endpoints beyond CRUD: the enterprises-served figure."""

import datetime as dt

from fastapi import APIRouter, Query

from shuanggao.clock import today
from shuanggao.enterprises import service
from shuanggao.enterprises.schemas import EnterprisesServed
from shuanggao.kit.http.deps import ActorDep, SessionDep

router = APIRouter(tags=["服务企业记录"])


@router.get("/enterprises_served", response_model=EnterprisesServed, summary="服务企业数（去重）")
def enterprises_served(
    session: SessionDep,
    actor: ActorDep,
    as_of: dt.date | None = Query(default=None, description="统计截止日期，默认今天"),
    zone_id: int | None = Query(default=None, ge=1, le=2_147_483_647, description="只统计该高新区"),
) -> EnterprisesServed:
    return service.enterprises_served(session, actor, as_of or today(), zone_id)
