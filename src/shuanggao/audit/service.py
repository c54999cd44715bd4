"""Writing audit events. Every service write calls ``record``; nothing here commits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import chain  # importing it installs the hash-chain appender
from shuanggao.audit import guard as _guard  # noqa: F401  (installs the append-only ORM guard)
from shuanggao.audit import repository as audit_repo
from shuanggao.audit.models import AuditEvent
from shuanggao.audit.repository import AuditQuery
from shuanggao.clock import CHINA_TZ
from shuanggao.db.types import utcnow
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.logsafe import escape_controls
from shuanggao.personal import masked_field_names

# Never logged in clear: secrets, and personal identifiers beyond a masked form.
SECRET_KEYS = frozenset({"password", "password_hash", "token", "totp_secret", "secret", "csrf"})
# Masked in the log: the personal fields the inventory masks, and the usual names for them.
MASKED_KEYS = frozenset({"phone", "mobile", "id_number", "id_card", "email"}) | masked_field_names()
_LONG_DIGITS = re.compile(r"\d{11,}")


def _mask(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def _clean(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return sanitize(value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return _LONG_DIGITS.sub(lambda m: _mask(m.group(0)), _text(value))
    return value


def _text(value: str) -> str:
    """NUL cannot be stored in PostgreSQL text; it is never meaningful in the trail."""
    return value.replace("\x00", "")


def _line(value: str, limit: int) -> str:
    """A text column of the trail: one line, control characters escaped (no log injection)."""
    return escape_controls(value)[:limit]


def sanitize(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Drop secrets and mask personal identifiers before anything reaches the log."""
    if data is None:
        return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        lowered = key.lower()
        if any(s in lowered for s in SECRET_KEYS):
            continue
        if lowered in MASKED_KEYS and isinstance(value, str) and value:
            out[key] = _mask(value)
            continue
        out[key] = _clean(value)
    return out


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object | None = None,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    erasure: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        actor_user_id=actor.user_id,
        actor_name=_line(actor.username, 100),
        actor_role=_line(str(actor.role), 40),
        ip=None if actor.ip is None else _line(actor.ip, 64),
        action=_line(action, 40),
        entity=_line(entity, 60),
        entity_id=None if entity_id is None else _line(str(entity_id), 60),
        summary=_line(summary, 500),
        before=sanitize(before),
        after=sanitize(after),
        erasure=erasure,
    )
    session.add(event)
    return event


ERASED_SUMMARY = "（已清除：当事人的个人信息已按注销要求删除）"


def _usable(terms: list[str]) -> list[str]:
    """Names to look for; too short a term would match unrelated rows (2 characters for a
    Chinese name, else 3)."""
    return [t for t in dict.fromkeys(terms) if len(t) >= (2 if not t.isascii() else 3)]


Rename = Callable[[AuditEvent], str | None]


def _erase(session: Session, rows: list[AuditEvent], by_seq: int, rename: Rename) -> None:
    for row in rows:
        name = rename(row)
        if name is not None:
            row.actor_name = name
        row.ip = None
        row.summary = ERASED_SUMMARY
        row.before = None
        row.after = None
        row.payload_salt = None
        row.erased_by_seq = by_seq
    session.flush()


def erase_subject(
    session: Session,
    actor: Actor,
    user_id: int,
    terms: list[str],
    *,
    alias: str,
    summary: str,
) -> AuditEvent:
    """Record a person's deletion and erase the personal part of the rows about them.

    The rows are the person's own actions, the rows about their account and the rows whose
    personal part names them (``terms``: their username and name). Each keeps its chained fields
    (time, account id, role, action, entity, digest); the name becomes ``alias`` where it was
    theirs, the IP, summary and before/after values go. The ``anonymise`` row recorded here seals
    which rows were erased, so ``verify`` tells this erasure from tampering (``chain.finish``).
    """
    wanted = _usable(terms)
    rows = audit_repo.rows_about(
        session, user_id=user_id, entity="users", entity_ids=[str(user_id)], terms=wanted
    )
    event = record(
        session,
        actor,
        "anonymise",
        "users",
        user_id,
        summary=summary,
        after={"erased_rows": len(rows)},
        erasure=chain.erasure_seal(r.seq for r in rows),
    )
    session.flush()
    _erase(
        session,
        rows,
        event.seq,
        lambda r: alias if r.actor_user_id == user_id or r.actor_name in wanted else None,
    )
    return event


