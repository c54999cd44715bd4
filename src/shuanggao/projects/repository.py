"""Queries of projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from shuanggao.enterprises.models import Enterprise
from shuanggao.pairings.models import Pairing
from shuanggao.projects.models import Project, ProjectEnterprise

PROJECT_LOAD = (
    selectinload(Project.zone),
    selectinload(Project.university),
    selectinload(Project.participants).selectinload(ProjectEnterprise.enterprise),
    # Exports name the pairing as 高新区（批次）.
    selectinload(Project.pairing).selectinload(Pairing.zone),
)


def project_ids_with_enterprise(enterprise_id: int) -> Any:
    """Subquery: projects an enterprise takes part in."""
    return select(ProjectEnterprise.project_id).where(
        ProjectEnterprise.enterprise_id == enterprise_id
    )


def visible_enterprise_ids(
    session: Session, ids: Sequence[int], scope: ColumnElement[bool] | None
) -> set[int]:
    stmt = select(Enterprise.id).where(Enterprise.id.in_(list(ids)))
    if scope is not None:
        stmt = stmt.where(scope)
    return set(session.scalars(stmt))
