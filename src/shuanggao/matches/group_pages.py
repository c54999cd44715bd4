"""Pages of saved duplicate groups (合并需求组): save a group from the duplicate list, rename it,
add and remove needs, dissolve it (each a form posting back to /triage/duplicates), and the
groups panel of a need's page."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import HTMLResponse, Response

from shuanggao.errors import AppError
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.matches import service
from shuanggao.matches.group_schemas import GroupCreate, GroupUpdate
from shuanggao.matches.triage_pages import LABELS

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
BACK = "/triage/duplicates"


def _text(form: FormDep, name: str) -> str:
    value = form.get(name)
    return str(value[0] if isinstance(value, list) else value or "").strip()


def _ids(form: FormDep, name: str) -> list[int]:
    """Need ids from checkboxes (a repeated field) or typed (#12, 15；18)."""
    value = form.get(name) or []
    raw = " ".join(value) if isinstance(value, list) else value
    return [int(n) for n in re.findall(r"\d{1,10}", raw) if 0 < int(n) <= 2_147_483_647]


def _version(form: FormDep) -> int | None:
    text = _text(form, "version")
    return int(text) if text.isdigit() and 0 < int(text) <= 2_147_483_647 else None


def _back(request: Request, text: str, level: str = "success", anchor: str = "") -> Response:
    response = RedirectResponse(BACK + anchor, status_code=303)
    add_flash(request, response, text, level)
    return response


def _refused(request: Request, exc: AppError | ValidationError) -> Response:
    if isinstance(exc, ValidationError):
        return _back(request, "请检查填写的内容：组名必填，至少选择两条需求。", "error")
    fields = "；".join(f"{v}" for v in (exc.fields or {}).values())
    return _back(request, f"{exc.detail}{('（' + fields + '）') if fields else ''}", "error")


@router.post("/triage/groups", response_class=HTMLResponse)
def create(request: Request, session: SessionDep, actor: PageActor, form: FormDep) -> Response:
    try:
        payload = GroupCreate(
            name=_text(form, "name"),
            demand_ids=_ids(form, "demand_ids"),
            note=_text(form, "note") or None,
        )
        group = service.create_group(session, actor, payload)
    except (AppError, ValidationError) as exc:
        return _refused(request, exc)
    return _back(request, f"已保存合并需求组“{group.name}”。", anchor=f"#group-{group.id}")


@router.post("/triage/groups/{group_id}/edit", response_class=HTMLResponse)
def edit(
    group_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    try:
        payload = GroupUpdate(
            version=_version(form),
            name=_text(form, "name") or None,
            note=_text(form, "note") if "note" in form else None,
            add=_ids(form, "add"),
            remove=_ids(form, "remove"),
        )
        group = service.update_group(session, actor, group_id, payload)
    except (AppError, ValidationError) as exc:
        return _refused(request, exc)
    return _back(request, f"已修改合并需求组“{group.name}”。", anchor=f"#group-{group.id}")


@router.post("/triage/groups/{group_id}/dissolve", response_class=HTMLResponse)
def dissolve(
    group_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    try:
        service.dissolve_group(session, actor, group_id, _version(form))
    except AppError as exc:
        return _refused(request, exc)
    return _back(request, "已解散合并需求组。")


@router.get("/demands/{demand_id}/groups", response_class=HTMLResponse)
def demand_groups(
    demand_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    groups = service.groups_of_demand(session, actor, demand_id)
    return render(
        request,
        "matches/_demand_groups.html",
        {"groups": groups, "demand_id": demand_id, **LABELS},
    )
