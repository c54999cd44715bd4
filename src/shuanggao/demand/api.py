"""Demand endpoints beyond CRUD: the triage action, a demand's triage (checklist, history)."""

from typing import Annotated

from fastapi import APIRouter, Path

from shuanggao.demand import service
from shuanggao.demand.schemas import DemandRead, TriageRequest, TriageView
from shuanggao.kit.http.deps import ActorDep, SessionDep

router = APIRouter(tags=["产业需求"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.post("/demands/{demand_id}/triage", response_model=DemandRead, summary="梳理产业需求")
def triage(
    demand_id: Id, payload: TriageRequest, session: SessionDep, actor: ActorDep
) -> DemandRead:
    demand = service.triage_demand(
        session,
        actor,
        demand_id,
        payload.state,
        note=payload.note,
        expected_version=payload.version,
    )
    return service.present(demand, actor)


@router.get(
    "/demands/{demand_id}/triage",
    response_model=TriageView,
    summary="产业需求的梳理：可选状态、补充提示清单、梳理记录",
)
def triage_view(demand_id: Id, session: SessionDep, actor: ActorDep) -> TriageView:
    return service.triage_view(session, actor, demand_id)
