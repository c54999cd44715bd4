"""Matchmaking events under ``/api/v1/events``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from shuanggao.config import Settings
from shuanggao.events import agenda, intake, report, scheduling, service
from shuanggao.events.schemas import (
    Decision,
    EventCreate,
    EventRead,
    EventReport,
    IntakeCreate,
    IntakeResult,
    MeetingRead,
    OutcomeUpdate,
    RegistrationCreate,
    RegistrationRead,
    ScheduleSummary,
    Suggestion,
)
from shuanggao.kit.http.deps import ActorDep, SessionDep

router = APIRouter(prefix="/events", tags=["校企对接会"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class ScheduleRead(ScheduleSummary):
    schedule: list[MeetingRead]


@router.get("", response_model=list[EventRead], summary="对接会列表")
def list_events(session: SessionDep, actor: ActorDep) -> list[EventRead]:
    return [service.event_read(e) for e in service.list_events(session, actor)]


@router.post("", response_model=EventRead, status_code=201, summary="创建对接会")
def create_event(session: SessionDep, actor: ActorDep, body: EventCreate) -> EventRead:
    return service.event_read(service.create_event(session, actor, body))


@router.get("/{event_id}", response_model=EventRead, summary="对接会详情")
def get_event(event_id: Id, session: SessionDep, actor: ActorDep) -> EventRead:
    return service.event_read(service.get_event(session, actor, event_id))


@router.get(
    "/{event_id}/registrations", response_model=list[RegistrationRead], summary="报名（按权限）"
)
def registrations(event_id: Id, session: SessionDep, actor: ActorDep) -> list[RegistrationRead]:
    event = service.get_event(session, actor, event_id)
    return [
        service.registration_read(r) for r in service.visible_registrations(session, actor, event)
    ]


@router.post(
    "/{event_id}/registrations",
    response_model=RegistrationRead,
    status_code=201,
    summary="报名：企业带需求、科研人员带技术供给",
)
def register(
    event_id: Id, session: SessionDep, actor: ActorDep, body: RegistrationCreate
) -> RegistrationRead:
    return service.registration_read(service.register(session, actor, event_id, body))


@router.post(
    "/registrations/{reg_id}/decision", response_model=RegistrationRead, summary="审核报名"
)
def decide(reg_id: Id, session: SessionDep, actor: ActorDep, body: Decision) -> RegistrationRead:
    return service.registration_read(service.decide(session, actor, reg_id, body))


@router.post(
    "/registrations/{reg_id}/check-in", response_model=RegistrationRead, summary="现场签到"
)
def check_in(reg_id: Id, session: SessionDep, actor: ActorDep) -> RegistrationRead:
    return service.registration_read(service.check_in(session, actor, reg_id))


@router.post("/{event_id}/schedule", response_model=ScheduleSummary, summary="生成一对一洽谈日程")
def schedule(
    event_id: Id, request: Request, session: SessionDep, actor: ActorDep
) -> ScheduleSummary:
    return scheduling.schedule_event(session, _settings(request), actor, event_id)


@router.get("/{event_id}/schedule", response_model=ScheduleRead, summary="洽谈日程与得分")
def get_schedule(event_id: Id, session: SessionDep, actor: ActorDep) -> ScheduleRead:
    summary = scheduling.schedule_summary(session, actor, event_id)
    event = service.get_event(session, actor, event_id)
    meetings = service.meeting_reads(
        session, actor, event, service.visible_meetings(session, actor, event)
    )
    return ScheduleRead(**summary.model_dump(), schedule=meetings)


@router.post("/meetings/{meeting_id}/outcome", response_model=MeetingRead, summary="记录洽谈结果")
def outcome(
    meeting_id: Id, session: SessionDep, actor: ActorDep, body: OutcomeUpdate
) -> MeetingRead:
    meeting = service.record_outcome(session, actor, meeting_id, body)
    event = service.get_event(session, actor, meeting.event_id)
    return service.meeting_reads(session, actor, event, [meeting])[0]


@router.get(
    "/{event_id}/intake/suggestions", response_model=list[Suggestion], summary="现场需求的推荐"
)
def suggestions(
    event_id: Id,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: str = Query(max_length=2000),
) -> list[Suggestion]:
    return intake.suggest(session, _settings(request), actor, event_id, q)


@router.post(
    "/{event_id}/intake", response_model=IntakeResult, status_code=201, summary="现场登记需求"
)
def intake_save(
    event_id: Id, request: Request, session: SessionDep, actor: ActorDep, body: IntakeCreate
) -> IntakeResult:
    return intake.save(session, _settings(request), actor, event_id, body)


@router.get("/{event_id}/report", response_model=EventReport, summary="对接会报告")
def event_report(
    event_id: Id, request: Request, session: SessionDep, actor: ActorDep
) -> EventReport:
    return report.event_report(session, _settings(request), actor, event_id)


def agenda_response(title: str, pages: list[agenda.Agenda], fmt: str) -> Response:
    if fmt == "pdf":
        body, media, ext = agenda.pdf(pages), "application/pdf", "pdf"
    else:
        body, media, ext = agenda.workbook(pages), XLSX, "xlsx"
    name = quote(f"{title}_洽谈日程.{ext}")
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/{event_id}/agenda.{fmt}", summary="打印日程（PDF 或 Excel；按参会方或桌位）")
def agenda_file(
    event_id: Id,
    session: SessionDep,
    actor: ActorDep,
    fmt: Annotated[str, Path(pattern="^(pdf|xlsx)$")],
    registration: int | None = Query(default=None, ge=1, le=2_147_483_647),
    table: int | None = Query(default=None, ge=0, le=10_000),
) -> Response:
    title, pages = agenda.agendas(
        session, actor, event_id, registration_id=registration, table=table
    )
    return agenda_response(title, pages, fmt)
