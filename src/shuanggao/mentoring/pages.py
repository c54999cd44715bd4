"""Dual-mentor scheme pages: the list with the signed-in person's tasks and the registration
form, and a project's page with the forms of the steps this reader may take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import Actor
from shuanggao.errors import NotFound, ValidationFailed
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.kit.validation import field_errors
from shuanggao.mentoring import api, assessment, policy, repository, service, views
from shuanggao.mentoring.schemas import (
    CommitteeDecision,
    Decision,
    DegreeLevel,
    MeetingCreate,
    MilestoneCreate,
    OutcomeKind,
    OutcomeSubmit,
    ProjectCreate,
    ProjectState,
    ReportCreate,
    RubricWrite,
    ScoreSubmit,
    VersionOnly,
)

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
S = TypeVar("S", bound=BaseModel)


def parse(schema: type[S], data: dict[str, Any]) -> S:
    """A form as the API schema; field errors name the field and the reason."""
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    clean = {k: v for k, v in clean.items() if v != ""}
    try:
        return schema.model_validate(clean)
    except ValidationError as exc:
        raise ValidationFailed(fields=field_errors(exc)) from exc


@router.get("/mentoring", response_class=HTMLResponse)
def list_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    return render(
        request,
        "mentoring/list.html",
        {
            "projects": [views.summary(p, actor) for p in service.list_projects(session, actor)],
            "tasks": views.tasks_for(session, actor),
            "options": views.registration_options(session, actor),
            "rubric_form": views.rubric_form(session, actor),
            "degrees": DegreeLevel.choices(),
            "breadcrumbs": [("双导师实践", None)],
        },
    )


@router.post("/mentoring/new")
def register(request: Request, session: SessionDep, actor: PageActor, form: FormDep) -> Response:
    project = service.register_project(session, actor, parse(ProjectCreate, dict(form)))
    response = RedirectResponse(f"/mentoring/{project.id}", status_code=303)
    add_flash(request, response, f"已登记实践项目“{project.title}”，等待两位导师确认。")
    return response


@router.post("/mentoring/rubric")
def save_rubric(request: Request, session: SessionDep, actor: PageActor, form: FormDep) -> Response:
    if actor.university_id is None:
        raise NotFound()
    data: dict[str, Any] = dict(form)
    data["criteria"] = views.parse_criteria(str(data.get("criteria") or ""))
    assessment.set_rubric(session, actor, actor.university_id, parse(RubricWrite, data))
    response = RedirectResponse("/mentoring", status_code=303)
    add_flash(request, response, "已保存成果评分细则；已提交的成果仍按提交时的细则评分。")
    return response


@router.get("/mentoring/{project_id}", response_class=HTMLResponse)
def detail_page(
    project_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    record = views.project_read(session, actor, project_id)
    project = service.get_project(session, actor, project_id)
    side = policy.side_of(actor, project)
    mine = repository.assessment(session, project.id, side) if side else None
    committee = policy.is_committee(
        actor, project, repository.rubric_of(session, project.university_id)
    )
    return render(
        request,
        "mentoring/detail.html",
        {
            "p": record,
            "side": side,
            "is_student": actor.user_id == project.student_user_id,
            "is_party": service.is_party(actor, project),
            "is_committee": committee,
            "mine": mine,
            "accepted": (
                project.university_accepted_at if side == "university"
                else project.enterprise_accepted_at if side == "enterprise" else None
            ),
            "outcome_kinds": OutcomeKind.choices(),
            "decisions": Decision.choices(),
            "criteria": (record.rubric or {}).get("criteria", []),
            "S": ProjectState,
            "breadcrumbs": [("双导师实践", "/mentoring"), (record.title, None)],
        },
    )  # fmt: skip


def _scores(form: dict[str, Any]) -> dict[str, Any]:
    scores = {k.removeprefix("score:"): v for k, v in form.items() if k.startswith("score:")}
    rest = {k: v for k, v in form.items() if not k.startswith("score:")}
    return {**rest, "scores": scores}


Action = Callable[[Session, Actor, int, dict[str, Any]], object]

# Each step of the project page: the service call and the message shown after it.
ACTIONS: dict[str, tuple[Action, str]] = {
    "accept": (
        lambda s, a, i, f: service.accept(s, a, i, parse(VersionOnly, f).version),
        "您已确认指导该项目。",
    ),
    "milestone": (
        lambda s, a, i, f: service.add_milestone(s, a, i, parse(MilestoneCreate, f)),
        "已新增计划节点。",
    ),
    "report": (
        lambda s, a, i, f: service.submit_report(s, a, i, parse(ReportCreate, f)),
        "已提交进展报告。",
    ),
    "meeting": (
        lambda s, a, i, f: service.record_meeting(s, a, i, parse(MeetingCreate, f)),
        "已记录指导会议。",
    ),
    "outcome": (
        lambda s, a, i, f: assessment.submit_outcome(s, a, i, parse(OutcomeSubmit, f)),
        "已提交实践成果。",
    ),
    "score": (
        lambda s, a, i, f: assessment.score(s, a, i, parse(ScoreSubmit, _scores(f))),
        "已保存评分。",
    ),
    "sign": (
        lambda s, a, i, f: assessment.sign(s, a, i, parse(VersionOnly, f).version),
        "您已签字确认评分。",
    ),
    "decision": (
        lambda s, a, i, f: assessment.committee_decide(s, a, i, parse(CommitteeDecision, f)),
        "已记录评议委员会裁定。",
    ),
}


@router.post("/mentoring/{project_id}/act/{action}")
def act(
    project_id: Id,
    action: str,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    step = ACTIONS.get(action)
    if step is None:
        raise NotFound()
    do, message = step
    do(session, actor, project_id, dict(form))
    response = RedirectResponse(f"/mentoring/{project_id}", status_code=303)
    add_flash(request, response, message)
    return response


@router.post("/mentoring/{project_id}/reports/{report_id}/read")
def read_report(
    project_id: Id,
    report_id: Id,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    version = parse(VersionOnly, dict(form)).version
    service.read_report(session, actor, project_id, report_id, version)
    response = RedirectResponse(f"/mentoring/{project_id}", status_code=303)
    add_flash(request, response, "已批阅进展报告。")
    return response


@router.post("/mentoring/{project_id}/milestones/{milestone_id}/done")
def milestone_done(
    project_id: Id,
    milestone_id: Id,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    version = parse(VersionOnly, dict(form)).version
    service.complete_milestone(session, actor, project_id, milestone_id, version)
    response = RedirectResponse(f"/mentoring/{project_id}", status_code=303)
    add_flash(request, response, "已完成计划节点。")
    return response


@router.post("/mentoring/{project_id}/evidence")
def evidence(
    project_id: Id,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    file: UploadFile = File(...),
    version: str = Form(default=""),
) -> Response:
    data, limit = api.read_upload(request, file)
    row = assessment.add_evidence(
        session,
        actor,
        project_id,
        parse(VersionOnly, {"version": version}).version,
        filename=file.filename or "",
        content_type=file.content_type or "",
        content=data,
        max_bytes=limit,
    )
    response = RedirectResponse(f"/mentoring/{project_id}", status_code=303)
    add_flash(request, response, f"已上传佐证材料“{row.filename}”。")
    return response


@router.get("/mentoring/{project_id}/record.xlsx")
def record_xlsx(project_id: Id, session: SessionDep, actor: PageActor) -> Response:
    return api.record_response(views.project_read(session, actor, project_id))
