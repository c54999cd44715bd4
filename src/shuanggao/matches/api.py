"""Matching endpoints: demand → supply items and experts, text → supply, supply → demands, a
zone's batch map, feedback on stored recommendations, code suggestions.

Each endpoint is one service call: it runs in the request's unit of work in one thread-pool
call (``in_unit_of_work``), not in a session dependency's enter and exit, a sync endpoint and a
response validation (four hops of the path users wait on, #8).
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session

from shuanggao.config import Settings
from shuanggao.kit.http.deps import ActorDep, in_unit_of_work
from shuanggao.matches import service
from shuanggao.matches.schemas import (
    CodeSuggestions,
    FeedbackCounts,
    MatchRead,
    MatchResults,
    StateChange,
    ZoneMap,
)

router = APIRouter(prefix="/matches", tags=["匹配"])

# Ids fit the database's integer column (a larger one is a 422, not a driver error).
MAX_INT = 2_147_483_647
Id = Annotated[int, Path(ge=1, le=MAX_INT)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_INT)]
Top = Annotated[int, Query(ge=1, le=service.MAX_TOP, description="返回条数")]
PairedOnly = Annotated[bool, Query(description="只在结对范围内匹配")]
ModeCompatible = Annotated[bool, Query(description="只要与合作方式相符的供给")]
MinMaturity = Annotated[int | None, Query(ge=1, le=9, description="科技成果最低成熟度（TRL）")]
MAX_TEXT_PARAM = 50_000
Kinds = Annotated[list[str] | None, Query(description="供给类型，可多选")]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _opts(
    top: int,
    paired_only: bool = False,
    mode_compatible: bool = False,
    min_maturity: int | None = None,
    kinds: list[str] | None = None,
) -> service.SearchOptions:
    return service.SearchOptions(
        top, paired_only, mode_compatible, min_maturity, tuple(kinds or ())
    )


@router.get("/demands/{demand_id}", response_model=MatchResults, summary="需求匹配的技术供给")
async def match_demand(
    demand_id: Id,
    request: Request,
    actor: ActorDep,
    top: Top = 10,
    paired_only: PairedOnly = False,
    mode_compatible: ModeCompatible = False,
    min_maturity: MinMaturity = None,
    kinds: Kinds = None,
) -> MatchResults:
    opts = _opts(top, paired_only, mode_compatible, min_maturity, kinds)
    settings = _settings(request)

    def work(session: Session) -> MatchResults:
        return service.match_demand(session, settings, actor, demand_id, opts).results()

    return await in_unit_of_work(request, work)


@router.get("/demands/{demand_id}/experts", response_model=MatchResults, summary="需求匹配的专家")
async def match_experts(
    demand_id: Id,
    request: Request,
    actor: ActorDep,
    top: Top = 10,
    paired_only: PairedOnly = False,
) -> MatchResults:
    settings = _settings(request)

    def work(session: Session) -> MatchResults:
        run, experts = service.experts_for_demand(
            session, settings, actor, demand_id, _opts(top, paired_only)
        )
        return MatchResults(
            model_version=run.model_version,
            method=run.method,
            note=run.note,
            filters_applied=run.filters_applied,
            results=[e.result() for e in experts],
        )

    return await in_unit_of_work(request, work)


@router.get(
    "/demands/{demand_id}/suggested_codes",
    response_model=CodeSuggestions,
    summary="为需求建议行业代码与产业链节点",
)
async def demand_codes(demand_id: Id, request: Request, actor: ActorDep) -> CodeSuggestions:
    settings = _settings(request)

    def work(session: Session) -> CodeSuggestions:
        return service.suggest_codes_for_demand(session, settings, actor, demand_id)

    return await in_unit_of_work(request, work)


@router.get("/text", response_model=MatchResults, summary="按需求描述匹配技术供给")
async def match_text(
    request: Request,
    actor: ActorDep,
    # Longer than MAX_QUERY_CHARS is cut (the note says so), not refused; this bound only keeps
    # a request's size reasonable.
    text: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_TEXT_PARAM,
            description="需求描述（超过 2000 字只按前 2000 字匹配）",
        ),
    ],
    top: Top = 10,
    min_maturity: MinMaturity = None,
    kinds: Kinds = None,
) -> MatchResults:
    opts = _opts(top, min_maturity=min_maturity, kinds=kinds)
    settings = _settings(request)

    def work(session: Session) -> MatchResults:
        return service.match_text(session, settings, actor, text, opts).results()

    return await in_unit_of_work(request, work)


@router.get(
    "/supply_items/{item_id}", response_model=MatchResults, summary="技术供给匹配的产业需求"
)
async def match_supply(
    item_id: Id,
    request: Request,
    actor: ActorDep,
    top: Top = 10,
    paired_only: PairedOnly = False,
) -> MatchResults:
    opts = _opts(top, paired_only)
    settings = _settings(request)

    def work(session: Session) -> MatchResults:
        return service.match_supply(session, settings, actor, item_id, opts).results()

    return await in_unit_of_work(request, work)


@router.get(
    "/supply_items/{item_id}/suggested_codes",
    response_model=CodeSuggestions,
    summary="为技术供给建议一级学科",
)
async def supply_codes(item_id: Id, request: Request, actor: ActorDep) -> CodeSuggestions:
    settings = _settings(request)

    def work(session: Session) -> CodeSuggestions:
        return service.suggest_codes_for_supply(session, settings, actor, item_id)

    return await in_unit_of_work(request, work)


@router.get("/zones/{zone_id}/map", response_model=ZoneMap, summary="高新区供需匹配图谱")
async def zone_map(
    zone_id: Id,
    request: Request,
    actor: ActorDep,
    top: Annotated[int, Query(ge=1, le=10)] = 3,
) -> ZoneMap:
    settings = _settings(request)

    def work(session: Session) -> ZoneMap:
        return service.zone_map(session, settings, actor, zone_id, top=top)

    return await in_unit_of_work(request, work)


@router.get("/feedback", response_model=FeedbackCounts, summary="匹配反馈统计")
async def feedback(
    request: Request,
    actor: ActorDep,
    zone_id: OptionalId = None,
    demand_id: OptionalId = None,
) -> FeedbackCounts:
    def work(session: Session) -> FeedbackCounts:
        return service.feedback_counts(session, actor, zone_id=zone_id, demand_id=demand_id)

    return await in_unit_of_work(request, work)


@router.get("/{match_id}", response_model=MatchRead, summary="查看匹配记录")
async def get_match(match_id: Id, request: Request, actor: ActorDep) -> MatchRead:
    def work(session: Session) -> MatchRead:
        return service.match_read(actor, service.get_match(session, actor, match_id))

    return await in_unit_of_work(request, work)


@router.post("/{match_id}/state", response_model=MatchRead, summary="反馈匹配结果")
async def change_state(
    match_id: Id, payload: StateChange, request: Request, actor: ActorDep
) -> MatchRead:
    def work(session: Session) -> MatchRead:
        match = service.change_state(session, actor, match_id, payload.state, reason=payload.reason)
        return service.match_read(actor, match)

    return await in_unit_of_work(request, work)
