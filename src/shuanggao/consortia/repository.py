"""Queries of consortia."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from shuanggao.consortia.models import (
    Consortium,
    ConsortiumEnterprise,
    ConsortiumProject,
    ConsortiumUniversity,
)
from shuanggao.projects.models import Project

CONSORTIUM_LOAD = (
    selectinload(Consortium.zone),
    selectinload(Consortium.lead_enterprise),
    selectinload(Consortium.member_enterprises).selectinload(ConsortiumEnterprise.enterprise),
    selectinload(Consortium.member_universities).selectinload(ConsortiumUniversity.university),
    selectinload(Consortium.member_projects).selectinload(ConsortiumProject.project),
)


def ids_with_university(university_id: int) -> Any:
    return select(ConsortiumUniversity.consortium_id).where(
        ConsortiumUniversity.university_id == university_id
    )


def ids_with_enterprise(enterprise_id: int) -> Any:
    members = select(ConsortiumEnterprise.consortium_id).where(
        ConsortiumEnterprise.enterprise_id == enterprise_id
    )
    return select(Consortium.id).where(
        or_(Consortium.lead_enterprise_id == enterprise_id, Consortium.id.in_(members))
    )


def project_ids_not_in_zone(session: Session, ids: list[int], zone_id: Any) -> list[int]:
    if not ids:
        return []
    found = {
        int(i)
        for i in session.scalars(
            select(Project.id).where(Project.id.in_(ids), Project.zone_id == zone_id)
        )
    }
    return [i for i in ids if i not in found]


def project_id_by_title(session: Session, title: str) -> int | None:
    found = session.scalars(select(Project.id).where(Project.title == title.strip())).first()
    return None if found is None else int(found)


def project_title(session: Session, project_id: int) -> str | None:
    found = session.scalar(select(Project.title).where(Project.id == project_id))
    return None if found is None else str(found)


def add_project(session: Session, consortium_id: int, project_id: int) -> None:
    exists = session.get(ConsortiumProject, (consortium_id, project_id))
    if exists is None:
        session.add(ConsortiumProject(consortium_id=consortium_id, project_id=project_id))
        session.flush()
