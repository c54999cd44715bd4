"""Demand use cases beyond the generic register: triage, presentation with masking."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.demand.errors import BadTransition
from shuanggao.demand.models import Demand
from shuanggao.demand.policy import DemandPolicy
from shuanggao.demand.registers import demands as demand_register
from shuanggao.demand.schemas import TRIAGE_TRANSITIONS, DemandRead, TriageState
from shuanggao.errors import Conflict, Forbidden
from shuanggao.kit import service as kit

POLICY = DemandPolicy()


def present(demand: Demand, actor: Actor) -> DemandRead:
    """The demand as ``actor`` may see it (an anonymous demand's enterprise masked)."""
    out = demand_register.present(demand, actor)
    assert isinstance(out, DemandRead)
    return out


def get_demand(session: Session, actor: Actor, demand_id: int) -> Demand:
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    return demand


def triage_demand(
    session: Session,
    actor: Actor,
    demand_id: int,
    state: TriageState | str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Demand:
    """Move a demand through the triage workflow (待梳理 → 已凝练 / 需再诊断 / 长期攻关)."""
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    target = TriageState(TriageState.parse(state))
    demand = get_demand(session, actor, demand_id)
    if not POLICY.can_triage(actor, demand):
        raise Forbidden("只有需求所在高新区的管理员和省级管理员可以梳理需求。")
    if expected_version is not None and expected_version != demand.version:
        raise Conflict(extra={"current_version": demand.version})
    current = TriageState(demand.triage_state)
    if target not in TRIAGE_TRANSITIONS[current]:
        allowed = "、".join(s.label for s in TRIAGE_TRANSITIONS[current])
        raise BadTransition(
            f"需求当前为“{current.label}”，只能改为：{allowed}。",
            fields={"state": f"不能从“{current.label}”改为“{target.label}”"},
        )
    before: dict[str, Any] = {"triage_state": current.value, "triage_note": demand.triage_note}
    demand.triage_state = target.value
    if note is not None:
        demand.triage_note = note.strip() or None
    demand.version += 1
    session.flush()
    audit.record(
        session,
        actor,
        "triage",
        demand_register.name,
        demand.id,
        summary=f"梳理产业需求：{demand.title}（{current.label} → {target.label}）",
        before=before,
        after={"triage_state": target.value, "triage_note": demand.triage_note},
    )
    return demand


def triage_choices(
    session: Session, actor: Actor, demand_id: int
) -> tuple[Demand, list[TriageState]]:
    """The states ``actor`` may move the demand to now (none when they may not triage it)."""
    demand = get_demand(session, actor, demand_id)
    if actor.role is Role.AUDITOR or not POLICY.can_triage(actor, demand):
        return demand, []
    current = TriageState(demand.triage_state)
    order = list(TriageState)
    return demand, sorted(TRIAGE_TRANSITIONS[current], key=order.index)
