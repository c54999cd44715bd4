"""Enterprise endpoints beyond CRUD: the enterprises-served figure."""

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

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


class PhoneLookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = Field(min_length=1, max_length=40)


class PhoneMatch(BaseModel):
    id: int
    name: str
    credit_code: str


@router.post(
    "/enterprises/lookup_phone", response_model=list[PhoneMatch], summary="按联系人电话查找企业"
)
def lookup_phone(payload: PhoneLookupIn, session: SessionDep, actor: ActorDep) -> list[PhoneMatch]:
    """The number travels in the body (not the address, not the logs); the lookup uses the
    blind index only."""
    return [
        PhoneMatch(id=e.id, name=e.name, credit_code=e.credit_code)
        for e in service.find_by_phone(session, actor, payload.phone)
    ]
