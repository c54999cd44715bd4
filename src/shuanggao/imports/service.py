"""Import use cases: preview a file, apply a previewed job, one-step import; job look-ups.

``preview_import`` reads and validates a file and stores an ``ImportJob`` (counts and every bad
row) without writing any data; ``apply_import`` re-reads the stored bytes, re-validates them
against the database as it is now and writes them in the caller's transaction, with one audit
event for the whole file. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import PurePath
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.config import get_settings
from shuanggao.db.types import utcnow
from shuanggao.errors import Conflict, Forbidden, NotFound
from shuanggao.imports.engine import Progress, plan_import, write_plan
from shuanggao.imports.files import read_table
from shuanggao.imports.models import ImportJob, ImportStatus
from shuanggao.imports.plans import Plan
from shuanggao.imports.repository import ImportJobRepository
from shuanggao.kit.register import Register, get_register

# A file with more bad rows than this keeps the first ones; ``error_count`` has the total.
MAX_STORED_ERRORS = 20_000


def _check_importer(actor: Actor) -> None:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能导入数据。")


def _safe_filename(filename: str) -> str:
    cleaned = "".join(ch for ch in (filename or "") if ch.isprintable())
    name = PurePath(cleaned.replace("\\", "/")).name.strip()
    return (name or "upload")[:255]


def _owns(actor: Actor, job: ImportJob) -> bool:
    return job.actor_name == actor.username and job.actor_user_id == actor.user_id


def _fill(job: ImportJob, plan: Plan) -> None:
    job.row_count = plan.row_count
    job.created_count = len(plan.creates)
    job.updated_count = len(plan.updates)
    job.unchanged_count = plan.unchanged
    job.error_count = len(plan.errors)
    job.error_row_count = len({e.row for e in plan.errors})
    job.errors = [e.to_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
    job.warnings = [w.to_dict() for w in plan.warnings[:MAX_STORED_ERRORS]]
    if plan.errors:
        job.status = ImportStatus.REJECTED.value
        job.finished_at = utcnow()
        job.data = None


def _preview(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    filename: str,
    data: bytes,
    *,
    max_bytes: int | None,
    progress: Progress | None,
) -> tuple[ImportJob, Plan]:
    _check_importer(actor)
    limit = get_settings().max_upload_bytes if max_bytes is None else max_bytes
    name = _safe_filename(filename)
    table = read_table(name, data, max_bytes=limit, progress=progress)
    plan = plan_import(session, actor, reg, table, progress)
    sha = hashlib.sha256(data).hexdigest()
    job = ImportJob(
        kind=reg.name,
        filename=name,
        file_format=table.format,
        file_size=len(data),
        file_sha256=sha,
        data=data,
        status=ImportStatus.PREVIEWED.value,
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        actor_role=str(actor.role),
    )
    _fill(job, plan)
    repo = ImportJobRepository(session)
    earlier = repo.last_applied_with_hash(reg.name, sha)
    if earlier is not None and earlier.finished_at is not None:
        when = earlier.finished_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        job.notice = (
            f"相同的文件已于 {when:%Y-%m-%d %H:%M} 导入过（导入任务 #{earlier.id}）；"
            "再次导入只会更新此后被修改过的记录。"
        )
    session.add(job)
    session.flush()
    return job, plan


def preview_import(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    filename: str,
    data: bytes,
    *,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """Validate a file and store the job (``previewed`` or ``rejected``); write no data.

    Raises ``BadFile``/``FileTooLarge`` for files that are not safe spreadsheets.
    """
    job, _ = _preview(session, actor, reg, filename, data, max_bytes=max_bytes, progress=progress)
    return job


def _apply_plan(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    job: ImportJob,
    plan: Plan,
    progress: Progress | None,
) -> ImportJob:
    if not plan.ok:
        _fill(job, plan)
        session.flush()
        return job
    try:
        with session.begin_nested():
            created, updated = write_plan(session, reg, plan, progress)
    except (IntegrityError, StaleDataError):
        # Another writer changed the same rows first (a unique value, or a row's version).
        job.status = ImportStatus.FAILED.value
        job.finished_at = utcnow()
        job.data = None
        job.notice = "写入时与他人同时提交的数据冲突，未导入任何数据；请重新上传文件。"
        session.flush()
        return job
    _fill(job, plan)
    job.status = ImportStatus.APPLIED.value
    job.finished_at = utcnow()
    # The file may hold personal data; once written, its hash and counts are what is kept.
    job.data = None
    audit.record(
        session,
        actor,
        "import",
        reg.name,
        job.id,
        summary=(
            f"导入{reg.label}（{job.filename}）：新增 {len(created)} 条，"
            f"更新 {len(updated)} 条，未变 {plan.unchanged} 条"
        ),
        after={
            "job_id": job.id,
            "filename": job.filename,
            "sha256": job.file_sha256,
            "rows": plan.row_count,
            "created": len(created),
            "updated": len(updated),
            "unchanged": plan.unchanged,
            "created_ids": created[:1000],
            "updated_ids": updated[:1000],
        },
    )
    session.flush()
    return job


def apply_import(
    session: Session, actor: Actor, job_id: int, *, progress: Progress | None = None
) -> ImportJob:
    """Re-validate a previewed job's file and write it (``applied``), or reject it now."""
    _check_importer(actor)
    repo = ImportJobRepository(session)
    job = repo.get(job_id, with_data=True)
    if job is None or not _owns(actor, job):
        raise NotFound("导入任务不存在或您无权查看。")
    if job.status != ImportStatus.PREVIEWED.value or job.data is None:
        raise Conflict(
            f"该导入任务的状态为“{job.status_label}”，不能再次执行；请重新上传文件。",
            extra={"status": job.status},
        )
    reg = get_register(job.kind)
    table = read_table(job.filename, job.data, max_bytes=len(job.data), progress=progress)
    plan = plan_import(session, actor, reg, table, progress)
    return _apply_plan(session, actor, reg, job, plan, progress)


