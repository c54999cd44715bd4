"""Consent at first sign-in and the matching opt-out: a page and its JSON twin.

``/account/consent`` is where the accounts middleware sends an account that has not accepted
the current personal-information notice; ``/api/v1/auth/consent`` does the same for API
clients. ``/account/privacy`` (``shuanggao.privacy``) links here to change the matching choice.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.accounts import consent
from shuanggao.accounts.core import NOTICE_VERSION
from shuanggao.accounts.pages import safe_next
from shuanggao.errors import AppError
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["账号与登录"])


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    processing: bool
    matching: bool = True


class MatchingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allowed: bool


class PurposeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: Literal["profile_enterprises", "practice_mentor"]
    granted: bool


class PurposeOut(BaseModel):
    """A consent-only purpose of this account: its standing decision (``granted`` False and
    ``at`` None: never given)."""

    purpose: str
    purpose_label: str
    granted: bool
    notice_version: str | None
    at: dt.datetime | None


class ConsentRecordOut(BaseModel):
    purpose: str
    purpose_label: str
    notice_version: str
    granted: bool
    at: dt.datetime
    withdrawn_at: dt.datetime | None


class ConsentStateOut(BaseModel):
    notice_version: str
    accepted_version: str | None
    matching_allowed: bool
    purposes: list[PurposeOut]
    records: list[ConsentRecordOut]


def _purpose(session: SessionDep, actor: ActorDep, purpose: str) -> PurposeOut:
    row = consent.current(session, actor, purpose)
    return PurposeOut(
        purpose=purpose,
        purpose_label=consent.PURPOSE_LABELS[purpose],
        granted=row is not None and row.granted,
        notice_version=row.notice_version if row is not None else None,
        at=row.at if row is not None else None,
    )


def _state(session: SessionDep, actor: ActorDep) -> ConsentStateOut:
    rows = consent.history(session, actor)
    user = consent.me(session, actor)
    return ConsentStateOut(
        notice_version=NOTICE_VERSION,
        accepted_version=user.privacy_notice_version,
        matching_allowed=not user.matching_opt_out,
        purposes=[_purpose(session, actor, p) for p in consent.purposes_of(actor)],
        records=[
            ConsentRecordOut(
                purpose=r.purpose,
                purpose_label=consent.PURPOSE_LABELS.get(r.purpose, r.purpose),
                notice_version=r.notice_version,
                granted=r.granted,
                at=r.at,
                withdrawn_at=r.withdrawn_at,
            )
            for r in rows
        ],
    )


@api_router.get("/auth/consent", response_model=ConsentStateOut, summary="我的个人信息授权")
def consent_state(session: SessionDep, actor: ActorDep) -> ConsentStateOut:
    return _state(session, actor)


@api_router.post("/auth/consent", response_model=ConsentStateOut, summary="同意个人信息处理规则")
def consent_give(payload: ConsentIn, session: SessionDep, actor: ActorDep) -> ConsentStateOut:
    consent.give_consent(session, actor, processing=payload.processing, matching=payload.matching)
    return _state(session, actor)


@api_router.post(
    "/auth/consent/matching", response_model=ConsentStateOut, summary="同意或撤回机器匹配推荐"
)
def consent_matching(payload: MatchingIn, session: SessionDep, actor: ActorDep) -> ConsentStateOut:
    consent.set_matching(session, actor, payload.allowed)
    return _state(session, actor)


@api_router.post(
    "/auth/consent/purposes",
    response_model=ConsentStateOut,
    summary="同意或撤回单项授权（向企业展示个人信息、与企业导师共享实践记录）",
)
def consent_purpose(payload: PurposeIn, session: SessionDep, actor: ActorDep) -> ConsentStateOut:
    consent.set_purpose(session, actor, payload.purpose, payload.granted)
    return _state(session, actor)


@router.get("/account/consent", response_class=HTMLResponse)
def consent_page(
    request: Request, session: SessionDep, actor: PageActor, next: str = "/"
) -> Response:
    return render(
        request,
        "accounts/consent.html",
        {
            "notice_version": NOTICE_VERSION,
            "next": safe_next(next),
            "errors": {},
            "state": _state(session, actor),
            "breadcrumbs": [("个人信息授权", None)],
        },
    )


@router.post("/account/consent", response_class=HTMLResponse)
def consent_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    processing: Annotated[str, Form(max_length=5)] = "",
    matching: Annotated[str, Form(max_length=5)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    try:
        consent.give_consent(
            session, actor, processing=processing == "yes", matching=matching == "yes"
        )
    except AppError as exc:
        return render(
            request,
            "accounts/consent.html",
            {
                "notice_version": NOTICE_VERSION,
                "next": safe_next(next),
                "errors": exc.fields or {"processing": exc.detail},
                "state": _state(session, actor),
                "breadcrumbs": [("个人信息授权", None)],
            },
            status_code=422,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    add_flash(request, response, "已记录您的授权。您可随时在“我的个人信息”中撤回机器匹配推荐。")
    return response


@router.post("/account/consent/matching")
def matching_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    allowed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    allow = allowed == "yes"
    consent.set_matching(session, actor, allow)
    response = RedirectResponse("/account/privacy", status_code=303)
    add_flash(
        request,
        response,
        "您已同意被机器匹配推荐。"
        if allow
        else "您已撤回机器匹配推荐：您的条目不再出现在匹配推荐中。",
    )
    return response


@router.post("/account/consent/purpose")
def purpose_submit(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    purpose: Annotated[str, Form(max_length=40)] = "",
    granted: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    give = granted == "yes"
    try:
        consent.set_purpose(session, actor, purpose, give)
    except AppError as exc:
        response = RedirectResponse("/account/consent", status_code=303)
        add_flash(request, response, exc.detail, "error")
        return response
    response = RedirectResponse("/account/consent", status_code=303)
    add_flash(
        request,
        response,
        f"已记录：{consent.GIVEN[purpose] if give else consent.WITHDRAWN[purpose]}。",
    )
    return response
