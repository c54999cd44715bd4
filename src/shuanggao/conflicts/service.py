"""Use cases of conflicts of interest beyond the register's CRUD: a researcher's own overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.conflicts import repository as repo
from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.conflicts.policy import DECLARATION_POLICY
from shuanggao.conflicts.rules import Conflict, conflicts_for_user
from shuanggao.errors import Forbidden

DECLARERS = frozenset({Role.RESEARCHER, Role.MENTOR})


@dataclass
class MyConflicts:
    declarations: list[ConflictDeclaration]
    # The ties in force now (declared and same-organisation) that matches and schedules use.
    in_force: list[Conflict]


def my_conflicts(session: Session, actor: Actor) -> MyConflicts:
    """The signed-in researcher's declarations and the ties in force today."""
    if actor.role not in DECLARERS or actor.user_id is None:
        raise Forbidden("仅科研人员（含导师）本人可查看和申报利益冲突。")
    rows = repo.declarations_of(session, actor.user_id, DECLARATION_POLICY.read_filter(actor))
    return MyConflicts(rows, conflicts_for_user(session, actor.user_id))