def import_file(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    filename: str,
    data: bytes,
    *,
    dry_run: bool = False,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """Preview and, when the file is clean and not ``dry_run``, write it in one step."""
    job, plan = _preview(
        session, actor, reg, filename, data, max_bytes=max_bytes, progress=progress
    )
    if dry_run or not plan.ok:
        return job
    return _apply_plan(session, actor, reg, job, plan, progress)


def get_job(session: Session, actor: Actor, job_id: int) -> ImportJob:
    """A job its uploader (or a province administrator or auditor) may see."""
    job = ImportJobRepository(session).get(job_id)
    if job is None or not (_owns(actor, job) or actor.sees_everything):
        raise NotFound("导入任务不存在或您无权查看。")
    return job


def list_jobs(
    session: Session, actor: Actor, *, kind: str | None = None, limit: int = 50
) -> list[ImportJob]:
    """Recent jobs: the actor's own, or everyone's for a province administrator or auditor."""
    owner = None if actor.sees_everything else (actor.user_id, actor.username)
    return ImportJobRepository(session).list_recent(
        kind=kind, owner=owner, limit=max(1, min(limit, 200))
    )


def job_to_dict(job: ImportJob) -> dict[str, Any]:
    """The job as the API and pages show it."""
    try:
        label = get_register(job.kind).label
    except KeyError:
        label = job.kind
    return {
        "id": job.id,
        "kind": job.kind,
        "label": label,
        "filename": job.filename,
        "file_format": job.file_format,
        "file_size": job.file_size,
        "file_sha256": job.file_sha256,
        "status": job.status,
        "status_label": job.status_label,
        "actor_name": job.actor_name,
        "row_count": job.row_count,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "error_count": job.error_count,
        "error_row_count": job.error_row_count,
        "errors": list(job.errors or []),
        "warnings": list(job.warnings or []),
        "notice": job.notice,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
