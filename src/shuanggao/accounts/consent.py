"""Consent and opt-out (PIPL 14–17, 24; checklist PI-03, PI-04).

Every account accepts the current personal-information notice (``NOTICE_VERSION``) at its first
sign-in, and again when the notice changes: until then the accounts middleware lets it reach
only the consent step (``restriction_of`` answers ``consent``). Being suggested by machine
matching is a separate, optional choice: refusing it never blocks the service, and withdrawing
it removes the person's supply items and expert entries from matching at once (the matcher
reads ``opted_out_user_ids`` on every search).

Each decision is a ``ConsentRecord`` row (what, version, when; a withdrawal stamps the earlier
row); the ``User`` columns hold the current state so that a request needs no extra query.

Two more purposes rest on consent alone, each given and withdrawn on its own (``set_purpose``)
by the roles it concerns (``PURPOSES_BY_ROLE``): a researcher's profile shown to enterprises
(``personal.PROFILE_TO_ENTERPRISES``) and a student's practice record shared with the
enterprise mentor (``personal.PRACTICE_TO_MENTOR``). Never given counts as refused. Who may see
what under them is the personal-data inventory's rule (``personal.withheld``), read on every
view, so a withdrawal holds for the next request.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.accounts import repository as repo
from shuanggao.accounts.core import NOTICE_VERSION
from shuanggao.accounts.models import ConsentRecord, User
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.errors import Unauthenticated, ValidationFailed

PROCESSING = "processing"
MATCHING = "matching"
PROFILE = personal.PROFILE_TO_ENTERPRISES
PRACTICE = personal.PRACTICE_TO_MENTOR
PURPOSE_LABELS = {
    PROCESSING: "同意《个人信息处理规则》（账号、对接与统计所需的处理）",
    MATCHING: "同意被机器匹配推荐给企业（可随时撤回）",
    PROFILE: "同意向企业展示我的姓名、职称、联系方式与专长（成果负责人、专家条目、匹配结果、对接会日程、合作对接记录；可随时撤回）",  # noqa: E501 - one Chinese sentence
    PRACTICE: "同意与企业导师共享我的实践记录（进展报告、会议记录、佐证材料、成果与个人信息；可随时撤回）",  # noqa: E501 - one Chinese sentence
}
# The consent-only purposes a role decides on its own page (``/account/consent``).
PURPOSES_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.RESEARCHER: (PROFILE,),
    Role.MENTOR: (PROFILE,),
    Role.STUDENT: (PRACTICE,),
}
GIVEN = {PROFILE: "同意向企业展示个人信息", PRACTICE: "同意与企业导师共享实践记录"}
WITHDRAWN = {PROFILE: "撤回向企业展示个人信息", PRACTICE: "撤回与企业导师共享实践记录"}


def me(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise Unauthenticated()
    return user


def _decide(session: Session, user: User, purpose: str, granted: bool) -> ConsentRecord:
    now = utcnow()
    earlier = repo.latest_consent(session, user.id, purpose)
    if earlier is not None:
        earlier.withdrawn_at = now
    row = ConsentRecord(
        user_id=user.id, purpose=purpose, notice_version=NOTICE_VERSION, granted=granted, at=now
    )
    session.add(row)
    personal.forget_consents(session)
    return row


def give_consent(session: Session, actor: Actor, *, processing: bool, matching: bool) -> User:
    """The first-sign-in step: the notice must be accepted; matching is optional."""
    if not processing:
        raise ValidationFailed(
            "须同意《个人信息处理规则》才能使用本系统；被机器匹配推荐是可选项。",
            fields={"processing": "请勾选同意个人信息处理规则"},
        )
    user = me(session, actor)
    _decide(session, user, PROCESSING, True)
    _decide(session, user, MATCHING, matching)
    user.privacy_notice_version = NOTICE_VERSION
    user.matching_opt_out = not matching
    audit.record(
        session,
        actor,
        "consent",
        "users",
        user.id,
        summary=f"同意个人信息处理规则（{NOTICE_VERSION}）；机器匹配：{'同意' if matching else '不同意'}",  # noqa: E501 - one Chinese sentence
        after={"notice_version": NOTICE_VERSION, "matching": matching},
    )
    session.flush()
    return user


def set_matching(session: Session, actor: Actor, allowed: bool) -> User:
    """Opt in to or out of machine matching; takes effect for the next search."""
    user = me(session, actor)
    if (
        user.matching_opt_out == (not allowed)
        and repo.latest_consent(session, user.id, MATCHING) is not None
    ):
        return user
    _decide(session, user, MATCHING, allowed)
    user.matching_opt_out = not allowed
    audit.record(
        session,
        actor,
        "consent",
        "users",
        user.id,
        summary="同意被机器匹配推荐" if allowed else "撤回机器匹配推荐（不再被推荐）",
        after={"matching": allowed},
    )
    session.flush()
    return user


def purposes_of(actor: Actor) -> tuple[str, ...]:
    return PURPOSES_BY_ROLE.get(actor.role, ())


def current(session: Session, actor: Actor, purpose: str) -> ConsentRecord | None:
    """The standing decision for ``purpose`` (None: never decided, which counts as refused)."""
    return repo.latest_consent(session, me(session, actor).id, purpose)


def set_purpose(session: Session, actor: Actor, purpose: str, granted: bool) -> User:
    """Give or withdraw a consent-only purpose; takes effect for the next view (every reader
    checks the standing decision, ``personal.withheld``)."""
    if purpose not in purposes_of(actor):
        raise ValidationFailed(
            "该授权事项不适用于您的账号。",
            fields={"purpose": "应为以下之一：" + "、".join(purposes_of(actor) or ("（无）",))},
        )
    user = me(session, actor)
    standing = repo.latest_consent(session, user.id, purpose)
    if standing is not None and standing.granted == granted:
        return user
    if standing is None and not granted:
        # Never given counts as refused already: nothing to withdraw.
        return user
    row = _decide(session, user, purpose, granted)
    audit.record(
        session,
        actor,
        "consent",
        "users",
        user.id,
        summary=(GIVEN if granted else WITHDRAWN)[purpose] + f"（{NOTICE_VERSION}）",
        after={"purpose": purpose, "granted": granted, "notice_version": row.notice_version},
    )
    session.flush()
    return user


def history(session: Session, actor: Actor) -> Sequence[ConsentRecord]:
    return repo.consent_history(session, me(session, actor).id)


def opted_out_user_ids(session: Session) -> frozenset[int]:
    """Accounts that must not be suggested by machine matching (opted out or anonymised)."""
    return repo.opted_out_user_ids(session)
