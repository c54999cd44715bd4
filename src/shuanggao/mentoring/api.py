"""Dual-mentor scheme endpoints (``/api/v1/mentoring/...``): each parses input, calls one
service function and returns the project as its reader sees it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.mentoring import assessment, export, figures, service, views
from shuanggao.mentoring.figures import TalentFigures
from shuanggao.mentoring.schemas import (
    CommitteeDecision,
    DeclarationCreate,
    MeetingCreate,
    MilestoneCreate,
    OutcomeSubmit,
    ProjectCreate,
    ProjectRead,
    ProjectSummary,
    ReportCreate,
    RubricRead,
    RubricWrite,
    ScoreSubmit,
    VersionOnly,
)

router = APIRouter(prefix="/mentoring", tags=["双导师制"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_upload(request: Request, file: UploadFile) -> tuple[bytes, int]:
    """The file's bytes, read up to one byte past the upload cap (the service refuses more)."""
    limit: int = request.app.state.settings.max_upload_bytes
    return file.file.read(limit + 1), limit


@router.get("/talent", response_model=TalentFigures, summary="各高新区、结对的驻园师生与人才培养数")
def talent_figures(
    session: SessionDep,
    actor: ActorDep,
    as_of: dt.date | None = Query(default=None, description="统计日，默认今天"),
    zone_id: int | None = Query(default=None, ge=1),
) -> TalentFigures:
    return figures.talent_figures(session, actor, as_of, zone_id)


@router.get("/projects", response_model=list[ProjectSummary], summary="双导师实践项目列表")
def list_projects(
    session: SessionDep, actor: ActorDep, state: str | None = Query(default=None)
) -> list[ProjectSummary]:
    return [views.summary(p, actor) for p in service.list_projects(session, actor, state)]


@router.post("/projects", response_model=ProjectRead, status_code=201, summary="学生登记实践项目")
def register_project(session: SessionDep, actor: ActorDep, body: ProjectCreate) -> ProjectRead:
    project = service.register_project(session, actor, body)
    return views.project_read(session, actor, project.id)


@router.get("/projects/{project_id}", response_model=ProjectRead, summary="实践项目全部记录")
def get_project(project_id: Id, session: SessionDep, actor: ActorDep) -> ProjectRead:
    return views.project_read(session, actor, project_id)


@router.post("/projects/{project_id}/accept", response_model=ProjectRead, summary="导师确认指导")
def accept(project_id: Id, session: SessionDep, actor: ActorDep, body: VersionOnly) -> ProjectRead:
    service.accept(session, actor, project_id, body.version)
    return views.project_read(session, actor, project_id)


@router.post(
    "/projects/{project_id}/milestones", response_model=ProjectRead, summary="新增计划节点"
)
def add_milestone(
    project_id: Id, session: SessionDep, actor: ActorDep, body: MilestoneCreate
) -> ProjectRead:
    service.add_milestone(session, actor, project_id, body)
    return views.project_read(session, actor, project_id)


@router.post(
    "/projects/{project_id}/milestones/{milestone_id}/done",
    response_model=ProjectRead,
    summary="完成计划节点",
)
def complete_milestone(
    project_id: Id, milestone_id: Id, session: SessionDep, actor: ActorDep, body: VersionOnly
) -> ProjectRead:
    service.complete_milestone(session, actor, project_id, milestone_id, body.version)
    return views.project_read(session, actor, project_id)


@router.post("/projects/{project_id}/reports", response_model=ProjectRead, summary="提交进展报告")
def submit_report(
    project_id: Id, session: SessionDep, actor: ActorDep, body: ReportCreate
) -> ProjectRead:
    service.submit_report(session, actor, project_id, body)
    return views.project_read(session, actor, project_id)


@router.post(
    "/projects/{project_id}/reports/{report_id}/read",
    response_model=ProjectRead,
    summary="导师批阅进展报告",
)
def read_report(
    project_id: Id, report_id: Id, session: SessionDep, actor: ActorDep, body: VersionOnly
) -> ProjectRead:
    service.read_report(session, actor, project_id, report_id, body.version)
    return views.project_read(session, actor, project_id)


