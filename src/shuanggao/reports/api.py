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
from shuanggao.reports import reminders, service, workflow
from shuanggao.reports.models import PeriodicReport
from shuanggao.reports.registers import reports
from shuanggao.reports.schemas import (
    EventOut,
    OpenReport,
    ReportAction,
    ReportRead,
    SaveFigures,
    SeriesOut,
    SheetLineOut,
    SheetOut,
    StatsOut,
    UnitStatusOut,
)

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


# ---- the 填报 workflow -----------------------------------------------------------------------


def _sheet_out(sheet: workflow.Sheet) -> SheetOut:
    report = sheet.report
    return SheetOut(
        report=_read(report),
        period_id=report.period_id,
        return_comment=report.return_comment,
        lines=[
            SheetLineOut(
                code=line.indicator.code,
                label=line.indicator.label,
                unit=line.indicator.unit,
                is_money=line.indicator.is_money,
                source=line.indicator.source,
                reported=None if line.reported is None else str(line.reported),
                recorded=None if line.recorded is None else str(line.recorded),
                explanation=line.explanation,
                needs_explanation=line.needs_explanation,
                records_href=(
                    f"/reports/records/{line.indicator.code}?zone_id={report.zone_id}"
                    f"&as_of={report.as_of_date.isoformat()}"
                    + (f"&pairing_id={report.pairing_id}" if report.pairing_id else "")
                    if line.indicator.source
                    else None
                ),
            )
            for line in sheet.lines
        ],
    )


@router.post(
    "/reports/open",
    response_model=SheetOut,
    tags=[reports.label],
    summary="打开本单位某填报期的填报（没有则按平台记录预填创建草稿）",
)
def open_report(body: OpenReport, session: SessionDep, actor: ActorDep) -> SheetOut:
    report = workflow.open_report(session, actor, body.period_id, body.zone_id, body.pairing_id)
    return _sheet_out(workflow.get_sheet(session, actor, report.id))


@router.get(
    "/reports/status",
    response_model=list[UnitStatusOut],
    tags=[reports.label],
    summary="各单位各填报期的填报状态（待提交、已逾期……）",
)
def unit_status(
    session: SessionDep,
    actor: ActorDep,
    as_of: Annotated[dt.date | None, Query(description="日期，默认今天")] = None,
) -> list[UnitStatusOut]:
    return [
        UnitStatusOut(
            zone_id=s.zone_id,
            zone_name=s.zone_name,
            pairing_id=s.pairing_id,
            period_id=s.period.id,
            period_title=s.period.title,
            due_date=s.period.due_date,
            status=s.report.status if s.report is not None else "none",
            state=s.state,
            report_id=s.report.id if s.report is not None else None,
        )
        for s in reminders.unit_statuses(session, actor, as_of or today())
    ]


@router.get(
    "/reports/{report_id}/sheet",
    response_model=SheetOut,
    tags=[reports.label],
    summary="填报表：每项指标的填报数、平台记录数与差异说明",
)
def sheet(report_id: ReportId, session: SessionDep, actor: ActorDep) -> SheetOut:
    return _sheet_out(workflow.get_sheet(session, actor, report_id))


@router.put(
    "/reports/{report_id}/figures",
    response_model=SheetOut,
    tags=[reports.label],
    summary="保存填报数字与差异说明（草稿；须带 version）",
)
def save_figures(
    report_id: ReportId, body: SaveFigures, session: SessionDep, actor: ActorDep
) -> SheetOut:
    workflow.save_figures(
        session,
        actor,
        report_id,
        expected_version=body.version,
        figures=dict(body.figures),
        explanations=dict(body.explanations),
    )
    return _sheet_out(workflow.get_sheet(session, actor, report_id))


@router.get(
    "/reports/{report_id}/history",
    response_model=list[EventOut],
    tags=[reports.label],
    summary="填报的变更记录（创建、保存、提交、退回、审核）",
)
def report_history(report_id: ReportId, session: SessionDep, actor: ActorDep) -> Any:
    return [
        EventOut.model_validate(e, from_attributes=True)
        for e in workflow.history(session, actor, report_id)
    ]
