"""Queries of enterprises and enterprise services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, select, table
from sqlalchemy.orm import Session, selectinload

from shuanggao.enterprises.models import Enterprise, EnterpriseService
from shuanggao.pairings.models import Pairing

# The projects' link table, named rather than imported: projects sit above enterprises in the
# layers (docs/architecture.md). ``tests/enterprises/test_named_tables.py`` keeps it in step.
PROJECT_ENTERPRISE = table("project_enterprise", column("project_id"), column("enterprise_id"))
PROJECT = table("project", column("id"), column("university_id"))

ENTERPRISE_LOAD = (selectinload(Enterprise.zone),)
SERVICE_LOAD = (
    selectinload(EnterpriseService.enterprise),
    selectinload(EnterpriseService.zone),
    selectinload(EnterpriseService.university),
    # Exports name the pairing as 高新区（批次）.
    selectinload(EnterpriseService.pairing).selectinload(Pairing.zone),
)


def enterprise_id_by_code_or_name(session: Session, text: str) -> int | None:
    """By 统一社会信用代码, else by name when exactly one enterprise has it."""
    code = "".join(text.split()).upper()
    found = session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code))
    if found is not None:
        return int(found)
    ids = list(
        session.scalars(select(Enterprise.id).where(Enterprise.name == text.strip()).limit(2))
    )
    return int(ids[0]) if len(ids) == 1 else None


def enterprise_file_name(session: Session, enterprise_id: int) -> str | None:
    """How a file or form names the enterprise: its name, or its 统一社会信用代码 when another
    enterprise has the same name (``enterprise_id_by_code_or_name`` reads either back)."""
    row = session.execute(
        select(Enterprise.name, Enterprise.credit_code).where(Enterprise.id == enterprise_id)
    ).one_or_none()
    if row is None:
        return None
    same_name = session.scalar(select(func.count()).where(Enterprise.name == row.name))
    return str(row.name) if same_name == 1 or not row.credit_code else str(row.credit_code)


def get_enterprise(session: Session, enterprise_id: Any) -> Enterprise | None:
    return session.get(Enterprise, enterprise_id)


def enterprise_in_scope(
    session: Session, enterprise_id: Any, scope: ColumnElement[bool] | None
) -> Enterprise | None:
    stmt = select(Enterprise).where(Enterprise.id == enterprise_id)
    if scope is not None:
        stmt = stmt.where(scope)
    return session.scalars(stmt).one_or_none()


def enterprise_ids_served_by(university_id: int) -> Any:
    """Subquery: enterprises a university has served."""
    return select(EnterpriseService.enterprise_id).where(
        EnterpriseService.university_id == university_id
    )


def get_pairing(session: Session, pairing_id: Any) -> Pairing | None:
    stmt = select(Pairing).where(Pairing.id == pairing_id).options(selectinload(Pairing.members))
    return session.scalars(stmt).one_or_none()


def count_served(
    session: Session,
    scope: ColumnElement[bool] | None,
    as_of: dt.date,
    zone_id: int | None,
) -> tuple[int, int]:
    """(distinct enterprises served, service records) on or before ``as_of``."""
    stmt = select(
        func.count(func.distinct(EnterpriseService.enterprise_id)),
        func.count(EnterpriseService.id),
    ).where(EnterpriseService.service_date <= as_of)
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(EnterpriseService.zone_id == zone_id)
    enterprises, services = session.execute(stmt).one()
    return int(enterprises), int(services)


def enterprise_ids_in_projects_of(university_id: int) -> Select[Any]:
    """Subquery: the enterprises taking part in the university's projects."""
    return (
        select(PROJECT_ENTERPRISE.c.enterprise_id)
        .join(PROJECT, PROJECT.c.id == PROJECT_ENTERPRISE.c.project_id)
        .where(PROJECT.c.university_id == university_id)
    )


def enterprises_by_phone_hash(
    session: Session, phone_hash: str, scope: ColumnElement[bool] | None
) -> list[Enterprise]:
    """Enterprises whose contact phone has this blind index (one indexed equality)."""
    stmt = select(Enterprise).where(Enterprise.phone_hash == phone_hash).order_by(Enterprise.id)
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt.limit(50)))