def erase_records(
    session: Session,
    actor: Actor,
    entity: str,
    ids: list[int],
    terms: list[str],
    *,
    summary: str,
    after: dict[str, Any],
) -> AuditEvent:
    """Record the anonymisation of records (retention) and erase the personal part of the audit
    rows about them (``entity``/``ids``) or naming them (``terms``), sealed as in
    ``erase_subject``."""
    wanted = _usable(terms)
    rows = audit_repo.rows_about(
        session, user_id=None, entity=entity, entity_ids=[str(i) for i in ids], terms=wanted
    )
    event = record(
        session,
        actor,
        "anonymise",
        entity,
        None,
        summary=summary,
        after={**after, "erased_rows": len(rows)},
        erasure=chain.erasure_seal(r.seq for r in rows),
    )
    session.flush()
    _erase(session, rows, event.seq, lambda r: "（已匿名）" if r.actor_name in wanted else None)
    return event


# --------------------------------------------------------------------------- reading the trail

ACTION_LABELS: dict[str, str] = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "export": "导出",
    "sign_in": "登录成功",
    "sign_in_failed": "登录失败",
    "lockout": "账号锁定",
    "sign_out": "退出登录",
    "permission": "权限变更",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "totp_enrol": "绑定身份验证器",
    "token_create": "创建 API 令牌",
    "token_revoke": "吊销 API 令牌",
    "verify": "校验审计日志",
    "consent": "个人信息授权",
    "personal_export": "下载本人个人信息",
    "anonymise": "个人信息匿名化",
}

# Separation of duties (等保 §8.1.5 三权分立, checklist AC-05): the audit trail is read by the
# audit role; the province administrator, who administers the system, does not audit it. Nobody
# audits themselves: the auditor reads every row except the auditors' own, and the security
# administrator reads only the auditors' rows (who audits the auditor).
AUDIT_READERS = frozenset({Role.AUDITOR, Role.SECURITY_ADMIN})
MAX_PAGE_SIZE = 200
EXPORT_LIMIT = 100_000
BEIJING = CHINA_TZ


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def check_reader(actor: Actor) -> None:
    """Only 审计员 read the audit trail (not the administrators whose actions it records), and
    the system: ``shuanggao audit verify`` at the server, whose operator holds the database."""
    if actor.role not in AUDIT_READERS and not actor.is_system:
        raise Forbidden("只有审计员可以查看审计日志。")


def scoped(actor: Actor, query: AuditQuery) -> AuditQuery:
    """The reader's share of the trail: nobody reads the rows of their own duty."""
    if actor.is_system:
        return query
    if actor.role is Role.SECURITY_ADMIN:
        return replace(query, only_roles=(Role.AUDITOR.value,))
    return replace(query, except_roles=(Role.AUDITOR.value,))


def day_range(
    start: dt.date | None, end: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Calendar days in Beijing time → a UTC half-open interval (``end`` day included)."""
    lo = dt.datetime.combine(start, dt.time(), BEIJING) if start else None
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), BEIJING) if end else None
    if lo is not None and hi is not None and hi <= lo:
        raise ValidationFailed(fields={"to": "结束日期不能早于开始日期"})
    return lo, hi


def list_events(
    session: Session, actor: Actor, query: AuditQuery, *, page: int = 1, page_size: int = 50
) -> tuple[list[AuditEvent], int]:
    check_reader(actor)
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return audit_repo.page(session, scoped(actor, query), page=page, page_size=page_size)


def events_for_export(session: Session, actor: Actor, query: AuditQuery) -> list[AuditEvent]:
    """The rows of an export (at most ``EXPORT_LIMIT``); the export itself is audited."""
    check_reader(actor)
    rows = list(audit_repo.all_matching(session, scoped(actor, query), EXPORT_LIMIT))
    record(
        session,
        actor,
        "export",
        "audit",
        None,
        summary=f"导出审计日志 {len(rows)} 条",
        after={
            k: v
            for k, v in {
                "actor": query.actor,
                "action": query.action,
                "entity": query.entity,
                "from": query.start,
                "to": query.end,
                "rows": len(rows),
            }.items()
            if v is not None
        },
    )
    return rows


def verify_chain(
    session: Session,
    actor: Actor,
    *,
    batch_size: int = chain.BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> chain.ChainReport:
    """Check the hash chain of the whole trail (a read: not itself recorded)."""
    check_reader(actor)
    if actor.role is Role.SECURITY_ADMIN:
        raise Forbidden("只有审计员可以校验审计日志。")
    return chain.walk(session, batch_size=max(batch_size, 1), on_batch=on_batch)


def record_verification(session: Session, actor: Actor, report: chain.ChainReport) -> AuditEvent:
    """Record a verification run (the CLI does, as an operator action outside the web sign-in)."""
    if report.ok:
        summary = f"校验审计日志：{report.checked} 条，完整"
    else:
        ids = "、".join(str(p.id) for p in report.problems[:10])
        summary = f"校验审计日志：{report.checked} 条，{len(report.problems)} 条异常（编号 {ids}）"
    return record(
        session,
        actor,
        "verify",
        "audit",
        None,
        summary=summary,
        after={
            "ok": report.ok,
            "checked": report.checked,
            "erased": report.erased,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
            "problem_ids": [p.id for p in report.problems],
        },
    )
