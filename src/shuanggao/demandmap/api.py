"""Chain map endpoints: a zone's or a pairing's chain map, a node's details, placing needs on
nodes, the reverse view of a university, gap reports."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from shuanggao.config import Settings
from shuanggao.demandmap import reports, service
from shuanggao.demandmap.schemas import (
    ChainMap,
    GapRow,
    NodeChoice,
    NodeDetail,
    Placed,
    ProposalRun,
    ReverseView,
    UniversityGaps,
)
from shuanggao.kit.http.deps import ActorDep, SessionDep

router = APIRouter(prefix="/chainmap", tags=["产业需求图谱"])

MAX_INT = 2_147_483_647
Id = Annotated[int, Path(ge=1, le=MAX_INT)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_INT)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/zones/{zone_id}", response_model=ChainMap, summary="高新区产业链供需图谱")
def zone_chain_map(
    zone_id: Id,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    chain_id: OptionalId = None,
) -> ChainMap:
    return service.chain_map(session, _settings(request), actor, zone_id, chain_id=chain_id)


@router.get("/pairings/{pairing_id}", response_model=ChainMap, summary="结对产业链供需图谱")
def pairing_chain_map(
    pairing_id: Id,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    chain_id: OptionalId = None,
) -> ChainMap:
    return service.chain_map(
        session, _settings(request), actor, None, pairing_id=pairing_id, chain_id=chain_id
    )


@router.get("/nodes/{node_id}", response_model=NodeDetail, summary="产业链环节详情")
def node_detail(
    node_id: Id,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    pairing_id: OptionalId = None,
) -> NodeDetail:
    return service.node_detail(session, _settings(request), actor, node_id, pairing_id=pairing_id)


@router.post("/demands/{demand_id}/node", response_model=Placed, summary="确认需求所在环节")
def place_demand(demand_id: Id, body: NodeChoice, session: SessionDep, actor: ActorDep) -> Placed:
    return service.confirm_node(
        session, actor, demand_id, body.node_id, expected_version=body.version
    )


@router.post("/zones/{zone_id}/proposals", response_model=ProposalRun, summary="推荐需求所在环节")
def propose(zone_id: Id, request: Request, session: SessionDep, actor: ActorDep) -> ProposalRun:
    return service.propose_nodes(session, _settings(request), actor, zone_id)


@router.get("/zones/{zone_id}/gaps", response_model=list[GapRow], summary="高新区缺口报告")
def zone_gaps(zone_id: Id, request: Request, session: SessionDep, actor: ActorDep) -> list[GapRow]:
    return reports.zone_gaps(session, _settings(request), actor, zone_id)


@router.get(
    "/universities/{university_id}", response_model=ReverseView, summary="高校供给在产业链上的落点"
)
def reverse(
    university_id: Id, request: Request, session: SessionDep, actor: ActorDep
) -> ReverseView:
    return reports.reverse_view(session, _settings(request), actor, university_id)


@router.get(
    "/universities/{university_id}/gaps", response_model=UniversityGaps, summary="高校学科缺口"
)
def university_gaps(
    university_id: Id, request: Request, session: SessionDep, actor: ActorDep
) -> UniversityGaps:
    return reports.university_gaps(session, _settings(request), actor, university_id)
