"""我的个人信息: download one's data, the matching choice, and deletion — a page and its API."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.accounts import consent
from shuanggao.accounts.api import clear_session_cookie
from shuanggao.accounts.core import NOTICE_VERSION
from shuanggao.config import Settings
from shuanggao.errors import AppError
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.privacy import export, service

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["个人信息"])

Format = Annotated[Literal["json", "xlsx"], Query(description="文件格式")]


class DeletionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str


class DeletionOut(BaseModel):
    pseudonym: str


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _download(session: SessionDep, actor: ActorDep, format: str) -> Response:
    data = service.personal_data(session, actor)
    if format == "json":
        body, media = export.to_json(data), "application/json; charset=utf-8"
    else:
        body, media = export.to_xlsx(data), export.XLSX_TYPE
    name = f"我的个人信息.{format}"
    disposition = f"attachment; filename=\"personal-data.{format}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@api_router.get("/me/personal-data", summary="下载本人个人信息（JSON 或 xlsx）")
def personal_data(session: SessionDep, actor: ActorDep, format: Format = "json") -> Response:
    return _download(session, actor, format)


@api_router.post("/me/deletion", response_model=DeletionOut, summary="申请删除本人个人信息")
def delete_me(
    payload: DeletionIn, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    settings = _settings(request)
    alias = service.delete_my_data(session, actor, payload.password, settings.resolved_secret_key())
    response = Response(
        DeletionOut(pseudonym=alias).model_dump_json(), media_type="application/json"
    )
    clear_session_cookie(response, settings)
    return response


@router.get("/account/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    return _page(request, session, actor, {})


def _page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    user = consent.me(session, actor)
    return render(
        request,
        "privacy/privacy.html",
        {
            "notice_version": NOTICE_VERSION,
            "accepted_version": user.privacy_notice_version,
            "matching_allowed": not user.matching_opt_out,
            "records": consent.history(session, actor),
            "labels": consent.PURPOSE_LABELS,
            "errors": errors,
            "breadcrumbs": [("我的个人信息", None)],
        },
        status_code=status,
    )


@router.get("/account/privacy/export")
def privacy_export(session: SessionDep, actor: PageActor, format: Format = "json") -> Response:
    return _download(session, actor, format)


@router.post("/account/privacy/delete", response_class=HTMLResponse)
def privacy_delete(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    settings = _settings(request)
    try:
        service.delete_my_data(session, actor, password, settings.resolved_secret_key())
    except AppError as exc:
        return _page(
            request, session, actor, exc.fields or {"password": exc.detail}, status=exc.status
        )
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, settings)
    add_flash(request, response, "您的个人信息已匿名化，账号已注销。")
    return response
