"""Who reads and writes conflict-of-interest declarations.

Declarations are personal data (shareholdings, relatives). A researcher reads and writes only
their own; the administrators of the researcher's university read them (to check schedules and
matches); the province reads and writes all; auditors read all. Nobody else sees them — not the
zones, not the enterprises named in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, false

from shuanggao.actor import Actor, Role
from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.kit.policy import Policy

# Who reads a declaration's reason wherever a conflict is flagged (a match list, a schedule).
REASON_READERS = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR, Role.UNIVERSITY_ADMIN})


class DeclarationPolicy(Policy):
    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.sees_everything:
            return None
        if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
            return ConflictDeclaration.university_id == actor.university_id
        if actor.role is Role.RESEARCHER and actor.user_id is not None:
            return ConflictDeclaration.user_id == actor.user_id
        return false()

    def _own(self, actor: Actor, user_id: Any) -> bool:
        return (
            actor.role is Role.RESEARCHER
            and actor.user_id is not None
            and (user_id == actor.user_id)
        )

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        if actor.is_province:
            return True
        # A researcher declares for themselves (``user_id`` omitted or their own).
        return self._own(actor, values.get("user_id") or actor.user_id)

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        return actor.is_province or self._own(actor, obj.user_id)

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province or self._own(actor, values.get("user_id"))


DECLARATION_POLICY = DeclarationPolicy()


def sees_reason(actor: Actor, user_id: int | None, university_id: int | None) -> bool:
    """May ``actor`` read why the researcher ``user_id`` (of ``university_id``) conflicts?"""
    if actor.sees_everything:
        return True
    if actor.role is Role.RESEARCHER:
        return user_id is not None and actor.user_id == user_id
    return (
        actor.role is Role.UNIVERSITY_ADMIN
        and university_id is not None
        and actor.university_id == university_id
    )