@router.post("/projects/{project_id}/meetings", response_model=ProjectRead, summary="记录指导会议")
def record_meeting(
    project_id: Id, session: SessionDep, actor: ActorDep, body: MeetingCreate
) -> ProjectRead:
    service.record_meeting(session, actor, project_id, body)
    return views.project_read(session, actor, project_id)


@router.post(
    "/projects/{project_id}/evidence", response_model=ProjectRead, summary="上传成果佐证材料"
)
def add_evidence(
    project_id: Id,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: UploadFile = File(...),
    version: int | None = Form(default=None),
) -> ProjectRead:
    data, limit = read_upload(request, file)
    assessment.add_evidence(
        session,
        actor,
        project_id,
        version,
        filename=file.filename or "",
        content_type=file.content_type or "",
        content=data,
        max_bytes=limit,
    )
    return views.project_read(session, actor, project_id)


@router.get("/projects/{project_id}/evidence/{evidence_id}", summary="下载成果佐证材料")
def evidence_file(
    project_id: Id, evidence_id: Id, session: SessionDep, actor: ActorDep
) -> Response:
    row = assessment.evidence_file(session, actor, project_id, evidence_id)
    return Response(
        row.content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}"},
    )


@router.post("/projects/{project_id}/outcome", response_model=ProjectRead, summary="提交实践成果")
def submit_outcome(
    project_id: Id, session: SessionDep, actor: ActorDep, body: OutcomeSubmit
) -> ProjectRead:
    assessment.submit_outcome(session, actor, project_id, body)
    return views.project_read(session, actor, project_id)


@router.post("/projects/{project_id}/score", response_model=ProjectRead, summary="导师评分")
def score(project_id: Id, session: SessionDep, actor: ActorDep, body: ScoreSubmit) -> ProjectRead:
    assessment.score(session, actor, project_id, body)
    return views.project_read(session, actor, project_id)


@router.post("/projects/{project_id}/sign", response_model=ProjectRead, summary="导师签字确认评分")
def sign(project_id: Id, session: SessionDep, actor: ActorDep, body: VersionOnly) -> ProjectRead:
    assessment.sign(session, actor, project_id, body.version)
    return views.project_read(session, actor, project_id)


@router.post(
    "/projects/{project_id}/decision", response_model=ProjectRead, summary="评议委员会裁定"
)
def committee_decide(
    project_id: Id, session: SessionDep, actor: ActorDep, body: CommitteeDecision
) -> ProjectRead:
    assessment.committee_decide(session, actor, project_id, body)
    return views.project_read(session, actor, project_id)


@router.get("/projects/{project_id}/record.xlsx", summary="导出学生实践全过程记录（学位办）")
def record_xlsx(project_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    return record_response(views.project_read(session, actor, project_id))


def record_response(record: ProjectRead) -> Response:
    name = quote(f"双导师实践记录_{record.student.name}_{record.id}.xlsx")
    return Response(
        export.record_workbook(record),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.post("/declarations", status_code=201, summary="申报导师利益关系")
def declare(session: SessionDep, actor: ActorDep, body: DeclarationCreate) -> dict[str, int]:
    row = service.declare_conflict(session, actor, body)
    return {"id": row.id}


@router.get("/rubrics/{university_id}", response_model=RubricRead, summary="高校成果评分细则")
def get_rubric(university_id: Id, session: SessionDep, actor: ActorDep) -> RubricRead:
    return assessment.get_rubric(session, actor, university_id)


@router.put("/rubrics/{university_id}", response_model=RubricRead, summary="设置成果评分细则")
def set_rubric(
    university_id: Id, session: SessionDep, actor: ActorDep, body: RubricWrite
) -> RubricRead:
    return assessment.set_rubric(session, actor, university_id, body)
