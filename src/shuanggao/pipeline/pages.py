"""Pages of the collaboration pipeline: the list, one collaboration with its steps and the forms
that move it, starting one from a match, and the funnel (ECharts, table, xlsx)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from shuanggao.errors import AppError, ValidationFailed
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.pipeline import policy, service, views
from shuanggao.pipeline.funnel import GROUPINGS, funnel
from shuanggao.pipeline.schemas import (
    STAGES,
    Advance,
    Confidentiality,
    Decline,
    LinkConsortium,
    Origin,
    Side,
    SideView,
    Stage,
    Status,
    stage_index,
)

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
ACTIONS = ("advance", "decline", "view", "confidentiality", "contact", "consortium")


def _text(form: dict[str, str | list[str]], name: str) -> str | None:
    value = form.get(name)
    text = value if isinstance(value, str) else None
    return text.strip() if text and text.strip() else None


def _int(form: dict[str, str | list[str]], name: str) -> int | None:
    text = _text(form, name)
    if text is None:
        return None
    if not text.isdigit():
        raise ValidationFailed(fields={name: "应为正整数"})
    return int(text)


def _date(form: dict[str, str | list[str]], name: str) -> dt.date | None:
    text = _text(form, name)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(fields={name: "日期格式应为 YYYY-MM-DD"}) from None


@router.get("/pipeline", response_class=HTMLResponse)
def list_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    stage = request.query_params.get("stage") or None
    status = request.query_params.get("status") or None
    rows, total = service.list_collaborations(
        session, actor, stage=stage, status=status, page_size=200
    )
    return render(
        request,
        "pipeline/list.html",
        {
            "rows": rows,
            "total": total,
            "stages": STAGES,
            "stage": stage,
            "status": status,
            "statuses": list(Status),
            "origins": {o.value: o.label for o in Origin},
            "status_labels": {s.value: s.label for s in Status},
            "breadcrumbs": [("合作对接", None)],
        },
    )


@router.post("/pipeline/start")
def start(request: Request, session: SessionDep, actor: PageActor, form: FormDep) -> Response:
    c = service.start_from_match(
        session,
        actor,
        _int(form, "match_id"),
        demand_id=_int(form, "demand_id"),
        supply_item_id=_int(form, "supply_item_id"),
        note=_text(form, "note"),
    )
    response = RedirectResponse(f"/pipeline/{c.id}", status_code=303)
    add_flash(request, response, f"已开始合作对接：{c.title}（有意向）。")
    return response


@router.get("/pipeline/funnel", response_class=HTMLResponse)
def funnel_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    by = request.query_params.get("by") or "zone"
    as_of_text = request.query_params.get("as_of") or None
    as_of = _date({"as_of": as_of_text}, "as_of") if as_of_text else None
    result = funnel(session, actor, by=by, as_of=as_of)
    query = f"by={result.by}&as_of={result.as_of.isoformat()}"
    return render(
        request,
        "pipeline/funnel.html",
        {
            "result": result,
            "groupings": GROUPINGS,
            "data_url": f"/api/v1/pipeline/funnel?{query}",
            "xlsx_url": f"/api/v1/pipeline/funnel.xlsx?{query}",
            "breadcrumbs": [("合作对接", "/pipeline"), ("对接漏斗", None)],
        },
    )


@router.get("/pipeline/{collab_id}", response_class=HTMLResponse)
def detail_page(
    collab_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    c = service.get_collaboration(session, actor, collab_id)
    index = stage_index(c.stage)
    return render(
        request,
        "pipeline/detail.html",
        {
            "c": c,
            "steps": views.present(c, actor).steps,
            "stages": STAGES,
            "index": index,
            "next_stage": STAGES[index + 1] if index + 1 < len(STAGES) else None,
            "may_write": policy.may_write(actor, c),
            "side": policy.side_of(actor),
            "sides": {s.value: s.label for s in Side},
            "stage_labels": {s.value: s.label for s in Stage},
            "origin_label": Origin(c.origin).label,
            "status_label": Status(c.status).label,
            "needs_nda": c.confidential and c.nda_date is None,
            "breadcrumbs": [("合作对接", "/pipeline"), (c.title, None)],
        },
    )


@router.post("/pipeline/{collab_id}/{action}")
def act(
    collab_id: Id,
    action: str,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    if action not in ACTIONS:
        raise ValidationFailed(fields={"action": "未知操作"})
    version = _int(form, "version")
    response = RedirectResponse(f"/pipeline/{collab_id}", status_code=303)
    try:
        message = _do(session, actor, collab_id, action, version, form)
    except AppError as exc:
        session.rollback()
        details = "；".join(f"{v}" for v in exc.fields.values())
        add_flash(request, response, exc.detail + (f"（{details}）" if details else ""), "error")
        return response
    add_flash(request, response, message)
    return response


def _do(
    session: SessionDep,
    actor: PageActor,
    collab_id: int,
    action: str,
    version: int | None,
    form: dict[str, str | list[str]],
) -> str:
    if action == "advance":
        c = service.advance(
            session,
            actor,
            collab_id,
            Advance(
                version=version,
                happened_date=_date(form, "happened_date"),
                owner=_text(form, "owner"),
                note=_text(form, "note"),
                project_id=_int(form, "project_id"),
            ),
        )
        extra = "，已生成合作研发项目" if c.project_id and c.stage == "contract_signed" else ""
        return f"已推进到“{c.stage_label}”{extra}。"
    if action == "decline":
        reason = _text(form, "reason") or ""
        if len(reason) < 2:
            raise ValidationFailed(fields={"reason": "请填写终止原因"})
        service.decline(session, actor, collab_id, Decline(version=version, reason=reason))
        return "已终止该合作对接并记录原因。"
    if action == "view":
        stage = Stage.parse(_text(form, "stage") or "")
        if stage not in set(STAGES):
            raise ValidationFailed(fields={"stage": "请选择阶段"})
        service.record_view(
            session,
            actor,
            collab_id,
            SideView(version=version, stage=stage, note=_text(form, "note")),
        )
        return "已记录本方看法。"
    if action == "confidentiality":
        body = Confidentiality(
            version=version, signed_date=_date(form, "signed_date"), note=_text(form, "note")
        )
        service.record_confidentiality(session, actor, collab_id, body)
        return "已登记保密协议。"
    if action == "contact":
        service.log_contact(
            session,
            actor,
            collab_id,
            version,
            _text(form, "note") or "",
            _date(form, "happened_date"),
            _text(form, "owner"),
        )
        return "已记录联系。"
    service.link_consortium(
        session,
        actor,
        collab_id,
        LinkConsortium(version=version, consortium_id=_int(form, "consortium_id")),
    )
    return "已更新所属创新联合体。"
