"""The generic pages: the home page per role and the register pages (list, detail, forms).

Handlers parse input, call one kit service function and render; scoping, permissions and audit
are the services' (the same ones the JSON API calls).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.actor import Actor, Role
from shuanggao.errors import AppError, ErrorCode, Forbidden, NotFound
from shuanggao.imports.fields import field_specs
from shuanggao.kit import service
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.nav import register_visible
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.kit.register import Register, get_register
from shuanggao.web import forms, home, views
from shuanggao.web.hooks import HooksTable, hooks_table, page_hooks

router = APIRouter(include_in_schema=False)


def register_for(name: str, actor: Actor) -> Register[Any]:
    try:
        reg = get_register(name)
    except KeyError:
        raise NotFound("没有这个登记簿。") from None
    if not register_visible(reg, actor):
        raise NotFound()
    return reg


def _list_crumbs(reg: Register[Any]) -> list[tuple[str, str | None]]:
    return [(reg.label, f"/r/{reg.name}")]


def _can_write(actor: Actor) -> bool:
    return actor.role is not Role.AUDITOR


def _tenant_defaults(actor: Actor) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    if actor.zone_id is not None:
        defaults["zone_id"] = actor.zone_id
    if actor.university_id is not None:
        defaults["university_id"] = actor.university_id
        defaults["university_ids"] = [actor.university_id]
    if actor.enterprise_id is not None:
        defaults["enterprise_id"] = actor.enterprise_id
    return defaults


def _can_create(hooks: HooksTable, reg: Register[Any], actor: Actor) -> bool:
    if not _can_write(actor) or not page_hooks(hooks, reg.name).allow_create:
        return False
    return reg.policy.can_create(actor, _tenant_defaults(actor))


# ---------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    panels = home.panels_for(session, actor, request.app.state.home_panels)
    return render(request, "pages/home.html", {"panels": panels})


# ---------------------------------------------------------------------------------------------
# Register list
# ---------------------------------------------------------------------------------------------


@router.get("/r/{name}", response_class=HTMLResponse)
def register_list(name: str, request: Request, session: SessionDep, actor: PageActor) -> Response:
    reg = register_for(name, actor)
    params = request.query_params
    q = (params.get("q") or "").strip() or None
    sort = params.get("sort") or None
    try:
        page_no = max(int(params.get("page") or 1), 1)
        page_size = int(params.get("page_size") or 50)
    except ValueError:
        page_no, page_size = 1, 50
    if page_size not in views.PAGE_SIZES:
        page_size = 50
    filters, bad_filters = views.parse_filters(reg, params)
    page = service.list_records(
        session, actor, reg, q=q, filters=filters, sort=sort, page=page_no, page_size=page_size
    )
    specs = views.list_specs(reg, hooks_table(request))
    rows = [
        {
            "obj": obj,
            "title": reg.title_of(obj),
            "href": views.record_href(reg.name, obj.id),
            "cells": views.visible_cells(reg, actor, specs, obj),
        }
        for obj in page.items
    ]
    context: dict[str, Any] = {
        "reg": reg,
        "specs": specs,
        "classes": [views.cell_class(s) for s in specs],
        # The title links to the record: in its own column unless it is one of the columns.
        "title_column": not any(s.field == reg.title_attr for s in specs),
        "title_field": reg.title_attr,
        "rows": rows,
        "page": page,
        "q": q or "",
        "sort": sort or "",
        "sort_fields": set(reg.sort_fields),
        "page_sizes": views.PAGE_SIZES,
        "filtered": bool(q or filters),
        "bad_filters": bad_filters,
        "can_create": _can_create(hooks_table(request), reg, actor),
        "export_query": urlencode(
            [(k, v) for k, v in params.multi_items() if k not in ("page", "page_size") and v]
        ),
        "breadcrumbs": _list_crumbs(reg),
    }
    if request.headers.get("HX-Target") == "table-region":
        return render(request, "register/_table.html", context)
    context["filters"] = views.filter_controls(session, actor, reg, params, hooks_table(request))
    return render(request, "register/list.html", context)


# ---------------------------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------------------------


def _render_form(
    request: Request,
    session: Session,
    actor: Actor,
    reg: Register[Any],
    *,
    obj: Any = None,
    submitted: dict[str, str | list[str]] | None = None,
    errors: dict[str, str] | None = None,
    detail: str = "",
    status_code: int = 200,
    defaults: dict[str, Any] | None = None,
    conflict: bool = False,
) -> HTMLResponse:
    editing = obj is not None
    schema = reg.update_schema if editing else reg.create_schema
    table = hooks_table(request)
    exclude = page_hooks(table, reg.name).form_exclude
    fields = [
        f
        for f in forms.build_fields(
            session,
            actor,
            reg,
            schema,
            table,
            obj=obj,
            submitted=submitted,
            defaults=defaults,
        )
        if f.name not in exclude
    ]
    crumbs = _list_crumbs(reg)
    if editing:
        crumbs += [(reg.title_of(obj), views.record_href(reg.name, obj.id)), ("编辑", None)]
        action = f"/r/{reg.name}/{obj.id}/edit"
    else:
        crumbs += [("新增", None)]
        action = f"/r/{reg.name}/new"
    version = obj.version if editing else None
    if submitted is not None and submitted.get("version"):
        version = submitted.get("version")
    return render(
        request,
        "register/form.html",
        {
            "reg": reg,
            "obj": obj,
            "fields": fields,
            "errors": errors or {},
            "detail": detail,
            "action": action,
            "version": version,
            "conflict": conflict,
            "breadcrumbs": crumbs,
        },
        status_code=status_code,
    )


@router.get("/r/{name}/new", response_class=HTMLResponse)
def register_new(name: str, request: Request, session: SessionDep, actor: PageActor) -> Response:
    reg = register_for(name, actor)
    if not _can_create(hooks_table(request), reg, actor):
        raise Forbidden()
    defaults = _tenant_defaults(actor)
    defaults.update({k: v for k, v in request.query_params.items() if v})
    return _render_form(request, session, actor, reg, defaults=defaults)


def _save_failed(
    request: Request,
    session: Session,
    actor: Actor,
    reg: Register[Any],
    form: dict[str, str | list[str]],
    exc: AppError,
    obj: Any = None,
) -> HTMLResponse:
    session.rollback()
    if obj is not None:
        obj = service.get_record(session, actor, reg, obj.id)
    return _render_form(
        request,
        session,
        actor,
        reg,
        obj=obj,
        submitted=form,
        errors=exc.fields,
        detail=exc.detail,
        status_code=exc.status,
        conflict=exc.code is ErrorCode.CONFLICT,
    )


@router.post("/r/{name}/new", response_class=HTMLResponse)
def register_create(
    name: str, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    reg = register_for(name, actor)
    parsed = forms.parse_form(session, reg, reg.create_schema, form, editing=False)
    model, schema_errors = forms.validate(reg.create_schema, parsed.values)
    errors = {**schema_errors, **parsed.errors}
    if errors or model is None:
        return _render_form(
            request, session, actor, reg, submitted=form, errors=errors, status_code=422
        )
    try:
        obj = service.create_record(session, actor, reg, model)
    except AppError as exc:
        return _save_failed(request, session, actor, reg, form, exc)
    response = RedirectResponse(views.record_href(reg.name, obj.id), status_code=303)
    add_flash(request, response, f"已新增{reg.label}：{reg.title_of(obj)}。")
    _flash_warnings(request, response, session)
    return response


def _flash_warnings(request: Request, response: Response, session: Session) -> None:
    """The write's warnings (``Register.warn``: a possible duplicate need ...) for the person."""
    for warning in service.take_warnings(session):
        add_flash(request, response, str(warning.get("message", "")), level="warning")


