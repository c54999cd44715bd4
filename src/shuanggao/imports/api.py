"""Imports and exports over HTTP (mounted under /api/v1 by ``web/routes.py``).

- ``POST /imports/{kind}`` (multipart ``file``; ``?dry_run=true`` only previews): the job; a file
  with bad rows answers 422 ``import_rejected`` with every bad row.
- ``POST /imports/jobs/{id}/apply``, ``GET /imports/jobs/{id}``, ``GET /imports/jobs``.
- ``GET /exports/{kind}?format=xlsx|csv&q=&sort=&<list filters>`` and
  ``GET /exports/{kind}/template?format=xlsx|csv``.
"""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from shuanggao.errors import ErrorCode, NotFound, ValidationFailed
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.imports.errors import FileTooLarge, ImportRejected
from shuanggao.imports.models import ImportJob, ImportStatus
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.kit.register import Register, get_register

router = APIRouter(tags=["导入导出"])

# Job ids are database integers: larger path values are simply not found (422), never a 500.
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]

# Multipart framing around the file itself.
_MULTIPART_SLACK = 64 * 1024
_TRUE = frozenset({"true", "1", "yes", "y", "是", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "否", "off"})


class ImportRowErrorOut(BaseModel):
    row: int
    column: str
    code: str
    message: str


class ImportJobOut(BaseModel):
    id: int
    kind: str
    label: str
    filename: str
    file_format: str
    file_size: int
    file_sha256: str
    status: str
    status_label: str
    actor_name: str
    row_count: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    error_row_count: int
    errors: list[ImportRowErrorOut]
    # Rows imported despite a warning (a possible duplicate need): row, code, message.
    warnings: list[ImportRowErrorOut] = []
    notice: str | None
    created_at: str | None
    finished_at: str | None


class ImportRejectedOut(BaseModel):
    error: str
    detail: str
    job: ImportJobOut
    errors: list[ImportRowErrorOut]


def _register(kind: str) -> Register[Any]:
    try:
        return get_register(kind)
    except KeyError:
        raise NotFound(f"没有名为“{kind}”的登记表。") from None


def _job_response(job: ImportJob) -> Any:
    body = imports.job_to_dict(job)
    if job.status == ImportStatus.REJECTED.value:
        rejected = ImportRejected(body, body["errors"])
        return JSONResponse(rejected.to_dict(), status_code=rejected.status)
    if job.status == ImportStatus.FAILED.value:
        return JSONResponse(
            {"error": str(ErrorCode.CONFLICT), "detail": job.notice or "", "job": body},
            status_code=409,
        )
    return body


def _read_upload(request: Request, file: UploadFile) -> bytes:
    limit: int = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + _MULTIPART_SLACK:
        raise FileTooLarge(
            f"文件超过上限 {limit / 1024 / 1024:.1f} MB，请拆分后分批导入。",
            extra={"max_bytes": limit},
        )
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(
            f"文件超过上限 {limit / 1024 / 1024:.1f} MB，请拆分后分批导入。",
            extra={"max_bytes": limit},
        )
    return data


_REJECTED: dict[int | str, dict[str, Any]] = {
    422: {"model": ImportRejectedOut, "description": "文件有错误，未导入任何数据"}
}


@router.post(
    "/imports/{kind}",
    response_model=ImportJobOut,
    responses=_REJECTED,
    summary="上传表格导入（或仅预检）",
)
def upload_import(
    kind: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: UploadFile = File(..., description=".xlsx 或 .csv 文件"),
    dry_run: bool = Query(False, description="只预检，不写入"),
) -> Any:
    reg = _register(kind)
    data = _read_upload(request, file)
    job = imports.import_file(
        session,
        actor,
        reg,
        file.filename or "",
        data,
        dry_run=dry_run,
        max_bytes=request.app.state.settings.max_upload_bytes,
    )
    return _job_response(job)


@router.get("/imports/jobs", response_model=list[ImportJobOut], summary="最近的导入任务")
def list_import_jobs(
    session: SessionDep,
    actor: ActorDep,
    kind: str | None = Query(None),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    return [
        imports.job_to_dict(j) for j in imports.list_jobs(session, actor, kind=kind, limit=limit)
    ]


@router.get("/imports/jobs/{job_id}", response_model=ImportJobOut, summary="查看导入任务")
def get_import_job(job_id: JobId, session: SessionDep, actor: ActorDep) -> Any:
    return imports.job_to_dict(imports.get_job(session, actor, job_id))


@router.post(
    "/imports/jobs/{job_id}/apply",
    response_model=ImportJobOut,
    responses=_REJECTED,
    summary="确认导入已预检的文件",
)
def apply_import_job(job_id: JobId, session: SessionDep, actor: ActorDep) -> Any:
    return _job_response(imports.apply_import(session, actor, job_id))


def _download(file: exports.ExportFile) -> Response:
    fallback = file.filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file.filename)}"
    return Response(
        content=file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": disposition},
    )


def _coerce(name: str, kind: type, raw: str) -> Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValidationFailed(fields={name: "应为 true 或 false"})
    if kind is int:
        try:
            number = int(raw)
        except ValueError:
            raise ValidationFailed(fields={name: "应为整数"}) from None
        if not -(2**31) <= number < 2**31:
            raise ValidationFailed(fields={name: "数值超出范围"})
        return number
    return _text_param(name, raw)


def _text_param(name: str, raw: str) -> str:
    if "\x00" in raw:
        raise ValidationFailed(fields={name: "含有不允许的字符"})
    return raw


@router.get(
    "/exports/{kind}/template",
    summary="下载导入模板",
    response_class=Response,
    responses={200: {"content": {exports.XLSX_MEDIA_TYPE: {}, "text/csv": {}}}},
)
def download_template(
    kind: str,
    actor: ActorDep,
    format: str = Query("xlsx", pattern="^(xlsx|csv)$"),
) -> Response:
    return _download(exports.export_template(_register(kind), fmt=format))


@router.get(
    "/exports/{kind}",
    summary="导出（与列表相同的搜索与筛选）",
    response_class=Response,
    responses={200: {"content": {exports.XLSX_MEDIA_TYPE: {}, "text/csv": {}}}},
)
def export_register(
    kind: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    format: str = Query("xlsx", pattern="^(xlsx|csv)$"),
    q: str | None = Query(None),
    sort: str | None = Query(None),
) -> Response:
    reg = _register(kind)
    filters: dict[str, Any] = {}
    for flt in reg.filters:
        raw = request.query_params.get(flt.name)
        if raw is not None and raw != "":
            filters[flt.name] = _coerce(flt.name, flt.type, raw)
    file = exports.export_records(
        session,
        actor,
        reg,
        fmt=format,
        q=_text_param("q", q) if q else None,
        filters=filters,
        sort=_text_param("sort", sort) if sort else None,
    )
    return _download(file)
