"""Queries of conflict-of-interest declarations and of the accounts and enterprises they name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, column, or_, select, table
from sqlalchemy.orm import Session, selectinload

from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.enterprises.models import Enterprise

# The accounts table (a sibling layer), named: tests/conflicts/test_rules.py checks the names.
USERS = table(
    "app_user",
    column("id"),
    column("role"),
    column("university_id"),
    column("enterprise_id"),
    column("is_active"),
)

DECLARATION_LOAD = (selectinload(ConflictDeclaration.enterprise),)


@dataclass(frozen=True)
class Person:
    id: int
    role: str
    university_id: int | None
    enterprise_id: int | None


def people(session: Session, user_ids: Collection[int]) -> dict[int, Person]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(USERS.c.id, USERS.c.role, USERS.c.university_id, USERS.c.enterprise_id).where(
            USERS.c.id.in_(list(user_ids))
        )
    )
    return {int(r[0]): Person(int(r[0]), str(r[1]), r[2], r[3]) for r in rows}


def active_declarations(
    session: Session, user_ids: Collection[int], since: dt.date, today: dt.date
) -> list[ConflictDeclaration]:
    """Declarations of these users in force on ``today`` or ended on or after ``since``."""
    if not user_ids:
        return []
    stmt = (
        select(ConflictDeclaration)
        .where(ConflictDeclaration.user_id.in_(list(user_ids)))
        .where(or_(ConflictDeclaration.to_date.is_(None), ConflictDeclaration.to_date >= since))
        .where(or_(ConflictDeclaration.from_date.is_(None), ConflictDeclaration.from_date <= today))
        .options(*DECLARATION_LOAD)
        .order_by(ConflictDeclaration.id)
    )
    return list(session.scalars(stmt))


def enterprises_by_id(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """id → (name, credit code)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.credit_code).where(
            Enterprise.id.in_(list(ids))
        )
    )
    return {int(r[0]): (str(r[1]), str(r[2])) for r in rows}


def enterprise_visible(session: Session, enterprise_id: int, scope: Any) -> bool:
    stmt = select(Enterprise.id).where(Enterprise.id == enterprise_id)
    if scope is not None:
        stmt = stmt.where(scope)
    return session.scalar(stmt) is not None


def declarations_of(
    session: Session, user_id: int, scope: ColumnElement[bool] | None = None
) -> list[ConflictDeclaration]:
    stmt = (
        select(ConflictDeclaration)
        .where(ConflictDeclaration.user_id == user_id)
        .options(*DECLARATION_LOAD)
        .order_by(ConflictDeclaration.id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt))


def user_id_by_username(session: Session, username: str) -> int | None:
    users = table("app_user", column("id"), column("username"))
    found = session.scalar(select(users.c.id).where(users.c.username == username.strip().lower()))
    return None if found is None else int(found)


def username_of(session: Session, user_id: int) -> str | None:
    users = table("app_user", column("id"), column("username"))
    found = session.scalar(select(users.c.username).where(users.c.id == user_id))
    return None if found is None else str(found)
