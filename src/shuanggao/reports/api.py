"""Report workflow actions and the statistics endpoints (mounted under ``/api/v1``).

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime.
"""

import datetime as dt
from typing import Annotated, Any, Literal, Protocol

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.clock import today
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.reports import service
from shuanggao.reports.models import PeriodicReport
from shuanggao.reports.registers import reports
from shuanggao.reports.schemas import ReportAction, ReportRead, SeriesOut, StatsOut

router = APIRouter()

# Ids are 32-bit integers in the database.
MAX_ID = 2_147_483_647
ReportId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _read(obj: Any) -> ReportRead:
    return ReportRead.model_validate(obj, from_attributes=True)


class _Action(Protocol):
    def __call__(
        self,
        session: Session,
        actor: Actor,
        report_id: int,
        *,
        expected_version: int | None = None,
        comment: str | None = None,
    ) -> PeriodicReport: ...


def _act(
    action: _Action, session: Session, actor: Actor, report_id: int, body: ReportAction | None
) -> ReportRead:
    """Run a workflow action with the version the editor read and the optional comment."""
    body = body or ReportAction()
    return _read(
        action(session, actor, report_id, expected_version=body.version, comment=body.comment)
    )


@router.post(
    "/reports/{report_id}/submit",
    response_model=ReportRead,
    tags=[reports.label],
    summary="提交填报（草稿 → 已提交）",
)
def submit(
    report_id: ReportId, session: SessionDep, actor: ActorDep, body: ReportAction | None = None
) -> ReportRead:
    return _act(service.submit_report, session, actor, report_id, body)


@router.post(
    "/reports/{report_id}/approve",
    response_model=ReportRead,
    tags=[reports.label],
    summary="审核通过填报（已提交 → 已审核，仅省级管理员）",
)
def approve(
    report_id: ReportId, session: SessionDep, actor: ActorDep, body: ReportAction | None = None
) -> ReportRead:
    return _act(service.approve_report, session, actor, report_id, body)


@router.post(
    "/reports/{report_id}/return",
    response_model=ReportRead,
    tags=[reports.label],
    summary="退回填报（已提交 → 草稿，仅省级管理员）",
)
def return_(
    report_id: ReportId, session: SessionDep, actor: ActorDep, body: ReportAction | None = None
) -> ReportRead:
    return _act(service.return_report, session, actor, report_id, body)


@router.get(
    "/stats", response_model=StatsOut, tags=["统计"], summary="数说双高协同：截至某日的数字"
)
def stats(
    session: SessionDep,
    actor: ActorDep,
    as_of: Annotated[dt.date | None, Query(description="截至日期，默认今天")] = None,
    zone_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="高新区；不填为全省")] = None,
) -> Any:
    result = service.compute_stats(session, actor, as_of or today(), zone_id)
    return result.to_json()


@router.get(
    "/stats/series",
    response_model=SeriesOut,
    response_model_by_alias=True,
    tags=["统计"],
    summary="数说双高协同：按月（或季度）末的数字序列",
)
def series(
    session: SessionDep,
    actor: ActorDep,
    start: Annotated[dt.date, Query(alias="from", description="开始日期")],
    end: Annotated[dt.date | None, Query(alias="to", description="结束日期，默认今天")] = None,
    step: Annotated[Literal["month", "quarter"], Query(description="month 或 quarter")] = "month",
    zone_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="高新区；不填为全省")] = None,
) -> Any:
    end = end or today()
    points = service.compute_series(session, actor, start, end, step=step, zone_id=zone_id)
    return {
        "step": step,
        "from": start,
        "to": end,
        "zone_id": points[0].zone_id if points else zone_id,
        "points": [p.to_json() for p in points],
    }
