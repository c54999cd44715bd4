"""Matchmaking event pages: the list and the organiser's form, an event (registrations,
approval, check-in, the schedule beside the greedy baseline, outcomes, agendas), the event
report, and the phone-sized on-site intake page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.errors import AppError, ValidationFailed
from shuanggao.events import agenda, choices, intake, policy, report, scheduling, service
from shuanggao.events.api import agenda_response
from shuanggao.events.schemas import (
    Decision,
    EventCreate,
    IntakeCreate,
    Outcome,
    OutcomeUpdate,
    Side,
    Visibility,
)
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.kit.validation import field_errors

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
ORGANISERS = frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN})


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _text(form: dict[str, str | list[str]], name: str) -> str:
    value = form.get(name, "")
    return (value[0] if isinstance(value, list) else value).strip()


def _ints(form: dict[str, str | list[str]], name: str) -> list[int]:
    raw = form.get(name, [])
    values = raw if isinstance(raw, list) else [raw]
    out = []
    for v in values:
        for part in v.replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 9:
                raise ValidationFailed(fields={name: f"“{part}”不是有效的编号"})
            out.append(int(part))
    return out


def _lines(text: str) -> list[str]:
    return [
        p.strip() for p in text.replace("，", "\n").replace(",", "\n").splitlines() if p.strip()
    ]


def _failed(request: Request, session: Session, exc: AppError, back: str) -> RedirectResponse:
    """Nothing of the failed action is kept; the page says why, field by field."""
    session.rollback()
    response = RedirectResponse(back, status_code=303)
    detail = exc.detail + "".join(f" {k}：{v}" for k, v in exc.fields.items())
    add_flash(request, response, detail, level="error")
    return response


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    events = service.list_events(session, actor)
    return render(
        request,
        "events/list.html",
        {
            "events": events,
            "can_create": actor.role in ORGANISERS,
            "zones": service.zone_options(session) if actor.role in ORGANISERS else [],
            "universities": service.university_options(session) if actor.role in ORGANISERS else [],
            "breadcrumbs": [("校企对接会", None)],
        },
    )


@router.post("/events")
def create_event(
    request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    try:
        data = EventCreate.model_validate(
            {
                "title": _text(form, "title"),
                "event_date": _text(form, "event_date") or None,
                "place": _text(form, "place") or None,
                "is_online": _text(form, "is_online") == "1",
                "zone_ids": _ints(form, "zone_ids"),
                "university_ids": _ints(form, "university_ids"),
                "slots": _lines(_text(form, "slots")),
                "tables": _lines(_text(form, "tables")),
                "meeting_cap": _text(form, "meeting_cap") or "4",
                "note": _text(form, "note") or None,
            }
        )
        event = service.create_event(session, actor, data)
    except AppError as exc:
        return _failed(request, session, exc, "/events")
    except ValidationError as exc:
        return _failed(request, session, ValidationFailed(fields=field_errors(exc)), "/events")
    response = RedirectResponse(f"/events/{event.id}", status_code=303)
    add_flash(request, response, f"已创建对接会“{event.title}”。")
    return response


def _event_context(session: Session, actor: Actor, event_id: int) -> dict[str, object]:
    event = service.get_event(session, actor, event_id)
    manages = policy.manages(actor, event)
    regs = service.visible_registrations(session, actor, event)
    meetings = service.meeting_reads(
        session, actor, event, service.visible_meetings(session, actor, event)
    )
    summary = scheduling.summary_of(session, event) if event.scheduled_at else None
    return {
        "event": event,
        "manages": manages,
        "enterprises": [r for r in regs if r.side == Side.ENTERPRISE.value],
        "researchers": [r for r in regs if r.side == Side.RESEARCHER.value],
        "meetings": meetings,
        "summary": summary,
        "outcomes": list(Outcome),
        "enterprise_choices": choices.enterprise_choices(session, actor, event)
        if actor.role is not Role.AUDITOR
        else [],
        "researcher_choices": choices.researcher_choices(session, actor, event)
        if actor.role is not Role.AUDITOR
        else [],
        "registered": {r.party_key for r in regs},
        "breadcrumbs": [("校企对接会", "/events"), (event.title, None)],
    }


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(
    event_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    return render(request, "events/detail.html", _event_context(session, actor, event_id))


@router.post("/events/{event_id}/registrations")
def register(
    event_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    back = f"/events/{event_id}#registrations"
    side = _text(form, "side")
    try:
        event = service.get_event(session, actor, event_id)
        value = _text(form, "enterprise" if side == Side.ENTERPRISE.value else "researcher")
        data = choices.registration_from_choice(session, actor, event, side, value)
        data.requested_ids = _ints(form, "requested_ids")
        reg = service.register(session, actor, event_id, data)
    except AppError as exc:
        return _failed(request, session, exc, back)
    response = RedirectResponse(back, status_code=303)
    add_flash(request, response, f"已报名：{reg.label}。")
    return response


@router.post("/events/registrations/{reg_id}/decision")
def decide(
    reg_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    reg = service.get_registration(session, actor, reg_id)
    back = f"/events/{reg.event_id}#registrations"
    try:
        version = _ints(form, "version")
        service.decide(
            session,
            actor,
            reg_id,
            Decision(
                approve=_text(form, "approve") == "1", version=version[0] if version else None
            ),
        )
    except AppError as exc:
        return _failed(request, session, exc, back)
    return RedirectResponse(back, status_code=303)


@router.post("/events/registrations/{reg_id}/check-in")
def check_in(reg_id: Id, request: Request, session: SessionDep, actor: PageActor) -> Response:
    reg = service.get_registration(session, actor, reg_id)
    back = f"/events/{reg.event_id}#registrations"
    try:
        service.check_in(session, actor, reg_id)
    except AppError as exc:
        return _failed(request, session, exc, back)
    return RedirectResponse(back, status_code=303)


@router.post("/events/{event_id}/schedule")
def schedule(event_id: Id, request: Request, session: SessionDep, actor: PageActor) -> Response:
    back = f"/events/{event_id}#schedule"
    try:
        summary = scheduling.schedule_event(session, _settings(request), actor, event_id)
    except AppError as exc:
        return _failed(request, session, exc, back)
    response = RedirectResponse(back, status_code=303)
    add_flash(
        request,
        response,
        f"已生成日程：{summary.meetings} 场洽谈，匹配总分 {summary.total_score:.3f}"
        f"（贪心 {summary.greedy_total_score:.3f}），冲突 {summary.clashes}。",
    )
    return response


@router.post("/events/meetings/{meeting_id}/outcome")
def outcome(
    meeting_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    event, _ = service.get_meeting(session, actor, meeting_id)
    back = (
        _text(form, "back")
        if _text(form, "back").startswith("/events/")
        else (f"/events/{event.id}#schedule")
    )
    try:
        version = _ints(form, "version")
        data = OutcomeUpdate.model_validate(
            {
                "outcome": _text(form, "outcome"),
                "reason": _text(form, "reason") or None,
                "version": version[0] if version else None,
            }
        )
        meeting = service.record_outcome(session, actor, meeting_id, data)
    except AppError as exc:
        return _failed(request, session, exc, back)
    except ValidationError as exc:
        return _failed(request, session, ValidationFailed(fields=field_errors(exc)), back)
    response = RedirectResponse(back, status_code=303)
    label = Outcome(meeting.outcome).label if meeting.outcome else ""
    add_flash(request, response, f"已记录洽谈结果：{label}。")
    return response


@router.get("/events/{event_id}/report", response_class=HTMLResponse)
def report_page(
    event_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    rep = report.event_report(session, _settings(request), actor, event_id)
    return render(
        request,
        "events/report.html",
        {
            "report": rep,
            "breadcrumbs": [
                ("校企对接会", "/events"),
                (rep.title, f"/events/{event_id}"),
                ("对接会报告", None),
            ],
        },
    )


@router.get("/events/{event_id}/print/agenda.{fmt}")
def agenda_file(
    event_id: Id,
    session: SessionDep,
    actor: PageActor,
    fmt: Annotated[str, Path(pattern="^(pdf|xlsx)$")],
    registration: int | None = Query(default=None, ge=1, le=2_147_483_647),
    table: int | None = Query(default=None, ge=0, le=10_000),
) -> Response:
    title, pages = agenda.agendas(
        session, actor, event_id, registration_id=registration, table=table
    )
    return agenda_response(title, pages, fmt)


# --------------------------------------------------------------------------- on-site intake


@router.get("/events/{event_id}/intake", response_class=HTMLResponse)
def intake_page(
    event_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    event = service.get_event(session, actor, event_id)
    regs = [
        r
        for r in service.visible_registrations(session, actor, event)
        if r.side == Side.ENTERPRISE.value and r.status == "approved"
    ]
    return render(
        request,
        "events/intake.html",
        {
            "event": event,
            "enterprises": regs,
            "visibilities": list(Visibility),
            "breadcrumbs": [
                ("校企对接会", "/events"),
                (event.title, f"/events/{event.id}"),
                ("现场登记", None),
            ],
        },
    )


@router.get("/events/{event_id}/intake/suggestions", response_class=HTMLResponse)
def intake_suggestions(
    event_id: Id,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    q: str = Query(default="", alias="text", max_length=2000),
) -> HTMLResponse:
    hits = intake.suggest(session, _settings(request), actor, event_id, q) if q.strip() else []
    return render(request, "events/_suggestions.html", {"hits": hits, "query": q})


@router.post("/events/{event_id}/intake")
def intake_save(
    event_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    back = f"/events/{event_id}/intake"
    try:
        reg_ids = _ints(form, "enterprise_registration_id")
        item_ids = _ints(form, "supply_item_id")
        text = _text(form, "text")
        data = IntakeCreate.model_validate(
            {
                "enterprise_registration_id": reg_ids[0] if reg_ids else None,
                "title": text[:60],
                "description": text,
                "visibility": _text(form, "visibility") or "public",
                "supply_item_id": item_ids[0] if item_ids else None,
            }
        )
        result = intake.save(session, _settings(request), actor, event_id, data)
    except AppError as exc:
        return _failed(request, session, exc, back)
    except ValidationError as exc:
        return _failed(request, session, ValidationFailed(fields=field_errors(exc)), back)
    response = RedirectResponse(back, status_code=303)
    if result.meeting_id is not None:
        text = f"需求已保存，已预约洽谈：{result.slot_label}，{result.table_label}。"
    else:
        text = "需求已保存。" + (result.note or "")
    add_flash(request, response, text)
    return response
