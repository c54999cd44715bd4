"""Pages of the briefing: the 五个一 and task-area progress (``/progress``) and the briefing
with its downloads (``/briefing``, ``/briefing/download?format=docx|pdf|xlsx``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import Actor, Role
from shuanggao.briefing import progress, service
from shuanggao.briefing.content import cell_text
from shuanggao.briefing.errors import BriefingForbidden
from shuanggao.briefing.files import check_format, write_briefing
from shuanggao.clock import today
from shuanggao.errors import ValidationFailed
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)
MAX_ID = 2_147_483_647


def _as_of(raw: str | None, *, strict: bool) -> tuple[dt.date, str]:
    if not raw:
        return today(), ""
    try:
        return dt.date.fromisoformat(raw.strip()), ""
    except ValueError:
        if strict:
            raise ValidationFailed(fields={"as_of": "日期格式应为 YYYY-MM-DD"}) from None
        return today(), f"日期“{raw}”无法识别，已按今天生成。"


def _int(raw: str | None, name: str, low: int, high: int, default: int | None) -> int | None:
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed(fields={name: f"应为 {low} 到 {high} 之间的整数"})
    return int(text)


def _params(request: Request, *, strict: bool) -> tuple[dt.date, str, int | None, int]:
    q = request.query_params
    as_of, warning = _as_of(q.get("as_of"), strict=strict)
    zone_id = _int(q.get("zone_id"), "zone_id", 1, MAX_ID, None)
    days = _int(q.get("stalled_days"), "stalled_days", 1, 3650, progress.DEFAULT_STALLED_DAYS)
    assert days is not None
    return as_of, warning, zone_id, days


def _check(actor: Actor) -> None:
    if actor.role not in service.READERS:
        raise BriefingForbidden()


def _zone_options(session: Session, actor: Actor, as_of: dt.date) -> list[tuple[int, str]]:
    if actor.role is Role.ZONE_ADMIN:
        return []
    seen: dict[int, str] = {}
    for p in progress.five_one_ranking(session, actor, as_of):
        seen.setdefault(p.zone_id, f"{p.city} · {p.zone_name}")
    return sorted(seen.items(), key=lambda kv: kv[1])


def _context(request: Request, as_of: dt.date, zone_id: int | None, days: int) -> dict[str, Any]:
    base = {"as_of": as_of.isoformat(), "stalled_days": str(days)}
    if zone_id is not None:
        base["zone_id"] = str(zone_id)
    query = "&".join(f"{k}={quote(v)}" for k, v in base.items())
    return {
        "downloads": [
            (label, f"/briefing/download?format={fmt}&{query}")
            for fmt, label in (("docx", "公文版 .docx"), ("pdf", "PDF"), ("xlsx", "Excel 表格"))
        ]
    }


@router.get("/briefing", response_class=HTMLResponse)
def briefing_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _check(actor)
    as_of, warning, zone_id, days = _params(request, strict=False)
    briefing = service.build_briefing(session, actor, as_of, zone_id, stalled_days=days)
    return render(
        request,
        "briefing/briefing.html",
        {
            "b": briefing,
            "warning": warning,
            "zones": _zone_options(session, actor, as_of),
            "cell_text": cell_text,
            "breadcrumbs": [("数说双高协同", "/dashboard"), ("工作简报", None)],
            **_context(request, as_of, briefing.zone_id, days),
        },
    )


@router.get("/briefing/download")
def briefing_download(request: Request, session: SessionDep, actor: PageActor) -> Response:
    _check(actor)
    as_of, _, zone_id, days = _params(request, strict=True)
    fmt = check_format(request.query_params.get("format") or "")
    made = write_briefing(session, actor, as_of, zone_id, fmt, stalled_days=days)
    return Response(
        made.content,
        media_type=made.media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(made.filename)}"},
    )


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """The province view: pilots ranked by 五个一 completeness, stalled items with their dates,
    dated evidence, and the six task areas across pilots (a zone administrator: their zone)."""
    _check(actor)
    as_of, warning, zone_id, days = _params(request, strict=False)
    if actor.role is Role.ZONE_ADMIN:
        zone_id = actor.zone_id
    ranking = progress.five_one_ranking(session, actor, as_of, zone_id=zone_id, stalled_days=days)
    areas = progress.task_area_progress(session, actor, as_of, zone_id=zone_id)
    return render(
        request,
        "briefing/progress.html",
        {
            "as_of": as_of,
            "warning": warning,
            "stalled_days": days,
            "ranking": ranking,
            "areas": areas,
            "kinds": [s.kind for s in ranking[0].slots] if ranking else [],
            "breadcrumbs": [("数说双高协同", "/dashboard"), ("“五个一”与六大任务推进", None)],
        },
    )
