"""The 填报 pages: a unit's reports by period (open one pre-filled from records), the report
sheet (figures beside records, explanations, submit; the province returns or approves), its
history, and the records behind any figure.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.actor import Actor, Role
from shuanggao.clock import today
from shuanggao.errors import AppError, ValidationFailed
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.reports import filling_repository, reminders, workflow
from shuanggao.reports.models import PeriodicReport

router = APIRouter(include_in_schema=False)
MAX_ID = 2_147_483_647
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _text(form: dict[str, str | list[str]], key: str) -> str:
    raw = form.get(key, "")
    return raw[0] if isinstance(raw, list) else raw


def _int(form: dict[str, str | list[str]], key: str) -> int | None:
    raw = _text(form, key).strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else today()
    except ValueError:
        return today()


@router.get("/reports", response_class=HTMLResponse)
def reports_overview(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """填报: each unit's report for each period, with its state (due, overdue, waiting…)."""
    day = _day(request.query_params.get("as_of"))
    statuses = reminders.unit_statuses(session, actor, day)
    periods = filling_repository.periods(session, started_by=day)
    return render(
        request,
        "reports/overview.html",
        {
            "statuses": statuses,
            "periods": periods,
            "as_of": day,
            "can_open": actor.role in (Role.ZONE_ADMIN, Role.PROVINCE_ADMIN, Role.UNIVERSITY_ADMIN),
            "breadcrumbs": [("填报", None)],
        },
    )


@router.post("/reports/open")
def open_report(request: Request, session: SessionDep, actor: PageActor, form: FormDep) -> Response:
    period_id = _int(form, "period_id")
    if period_id is None:
        raise ValidationFailed(fields={"period_id": "请选择填报期"})
    report = workflow.open_report(
        session, actor, period_id, _int(form, "zone_id"), _int(form, "pairing_id")
    )
    return RedirectResponse(f"/reports/{report.id}", status_code=303)


def _sheet_page(
    request: Request,
    session: Any,
    actor: Actor,
    report_id: int,
    *,
    errors: dict[str, str] | None = None,
    detail: str = "",
    submitted: dict[str, str | list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    sheet = workflow.get_sheet(session, actor, report_id)
    report = sheet.report
    return render(
        request,
        "reports/sheet.html",
        {
            "sheet": sheet,
            "report": report,
            "events": workflow.history(session, actor, report_id),
            "event_labels": workflow.EVENT_LABELS,
            "labels": {line.indicator.code: line.indicator.label for line in sheet.lines},
            "errors": errors or {},
            "detail": detail,
            "submitted": submitted,
            "breadcrumbs": [("填报", "/reports"), (report.title, None)],
        },
        status_code=status_code,
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_sheet(
    report_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    return _sheet_page(request, session, actor, report_id)


def _figures(form: dict[str, str | list[str]]) -> tuple[dict[str, str], dict[str, str]]:
    figures = {k[len("figure.") :]: _text(form, k) for k in form if k.startswith("figure.")}
    notes = {k[len("explain.") :]: _text(form, k) for k in form if k.startswith("explain.")}
    return figures, notes


def _failed(
    request: Request,
    session: Any,
    actor: Actor,
    report_id: int,
    exc: AppError,
    form: dict[str, str | list[str]],
) -> HTMLResponse:
    session.rollback()
    return _sheet_page(
        request,
        session,
        actor,
        report_id,
        errors=exc.fields,
        detail=exc.detail,
        submitted=form,
        status_code=exc.status,
    )


@router.post("/reports/{report_id}/save", response_class=HTMLResponse)
def save_report(
    report_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    figures, notes = _figures(form)
    try:
        workflow.save_figures(
            session,
            actor,
            report_id,
            expected_version=_int(form, "version"),
            figures=figures,
            explanations=notes,
        )
    except AppError as exc:
        return _failed(request, session, actor, report_id, exc, form)
    response = RedirectResponse(f"/reports/{report_id}", status_code=303)
    add_flash(request, response, "已保存填报数字与说明。")
    return response


Action = Callable[..., PeriodicReport]
_ACTIONS: dict[str, tuple[Action, str]] = {
    "submit": (workflow.submit_report, "已提交填报，等待省级审核。"),
    "return": (workflow.return_report, "已退回填报。"),
    "approve": (workflow.approve_report, "已审核通过填报。"),
}


@router.post("/reports/{report_id}/{action}", response_class=HTMLResponse)
def report_action(
    report_id: Id,
    action: str,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    if action not in _ACTIONS:
        raise ValidationFailed(fields={"action": "未知的操作"})
    run, done = _ACTIONS[action]
    comment = _text(form, "comment").strip() or None
    try:
        run(session, actor, report_id, expected_version=_int(form, "version"), comment=comment)
    except AppError as exc:
        return _failed(request, session, actor, report_id, exc, form)
    response = RedirectResponse(f"/reports/{report_id}", status_code=303)
    add_flash(request, response, done)
    return response


@router.get("/reports/records/{code}", response_class=HTMLResponse)
def records_page(
    code: str, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    """The records behind a figure: every row counted, with what it adds, linked to it."""
    day = _day(request.query_params.get("as_of"))
    raw_zone = request.query_params.get("zone_id", "")
    zone_id = int(raw_zone) if raw_zone.isdigit() and len(raw_zone) < 10 else None
    if actor.role is Role.ZONE_ADMIN:
        zone_id = actor.zone_id
    raw_pairing = request.query_params.get("pairing_id", "")
    pairing_id = int(raw_pairing) if raw_pairing.isdigit() and len(raw_pairing) < 10 else None
    indicator, lines, total = workflow.records_behind(
        session, actor, code, zone_id, day, pairing_id
    )
    zone_name = filling_repository.zone_name(session, zone_id) if zone_id else None
    label = indicator.label if indicator is not None else workflow.source_label(code)
    money = indicator.is_money if indicator is not None else workflow.source_money(code)
    return render(
        request,
        "reports/records.html",
        {
            "label": label,
            "money": money,
            "lines": lines,
            "total": total,
            "as_of": day,
            "zone_name": zone_name,
            "breadcrumbs": [("填报", "/reports"), (f"{label}：记录明细", None)],
        },
    )