# ---------------------------------------------------------------------------------------------
# Detail, edit, delete
# ---------------------------------------------------------------------------------------------


@router.get("/r/{name}/{obj_id:int}", response_class=HTMLResponse)
def register_detail(
    name: str, obj_id: int, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    reg = register_for(name, actor)
    obj = service.get_record(session, actor, reg, obj_id)
    hooks = page_hooks(hooks_table(request), reg.name)
    specs = field_specs(reg)
    fields = [
        {"label": s.header, "value": value, "wide": s.field in forms.LONG_TEXT_FIELDS}
        for s, value in zip(specs, views.visible_cells(reg, actor, specs, obj), strict=True)
    ]
    return render(
        request,
        "register/detail.html",
        {
            "reg": reg,
            "obj": obj,
            "title": reg.title_of(obj),
            "fields": fields,
            # The 来源 line, unless the fields above already show the source.
            "source_url": None
            if any(s.field == "source_url" for s in specs)
            else getattr(obj, "source_url", None),
            "source_date": getattr(obj, "source_date", None),
            "related": views.related_blocks(session, actor, reg, obj, limit=3),
            "links": hooks.detail_links(obj) if hooks.detail_links else [],
            "extra_template": hooks.detail_template,
            "can_edit": _can_write(actor) and reg.policy.can_modify(actor, obj),
            "can_delete": _can_write(actor) and reg.policy.can_delete(actor, obj),
            "breadcrumbs": [*_list_crumbs(reg), (reg.title_of(obj), None)],
        },
    )


@router.get("/r/{name}/{obj_id:int}/edit", response_class=HTMLResponse)
def register_edit(
    name: str, obj_id: int, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    reg = register_for(name, actor)
    obj = service.get_record(session, actor, reg, obj_id)
    if not (_can_write(actor) and reg.policy.can_modify(actor, obj)):
        # The form shows every field; a reader who may not edit never gets it.
        raise Forbidden()
    return _render_form(request, session, actor, reg, obj=obj)


def _version(form: dict[str, str | list[str]]) -> int | None:
    raw = form.get("version")
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    return None


@router.post("/r/{name}/{obj_id:int}/edit", response_class=HTMLResponse)
def register_update(
    name: str,
    obj_id: int,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    reg = register_for(name, actor)
    obj = service.get_record(session, actor, reg, obj_id)
    parsed = forms.parse_form(session, reg, reg.update_schema, form, editing=True)
    model, schema_errors = forms.validate(reg.update_schema, parsed.values)
    errors = {**schema_errors, **parsed.errors}
    if errors or model is None:
        return _render_form(
            request, session, actor, reg, obj=obj, submitted=form, errors=errors, status_code=422
        )
    payload: BaseModel = model
    try:
        updated = service.update_record(
            session, actor, reg, obj_id, payload, expected_version=_version(form)
        )
    except AppError as exc:
        return _save_failed(request, session, actor, reg, form, exc, obj=obj)
    response = RedirectResponse(views.record_href(reg.name, obj_id), status_code=303)
    add_flash(request, response, f"已保存{reg.label}：{reg.title_of(updated)}。")
    _flash_warnings(request, response, session)
    return response


@router.post("/r/{name}/{obj_id:int}/delete", response_class=HTMLResponse)
def register_delete(
    name: str,
    obj_id: int,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: FormDep,
) -> Response:
    reg = register_for(name, actor)
    obj = service.get_record(session, actor, reg, obj_id)
    title = reg.title_of(obj)
    try:
        service.delete_record(session, actor, reg, obj_id)
    except AppError as exc:
        session.rollback()
        response = RedirectResponse(views.record_href(reg.name, obj_id), status_code=303)
        add_flash(request, response, f"未能删除：{exc.detail}", level="error")
        return response
    response = RedirectResponse(f"/r/{reg.name}", status_code=303)
    add_flash(request, response, f"已删除{reg.label}：{title}。")
    return response
