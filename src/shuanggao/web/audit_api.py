"""``GET /api/v1/audit`` (filtered, paged), ``GET /api/v1/audit/export`` (CSV or xlsx) and
``GET /api/v1/audit/verify`` (check the hash chain; names the rows that were tampered with).

Readable by 审计员 and 省级管理员 only; everyone else gets 403. Dates are calendar days in
Beijing time; ``to`` is inclusive. Exporting is itself audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from shuanggao.audit import service as audit
from shuanggao.audit.models import AuditEvent
from shuanggao.audit.repository import AuditQuery
from shuanggao.audit.schemas import (
    AuditEventRead,
    AuditPage,
    ChainProblemRead,
    ChainReportRead,
)
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.web import audit_export as export
from shuanggao.web.audit_names import Shown, shown

router = APIRouter(prefix="/audit", tags=["审计日志"])

ActorQ = Annotated[str | None, Query(alias="actor", max_length=100, description="操作人（部分）")]
ActionQ = Annotated[str | None, Query(max_length=40, description="操作，如 sign_in、update")]
EntityQ = Annotated[str | None, Query(max_length=60, description="对象类型，如 zones、users")]
FromQ = Annotated[dt.date | None, Query(alias="from", description="开始日期（含）")]
ToQ = Annotated[dt.date | None, Query(alias="to", description="结束日期（含）")]


def _query(
    actor_name: str | None,
    action: str | None,
    entity: str | None,
    start: dt.date | None,
    end: dt.date | None,
) -> AuditQuery:
    lo, hi = audit.day_range(start, end)
    return AuditQuery(
        actor=actor_name or None, action=action or None, entity=entity or None, start=lo, end=hi
    )


def event_read(e: AuditEvent, seen: Shown | None = None) -> AuditEventRead:
    seen = seen or Shown(e.actor_name, e.summary, e.before, e.after)
    return AuditEventRead(
        id=e.id,
        at=e.at,
        actor_user_id=e.actor_user_id,
        actor_name=seen.actor_name,
        actor_role=e.actor_role,
        ip=e.ip,
        action=e.action,
        action_label=audit.action_label(e.action),
        entity=e.entity,
        entity_id=e.entity_id,
        summary=seen.summary,
        before=seen.before,
        after=seen.after,
        seq=e.seq,
        row_hash=e.row_hash,
    )


@router.get("", response_model=AuditPage, summary="审计日志")
def list_audit(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    actor_name: ActorQ = None,
    action: ActionQ = None,
    entity: EntityQ = None,
    start: FromQ = None,
    end: ToQ = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    query = _query(actor_name, action, entity, start, end)
    events, total = audit.list_events(session, actor, query, page=page, page_size=page_size)
    seen = shown(session, request.app.state.settings.resolved_secret_key(), events)
    return AuditPage(
        items=[event_read(e, seen[e.id]) for e in events],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/export",
    summary="导出审计日志",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, export.XLSX_TYPE: {}}}},
)
def export_audit(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    actor_name: ActorQ = None,
    action: ActionQ = None,
    entity: EntityQ = None,
    start: FromQ = None,
    end: ToQ = None,
    format: Annotated[Literal["csv", "xlsx"], Query(description="文件格式")] = "xlsx",
) -> Response:
    query = _query(actor_name, action, entity, start, end)
    events = audit.events_for_export(session, actor, query)
    seen = shown(session, request.app.state.settings.resolved_secret_key(), events)
    stamp = dt.datetime.now(export.BEIJING).strftime("%Y%m%d-%H%M")
    name = f"审计日志-{stamp}.{format}"
    if format == "csv":
        body, media = export.to_csv(session, events, seen), "text/csv; charset=utf-8"
    else:
        body, media = export.to_xlsx(session, events, seen), export.XLSX_TYPE
    disposition = f"attachment; filename=\"audit-{stamp}.{format}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/verify", response_model=ChainReportRead, summary="校验审计日志哈希链")
def verify_audit(session: SessionDep, actor: ActorDep) -> ChainReportRead:
    report = audit.verify_chain(session, actor)
    return ChainReportRead(
        ok=report.ok,
        checked=report.checked,
        erased=report.erased,
        head_id=report.head_id,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        problems=[
            ChainProblemRead(
                id=p.id,
                seq=p.seq,
                expected_seq=p.expected_seq,
                reasons=list(p.reasons),
                label=p.label,
            )
            for p in report.problems
        ],
        truncated=report.truncated,
    )
