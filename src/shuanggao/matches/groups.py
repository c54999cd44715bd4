"""Saved duplicate groups (合并需求组): a broker saves needs one solution can serve as a named
group, adds and removes needs, and dissolves it.

Who: a zone's administrators keep their zone's groups (each must hold one of the zone's needs);
the province keeps any, across zones; auditors read. Every change needs the version the broker
read (428 without, 409 when stale) and is audited. A group lists its needs through the demand
policy: a need the reader may not read is shown as 某企业（保密）, without title or zone, and an
anonymous need's enterprise stays 匿名企业 (``demand_owner``) — a group never tells a reader
more about a firm than the need itself would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.demand import repository as demand_repo
from shuanggao.demand import service as demand_service
from shuanggao.demand.models import Demand
from shuanggao.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionRequired
from shuanggao.matches import group_repository as repo
from shuanggao.matches.group_schemas import (
    MAX_MEMBERS,
    GroupCreate,
    GroupList,
    GroupMember,
    GroupOut,
    GroupUpdate,
)
from shuanggao.matches.models import DemandGroup, DemandGroupMember
from shuanggao.matches.results import DEMAND_POLICY
from shuanggao.matches.search import demand_owner
from shuanggao.matches.triage import broker_zone
from shuanggao.zones.rules import check_zone

ENTITY = "demand_groups"
HIDDEN_LABEL = "某企业（保密）"


def _check_writer(actor: Actor) -> None:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    if actor.is_province:
        return
    if actor.role is not Role.ZONE_ADMIN or actor.zone_id is None:
        raise Forbidden("合并需求组由高新区管理员和省级管理员维护。")


def may_edit(actor: Actor, group: DemandGroup) -> bool:
    if actor.role is Role.AUDITOR:
        return False
    if actor.is_province:
        return True
    return (
        actor.role is Role.ZONE_ADMIN
        and actor.zone_id is not None
        and (group.zone_id == actor.zone_id)
    )


def _may_read(actor: Actor, group: DemandGroup) -> bool:
    """Brokers: the province and auditors every group; a zone its own and those holding one of
    its needs."""
    if actor.sees_everything:
        return True
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return group.zone_id == actor.zone_id or any(
            m.demand.zone_id == actor.zone_id for m in group.members
        )
    return False


def _paired_zones(session: Session, actor: Actor) -> frozenset[int]:
    if actor.university_id is None:
        return frozenset()
    return demand_repo.paired_zones_of_university(session, actor.university_id)


def _member(actor: Actor, demand: Demand, paired: frozenset[int]) -> GroupMember:
    if not DEMAND_POLICY.can_read(actor, demand, paired):
        return GroupMember(
            demand_id=None,
            title=None,
            zone_name=None,
            owner=HIDDEN_LABEL,
            visibility=None,
            triage_state=None,
            hidden=True,
        )
    return GroupMember(
        demand_id=demand.id,
        title=demand.title,
        zone_name=demand.zone.name,
        owner=demand_owner(demand, actor),
        visibility=demand.visibility,
        triage_state=demand.triage_state,
    )


def present(session: Session, actor: Actor, group: DemandGroup) -> GroupOut:
    paired = _paired_zones(session, actor)
    members = [_member(actor, m.demand, paired) for m in group.members]
    # Hidden needs last, so a reader's own needs lead and nothing is told by position.
    members.sort(key=lambda m: (m.hidden, m.demand_id or 0))
    zone = next((m.demand.zone for m in group.members if m.demand.zone_id == group.zone_id), None)
    return GroupOut(
        id=group.id,
        name=group.name,
        note=group.note,
        zone_id=group.zone_id,
        zone_name=zone.name if zone is not None else None,
        version=group.version,
        created_by=group.created_by,
        updated_at=group.updated_at,
        members=members,
        can_edit=may_edit(actor, group),
    )


def _readable(session: Session, actor: Actor, ids: Iterable[int], field: str) -> list[Demand]:
    """The needs ``ids`` (all of them readable by ``actor``, else 422 naming the others)."""
    wanted = sorted(set(ids))
    found = demand_repo.list_by_ids(session, wanted, DEMAND_POLICY.read_filter(actor))
    missing = sorted(set(wanted) - {d.id for d in found})
    if missing:
        listed = "、".join(f"#{i}" for i in missing[:10])
        raise ValidationFailed(fields={field: f"以下需求不存在或您无权查看：{listed}"})
    return found


def _check_members(actor: Actor, zone_id: int | None, demands: list[Demand]) -> None:
    if len(demands) < 2:
        raise ValidationFailed(
            "合并需求组至少需要两条需求；若不再需要，请解散该组。",
            fields={"demand_ids": "至少需要两条需求"},
        )
    if len(demands) > MAX_MEMBERS:
        raise ValidationFailed(fields={"demand_ids": f"一个组最多 {MAX_MEMBERS} 条需求"})
    if zone_id is not None and not any(d.zone_id == zone_id for d in demands):
        raise ValidationFailed(
            "高新区的合并需求组须包含本高新区的需求。",
            fields={"demand_ids": "须包含本高新区的需求"},
        )


def _snapshot(group: DemandGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "note": group.note,
        "zone_id": group.zone_id,
        "demand_ids": sorted(m.demand_id for m in group.members),
    }


def list_groups(session: Session, actor: Actor, zone_id: int | None = None) -> GroupList:
    zone = broker_zone(actor, zone_id)
    found = repo.groups_of_zone(session, zone) if zone is not None else repo.all_groups(session)
    return GroupList(
        zone_id=zone, groups=[present(session, actor, g) for g in found if _may_read(actor, g)]
    )


def get_group(session: Session, actor: Actor, group_id: int) -> DemandGroup:
    group = repo.group_by_id(session, group_id)
    if group is None or not _may_read(actor, group):
        raise NotFound()
    return group


def groups_of_demand(session: Session, actor: Actor, demand_id: int) -> list[GroupOut]:
    """The saved groups holding a need, for its page (404 when the need is not readable)."""
    demand_service.get_demand(session, actor, demand_id)
    return [present(session, actor, g) for g in repo.groups_of_demand(session, demand_id)]


def create_group(session: Session, actor: Actor, payload: GroupCreate) -> DemandGroup:
    _check_writer(actor)
    if actor.is_province:
        zone_id = payload.zone_id
        if zone_id is not None:
            check_zone(session, zone_id)
    else:
        if payload.zone_id not in (None, actor.zone_id):
            raise Forbidden("您只能为本高新区保存合并需求组。")
        zone_id = actor.zone_id
    demands = _readable(session, actor, payload.demand_ids, "demand_ids")
    _check_members(actor, zone_id, demands)
    now = utcnow()
    group = DemandGroup(
        name=payload.name,
        note=payload.note or None,
        zone_id=zone_id,
        created_by=actor.username,
        members=[
            DemandGroupMember(demand_id=d.id, added_by=actor.username, added_at=now)
            for d in demands
        ],
    )
    session.add(group)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        ENTITY,
        group.id,
        summary=f"保存合并需求组：{group.name}（{len(demands)} 条需求）",
        after=_snapshot(group),
    )
    return _reload(session, group.id)


def _reload(session: Session, group_id: int) -> DemandGroup:
    session.expire_all()
    group = repo.group_by_id(session, group_id)
    assert group is not None
    return group


def _editable(session: Session, actor: Actor, group_id: int, version: int | None) -> DemandGroup:
    _check_writer(actor)
    group = get_group(session, actor, group_id)
    if not may_edit(actor, group):
        raise Forbidden("您只能修改本高新区的合并需求组。")
    if version is None:
        raise VersionRequired(extra={"current_version": group.version})
    if version != group.version:
        raise Conflict(extra={"current_version": group.version})
    return group


def update_group(
    session: Session, actor: Actor, group_id: int, payload: GroupUpdate
) -> DemandGroup:
    """Rename, re-note, add and remove needs in one versioned change."""
    group = _editable(session, actor, group_id, payload.version)
    before = _snapshot(group)
    current = {m.demand_id for m in group.members}
    added = _readable(session, actor, set(payload.add) - current, "add")
    removed = set(payload.remove) & current
    kept = [m.demand for m in group.members if m.demand_id not in removed]
    _check_members(actor, group.zone_id, [*kept, *added])
    if payload.name is not None:
        group.name = payload.name
    if payload.note is not None:
        group.note = payload.note or None
    now = utcnow()
    for member in [m for m in group.members if m.demand_id in removed]:
        group.members.remove(member)
    for demand in added:
        group.members.append(
            DemandGroupMember(demand_id=demand.id, added_by=actor.username, added_at=now)
        )
    after = _snapshot(group)
    if after == before:
        return group
    group.updated_at = now  # the group row changes: its version moves on
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        ENTITY,
        group.id,
        summary=f"修改合并需求组：{group.name}（{len(after['demand_ids'])} 条需求）",
        before=before,
        after=after,
    )
    return _reload(session, group.id)


def dissolve_group(session: Session, actor: Actor, group_id: int, version: int | None) -> None:
    group = _editable(session, actor, group_id, version)
    before = _snapshot(group)
    session.delete(group)
    session.flush()
    audit.record(
        session,
        actor,
        "dissolve",
        ENTITY,
        group_id,
        summary=f"解散合并需求组：{before['name']}",
        before=before,
    )
