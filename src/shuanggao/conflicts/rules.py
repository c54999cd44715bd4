"""The conflict-of-interest check other domains import (matches, events, mentoring), and the
domain checks of a declaration.

A (researcher, enterprise) pair conflicts when:

- the researcher's account belongs to the enterprise (同一单位: an enterprise mentor, an
  employee), or
- one of the researcher's declarations names the enterprise — by id, or, for a firm not
  registered when declared, by 统一社会信用代码 or by exact name — and is in force: started (or
  no start) and not ended more than ``COOLING_OFF_DAYS`` ago (a tie that ended recently still
  counts, as in most research-funding conflict rules).

Stable interface: ``conflicting_pairs`` and ``conflicts_for_user``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao import clock
from shuanggao.actor import Actor, Role
from shuanggao.conflicts import repository as repo
from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.conflicts.schemas import NO_FIRM, TieKind
from shuanggao.enterprises.credit_code import credit_code_error, normalize_credit_code
from shuanggao.enterprises.policy import ENTERPRISE_POLICY
from shuanggao.errors import ValidationFailed

COOLING_OFF_DAYS = 3 * 365
# Account roles that declare ties (a researcher; a mentor is also a researcher of a university).
DECLARING_ROLES = frozenset({Role.RESEARCHER.value, Role.MENTOR.value})
SAME_ORGANISATION = "同一单位：该科研人员的账号隶属于该企业"

Pair = tuple[int | None, int]


@dataclass(frozen=True)
class Conflict:
    """One reason a researcher may not be matched with an enterprise."""

    user_id: int
    enterprise_id: int | None
    firm_name: str | None
    credit_code: str | None
    kind: str  # TieKind value, or "same_organisation"
    kind_label: str
    reason: str
    declaration_id: int | None


def _norm_name(text: str | None) -> str:
    if not text:
        return ""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _declared_reason(d: ConflictDeclaration, firm: str) -> str:
    label = TieKind(d.kind).label
    span = ""
    if d.to_date is not None:
        span = f"，至 {d.to_date.isoformat()}"
    return f"已申报利益冲突（{label}：{firm}{span}）"


def _names(decl: ConflictDeclaration, name: str, code: str, enterprise_id: int) -> bool:
    if decl.enterprise_id is not None:
        return decl.enterprise_id == enterprise_id
    if decl.credit_code and normalize_credit_code(decl.credit_code) == code:
        return True
    return bool(decl.enterprise_name) and _norm_name(decl.enterprise_name) == _norm_name(name)


def _window(today: dt.date | None) -> tuple[dt.date, dt.date]:
    day = today or clock.today()
    return day - dt.timedelta(days=COOLING_OFF_DAYS), day


def conflicting_pairs(
    session: Session, pairs: Iterable[Pair], *, today: dt.date | None = None
) -> dict[Pair, str]:
    """(researcher user id, enterprise id) → the Chinese reason, for the pairs that conflict.

    Pairs with no researcher (``None``: a supply item without an owner account) never conflict.
    Three queries whatever the number of pairs.
    """
    wanted: list[tuple[int, int]] = [(u, e) for u, e in dict.fromkeys(pairs) if u is not None]
    if not wanted:
        return {}
    user_ids = {u for u, _ in wanted}
    since, day = _window(today)
    persons = repo.people(session, user_ids)
    by_user: dict[int, list[ConflictDeclaration]] = {}
    for d in repo.active_declarations(session, user_ids, since, day):
        by_user.setdefault(d.user_id, []).append(d)
    firms = repo.enterprises_by_id(session, {e for _, e in wanted})
    out: dict[Pair, str] = {}
    for user_id, enterprise_id in wanted:
        person = persons.get(user_id)
        if person is not None and person.enterprise_id == enterprise_id:
            out[(user_id, enterprise_id)] = SAME_ORGANISATION
            continue
        name, code = firms.get(enterprise_id, ("", ""))
        for d in by_user.get(user_id, []):
            if _names(d, name, code, enterprise_id):
                out[(user_id, enterprise_id)] = _declared_reason(d, d.firm_name or name)
                break
    return out


def conflicts_for_user(
    session: Session, user_id: int, *, today: dt.date | None = None
) -> list[Conflict]:
    """Every tie of ``user_id`` in force (declared ones and the same-organisation one)."""
    since, day = _window(today)
    out: list[Conflict] = []
    person = repo.people(session, [user_id]).get(user_id)
    if person is not None and person.enterprise_id is not None:
        name, code = repo.enterprises_by_id(session, [person.enterprise_id]).get(
            person.enterprise_id, ("", "")
        )
        out.append(
            Conflict(
                user_id, person.enterprise_id, name, code, "same_organisation", "同一单位",
                SAME_ORGANISATION, None,
            )
        )  # fmt: skip
    for d in repo.active_declarations(session, [user_id], since, day):
        kind = TieKind(d.kind)
        firm = d.firm_name or d.credit_code or ""
        out.append(
            Conflict(
                user_id, d.enterprise_id, d.firm_name, d.credit_code, kind.value, kind.label,
                _declared_reason(d, firm), d.id,
            )
        )  # fmt: skip
    return out


def _username_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def resolve_researcher(session: Session, text: str) -> int | None:
    return repo.user_id_by_username(session, _username_key(text))


def validate_declaration(
    session: Session, actor: Actor, values: dict[str, Any], current: ConflictDeclaration | None
) -> None:
    """Whose declaration (the actor's own unless the province names a researcher), the firm
    named one way or another, a valid credit code, a visible registered enterprise."""
    fields: dict[str, str] = {}
    if current is None:
        if values.get("user_id") is None:
            if actor.role is not Role.RESEARCHER or actor.user_id is None:
                raise ValidationFailed(fields={"user_id": "请填写申报人（科研人员账号）"})
            values["user_id"] = actor.user_id
        person = repo.people(session, [values["user_id"]]).get(values["user_id"])
        if person is None or person.role not in DECLARING_ROLES:
            raise ValidationFailed(fields={"user_id": "申报人应为科研人员或导师账号"})
        values["university_id"] = person.university_id
    enterprise_id = values.get("enterprise_id")
    if (
        enterprise_id is None
        and not values.get("enterprise_name")
        and not values.get("credit_code")
    ):
        fields["enterprise_id"] = NO_FIRM
    if enterprise_id is not None and not repo.enterprise_visible(
        session, enterprise_id, ENTERPRISE_POLICY.read_filter(actor)
    ):
        fields["enterprise_id"] = f"企业不存在（编号：{enterprise_id}）"
    code = values.get("credit_code")
    if code:
        code = normalize_credit_code(code)
        error = credit_code_error(code)
        if error is not None:
            fields["credit_code"] = error
        values["credit_code"] = code
    if fields:
        raise ValidationFailed(fields=fields)
