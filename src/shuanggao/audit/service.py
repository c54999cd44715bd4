"""Writing audit events. Every service write calls ``record``; nothing here commits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor
from shuanggao.audit import guard as _guard  # noqa: F401  (installs the append-only ORM guard)
from shuanggao.audit.models import AuditEvent

# Never logged in clear: secrets, and personal identifiers beyond a masked form.
SECRET_KEYS = frozenset({"password", "password_hash", "token", "totp_secret", "secret", "csrf"})
MASKED_KEYS = frozenset({"phone", "mobile", "id_number", "id_card", "email"})
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
        return _LONG_DIGITS.sub(lambda m: _mask(m.group(0)), value)
    return value


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
) -> AuditEvent:
    event = AuditEvent(
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        actor_role=str(actor.role),
        ip=actor.ip,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        summary=summary[:500],
        before=sanitize(before),
        after=sanitize(after),
    )
    session.add(event)
    return event
