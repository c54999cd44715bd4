"""Import and export pages of every register, on the imports service (the one the CLI and API use).

Import: upload → the file is checked in a background task (progress shown) → the job page lists
every bad row (行, 列, 原因) or the counts of a clean file → 确认导入 writes it (progress shown)
→ the result.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.actor import Actor
from shuanggao.errors import AppError, NotFound
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.imports.errors import FileTooLarge
from shuanggao.imports.fields import field_specs
from shuanggao.imports.models import ImportStatus
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.kit.register import Register
from shuanggao.web import tasks, views
from shuanggao.web.pages import register_for

router = APIRouter(include_in_schema=False)

# Rows of the error table rendered in the page (the job keeps them all; the count is shown).
MAX_SHOWN_ERRORS = 5000


def _owner(actor: Actor) -> str:
    return f"{actor.user_id}:{actor.username}"


def _crumbs(reg: Register[Any], *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(reg.label, f"/r/{reg.name}"), *more]


def _download(file: exports.ExportFile) -> Response:
    fallback = file.filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file.filename)}"
    return Response(
        content=file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": disposition},
    )


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


@router.get("/r/{name}/export.{fmt}")
def register_export(
    name: str, fmt: str, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    reg = register_for(name, actor)
    if fmt not in ("xlsx", "csv"):
        raise NotFound()
    params = request.query_params
    filters, _ = views.parse_filters(reg, params)
    q = (params.get("q") or "").strip() or None
    file = exports.export_records(
        session, actor, reg, fmt=fmt, q=q, filters=filters, sort=params.get("sort") or None
    )
    return _download(file)


@router.get("/r/{name}/template.{fmt}")
def register_template(name: str, fmt: str, actor: PageActor) -> Response:
    reg = register_for(name, actor)
    if fmt not in ("xlsx", "csv"):
        raise NotFound()
    return _download(exports.export_template(reg, fmt=fmt))


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _upload_page(
    request: Request,
    session: Session,
    actor: Actor,
    reg: Register[Any],
    *,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    jobs = [imports.job_to_dict(j) for j in imports.list_jobs(session, actor, kind=reg.name)]
    specs = [
        {
            "header": s.header,
            "required": s.required,
            "format": s.format_text(),
            "help": s.column.help,
            "example": s.column.example,
        }
        for s in field_specs(reg)
    ]
    return render(
        request,
        "register/import.html",
        {
            "reg": reg,
            "specs": specs,
            "jobs": jobs[:10],
            "error": error,
            "step": 1,
            "max_mb": request.app.state.settings.max_upload_bytes / 1024 / 1024,
            "breadcrumbs": _crumbs(reg, ("导入", None)),
        },
        status_code=status_code,
    )


@router.get("/r/{name}/import", response_class=HTMLResponse)
def import_page(name: str, request: Request, session: SessionDep, actor: PageActor) -> Response:
    reg = register_for(name, actor)
    return _upload_page(request, session, actor, reg)


def _read_upload(request: Request, upload: UploadFile) -> bytes:
    limit: int = request.app.state.settings.max_upload_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(
            f"文件超过上限 {limit / 1024 / 1024:.1f} MB，请拆分后分批导入。",
            extra={"max_bytes": limit},
        )
    return data


@router.post("/r/{name}/import", response_class=HTMLResponse)
def import_upload(
    name: str,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    reg = register_for(name, actor)
    if file is None or not file.filename:
        message = "请选择要导入的文件（.xlsx 或 .csv）。"
        return _upload_page(request, session, actor, reg, error=message, status_code=422)
    try:
        data = _read_upload(request, file)
    except AppError as exc:
        return _upload_page(request, session, actor, reg, error=exc.detail, status_code=exc.status)
    filename = file.filename
    max_bytes: int = request.app.state.settings.max_upload_bytes

    def work(task_session: Session, progress: tasks.Progress) -> str:
        job = imports.preview_import(
            task_session, actor, reg, filename, data, max_bytes=max_bytes, progress=progress
        )
        return f"/r/{reg.name}/import/jobs/{job.id}"

    state, launch = tasks.start(
        request.app.state.session_factory,
        owner=_owner(actor),
        title=f"检查文件：{filename}",
        back_url=f"/r/{reg.name}/import",
        work=work,
        step=2,
    )
    url = f"/r/{reg.name}/import/tasks/{state.token}"
    return RedirectResponse(url, status_code=303, background=launch)


@router.get("/r/{name}/import/tasks/{token}", response_class=HTMLResponse)
def import_task(name: str, token: str, request: Request, actor: PageActor) -> Response:
    reg = register_for(name, actor)
    state = tasks.get(token, _owner(actor))
    if state is None:
        raise NotFound("该任务不存在或已过期，请重新上传文件。")
    htmx = request.headers.get("HX-Request") == "true"
    if state.finished and state.result_url and state.error is None:
        if htmx:
            return Response(status_code=204, headers={"HX-Redirect": state.result_url})
        return RedirectResponse(state.result_url, status_code=303)
    context = {
        "reg": reg,
        "task": state,
        "breadcrumbs": _crumbs(reg, ("导入", f"/r/{reg.name}/import"), ("处理中", None)),
    }
    if htmx:
        return render(request, "register/_task_progress.html", context)
    return render(request, "register/import_task.html", context)


@router.get("/r/{name}/import/jobs/{job_id:int}", response_class=HTMLResponse)
def import_job(
    name: str, job_id: int, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    reg = register_for(name, actor)
    job = imports.get_job(session, actor, job_id)
    if job.kind != reg.name:
        raise NotFound()
    body = imports.job_to_dict(job)
    status = job.status
    step = {
        ImportStatus.REJECTED.value: 2,
        ImportStatus.PREVIEWED.value: 3,
        ImportStatus.APPLIED.value: 4,
    }.get(status, 2)
    return render(
        request,
        "register/import_job.html",
        {
            "reg": reg,
            "job": body,
            "errors": body["errors"][:MAX_SHOWN_ERRORS],
            "step": step,
            "can_apply": status == ImportStatus.PREVIEWED.value
            and job.actor_name == actor.username
            and job.actor_user_id == actor.user_id,
            "breadcrumbs": _crumbs(
                reg, ("导入", f"/r/{reg.name}/import"), (f"导入任务 #{job.id}", None)
            ),
        },
    )


@router.post("/r/{name}/import/jobs/{job_id:int}/apply", response_class=HTMLResponse)
def import_apply(
    name: str,
    job_id: int,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    reg = register_for(name, actor)
    job = imports.get_job(session, actor, job_id)
    if job.kind != reg.name:
        raise NotFound()
    job_url = f"/r/{reg.name}/import/jobs/{job_id}"

    def work(task_session: Session, progress: tasks.Progress) -> str:
        imports.apply_import(task_session, actor, job_id, progress=progress)
        return job_url

    state, launch = tasks.start(
        request.app.state.session_factory,
        owner=_owner(actor),
        title=f"导入{reg.label}：{job.filename}",
        back_url=job_url,
        work=work,
        step=3,
    )
    url = f"/r/{reg.name}/import/tasks/{state.token}"
    response = RedirectResponse(url, status_code=303, background=launch)
    add_flash(request, response, "已开始导入，请稍候。", level="info")
    return response
