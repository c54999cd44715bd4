"""What reaching 签订合同 or 立项 does: the joint R&D project, created or linked, with its origin;
and the project filed under the collaboration's consortium."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.consortia import repository as consortia_repo
from shuanggao.consortia.models import Consortium
from shuanggao.consortia.registers import consortia as consortium_register
from shuanggao.demand.models import Demand
from shuanggao.errors import ValidationFailed
from shuanggao.kit import service as kit
from shuanggao.pipeline.models import Collaboration
from shuanggao.projects.models import Project
from shuanggao.projects.registers import projects as project_register
from shuanggao.projects.schemas import ProjectKind
from shuanggao.supply.models import SupplyItem

# demand.schemas.CooperationMode value → the project kind it becomes.
KIND_BY_MODE = {
    "development": ProjectKind.JOINT_RESEARCH,
    "transfer": ProjectKind.TRANSFER,
    "license": ProjectKind.TRANSFER,
    "consulting": ProjectKind.TECHNICAL_SERVICE,
    "platform": ProjectKind.JOINT_LAB,
}


def _origin(project: Project, c: Collaboration) -> None:
    if project.origin is None:
        project.origin = c.origin
        project.origin_collaboration_id = c.id
        project.origin_match_id = c.match_id
        project.origin_meeting_id = c.meeting_id


def _unique_title(session: Session, c: Collaboration, title: str) -> str:
    found = kit.list_all_records(
        session, Actor.system(), project_register, filters={"zone_id": c.zone_id}
    )
    titles = {p.title for p in found}
    return title if title not in titles else f"{title}（对接#{c.id}）"[:300]


def ensure_project(
    session: Session, actor: Actor, c: Collaboration, day: dt.date, project_id: int | None
) -> None:
    """Link ``project_id`` (visible to the actor, same zone and university) or, when the
    collaboration has none yet, create the project in the register (audited there)."""
    if project_id is not None:
        project: Project = kit.get_record(session, actor, project_register, project_id)
        if project.zone_id != c.zone_id or project.university_id != c.university_id:
            raise ValidationFailed(fields={"project_id": "项目须属于该对接的高新区和高校"})
        c.project_id = project.id
        _origin(project, c)
    elif c.project_id is None:
        demand = session.get(Demand, c.demand_id)
        item = session.get(SupplyItem, c.supply_item_id)
        assert demand is not None and item is not None
        kind = KIND_BY_MODE.get(demand.cooperation_mode, ProjectKind.JOINT_RESEARCH)
        values = {
            "title": _unique_title(session, c, demand.title),
            "zone_id": c.zone_id,
            "university_id": c.university_id,
            "pairing_id": c.pairing_id,
            "enterprise_ids": [c.enterprise_id],
            "kind": kind.value,
            "start_date": day,
            "status": "approved",
            "university_leader": item.owner_name,
            "description": f"由合作对接 #{c.id}（{c.title}）签订合同后生成。",
        }
        # The party that signed may not keep the projects register (an enterprise user): the
        # project is written by the system on its behalf, and audited under its name.
        system = Actor.system(f"{actor.username}（合作对接）")
        project = kit.create_record(session, system, project_register, values)
        c.project_id = project.id
        _origin(project, c)
    # The consortium was checked against its reader when it was linked; the party signing the
    # contract (an enterprise outside it) need not read it.
    link_consortium_project(session, Actor.system(), c)
    session.flush()


def link_consortium_project(session: Session, actor: Actor, c: Collaboration) -> str | None:
    """File the collaboration's project under its consortium; the consortium's name."""
    if c.consortium_id is None:
        return None
    consortium: Consortium = kit.get_record(session, actor, consortium_register, c.consortium_id)
    if c.project_id is not None:
        consortia_repo.add_project(session, consortium.id, c.project_id)
    return consortium.name
