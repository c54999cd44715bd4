"""Audit readers see a pseudonym, not the name, of an account that was anonymised (PIPL 47;
checklist PI-06): in the rows it acted in and in the rows about it.

The deletion erases the person's name and text from the stored rows
(``audit.service.erase_subject``; the hash chain keeps verifying); the pseudonym is also applied
wherever rows are read (the audit API, page and exports), so rows about the account that the
erasure did not select still show it by pseudonym.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.privacy import repository as privacy_repo
from shuanggao.privacy.pseudonym import pseudonym


@dataclass(frozen=True)
class Shown:
    actor_name: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _subject(e: AuditEvent) -> int | None:
    """The account a ``users`` row is about."""
    if e.entity == "users" and e.entity_id is not None and e.entity_id.isdigit():
        return int(e.entity_id)
    return None


def shown(session: Session, secret_key: str, events: Sequence[AuditEvent]) -> dict[int, Shown]:
    """``{event id: what a reader sees}`` with anonymised people replaced by their pseudonym."""
    ids: set[int] = {e.actor_user_id for e in events if e.actor_user_id is not None}
    ids |= {s for s in (_subject(e) for e in events) if s is not None}
    gone = privacy_repo.anonymised_users(session, sorted(ids))
    out: dict[int, Shown] = {}
    for e in events:
        name = e.actor_name
        if e.actor_user_id is not None and e.actor_user_id in gone:
            name = pseudonym(secret_key, e.actor_user_id)
        subject = _subject(e)
        if subject is not None and subject in gone and e.action != "anonymise":
            alias = pseudonym(secret_key, subject)
            out[e.id] = Shown(name, f"（已匿名化的账号 {alias}）", None, None)
        else:
            out[e.id] = Shown(name, e.summary, e.before, e.after)
    return out
