"""Planner endpoints: recommendations, the plan (with what-if parameters), its Excel export and
the evaluation on hidden pairings."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from shuanggao.config import Settings
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.planner import export, service
from shuanggao.planner.schemas import EvaluationRead, PlanRead, PlanRequest, Recommendations

router = APIRouter(prefix="/planner", tags=["结对规划"])
MAX_ID = 2_147_483_647
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get(
    "/zones/{zone_id}/recommendations", response_model=Recommendations, summary="为高新区推荐高校"
)
def zone_recommendations(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    zone_id: int = Path(ge=1, le=MAX_ID),
    top: int = Query(default=10, description="列出前 N 所高校"),
) -> Recommendations:
    return service.recommend_for_zone(session, _settings(request), actor, zone_id, top)


@router.get(
    "/universities/{university_id}/recommendations",
    response_model=Recommendations,
    summary="为高校推荐最需要其供给的高新区",
)
def university_recommendations(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    university_id: int = Path(ge=1, le=MAX_ID),
    top: int = Query(default=10, description="列出前 N 个高新区"),
) -> Recommendations:
    return service.recommend_for_university(session, _settings(request), actor, university_id, top)


@router.post("/plan", response_model=PlanRead, summary="全省结对规划（可固定结对、调整容量）")
def plan(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    body: PlanRequest,
    as_of: dt.date | None = Query(default=None, description="以该日的结对情况规划，默认今天"),
) -> PlanRead:
    return service.make_plan(session, _settings(request), actor, body, as_of)


@router.post("/plan.xlsx", summary="导出结对规划（Excel，供决策会使用）")
def plan_xlsx(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    body: PlanRequest,
    as_of: dt.date | None = Query(default=None),
) -> Response:
    result = service.make_plan(session, _settings(request), actor, body, as_of)
    name = quote(f"结对规划_{result.as_of.isoformat()}.xlsx")
    return Response(
        export.plan_workbook(result),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/evaluation", response_model=EvaluationRead, summary="隐藏现有结对后的推荐找回率")
def evaluation(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    as_of: dt.date | None = Query(default=None),
) -> EvaluationRead:
    return service.evaluate(session, _settings(request), actor, as_of)
