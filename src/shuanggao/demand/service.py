"""Demand use cases beyond the generic register: triage, presentation with masking."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.demand import checklist, repository
from shuanggao.demand.errors import BadTransition
from shuanggao.demand.models import Demand, DemandTriage
from shuanggao.demand.policy import DemandPolicy, is_insider
from shuanggao.demand.registers import demands as demand_register
from shuanggao.demand.schemas import (
    TRIAGE_TRANSITIONS,
    DemandRead,
    TriageEntry,
    TriagePrompt,
    TriageState,
    TriageView,
)
from shuanggao.errors import Conflict, Forbidden, ValidationFailed, VersionRequired
from shuanggao.kit import service as kit

POLICY = DemandPolicy()
# Sending a need back to the enterprise says what it must add.
REASON_REQUIRED = frozenset({TriageState.REDIAGNOSE})


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
    """Move a demand through the triage workflow (待梳理 → 已凝练 / 需再诊断 / 长期攻关).

    The reader's ``version`` is required (428 without it, 409 when the demand changed since);
    sending a demand back (需再诊断) needs a reason. Every move is kept (``DemandTriage``) and
    audited; ``triage_note`` holds the latest reason."""
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    target = TriageState(TriageState.parse(state))
    demand = get_demand(session, actor, demand_id)
    if not POLICY.can_triage(actor, demand):
        raise Forbidden("只有需求所在高新区的管理员和省级管理员可以梳理需求。")
    if expected_version is None:
        raise VersionRequired(extra={"current_version": demand.version})
    if expected_version != demand.version:
        raise Conflict(extra={"current_version": demand.version})
    current = TriageState(demand.triage_state)
    if target not in TRIAGE_TRANSITIONS[current]:
        allowed = "、".join(s.label for s in TRIAGE_TRANSITIONS[current])
        raise BadTransition(
            f"需求当前为“{current.label}”，只能改为：{allowed}。",
            fields={"state": f"不能从“{current.label}”改为“{target.label}”"},
        )
    reason = (note or "").strip() or None
    if target in REASON_REQUIRED and reason is None:
        raise ValidationFailed(
            f"改为“{target.label}”时请填写原因，告诉企业需要补充什么。",
            fields={"note": "请填写原因"},
        )
    before: dict[str, Any] = {"triage_state": current.value, "triage_note": demand.triage_note}
    demand.triage_state = target.value
    if note is not None:
        demand.triage_note = reason
    demand.version += 1
    session.add(
        DemandTriage(
            demand_id=demand.id,
            from_state=current.value,
            to_state=target.value,
            triage_reason=reason,
            moved_by=actor.username,
            moved_by_user_id=actor.user_id,
            moved_role=actor.role.value,
            moved_at=utcnow(),
        )
    )
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


def may_see_reasons(actor: Actor, demand: Demand) -> bool:
    """Triage reasons are for the demand's owners (its zone, its enterprise) and those above."""
    return is_insider(actor, demand)


def triage_history(session: Session, actor: Actor, demand: Demand) -> list[TriageEntry]:
    """The demand's triage moves, oldest first; reasons hidden from readers outside its owners."""
    show = may_see_reasons(actor, demand)
    out: list[TriageEntry] = []
    for row in repository.triage_moves(session, demand.id):
        out.append(
            TriageEntry(
                from_state=TriageState(row.from_state),
                to_state=TriageState(row.to_state),
                reason=row.triage_reason if show else None,
                moved_by=row.moved_by,
                moved_role=row.moved_role,
                moved_at=row.moved_at,
            )
        )
    return out


def triage_view(session: Session, actor: Actor, demand_id: int) -> TriageView:
    """A demand's triage as ``actor`` sees it: state, the moves allowed, checklist, history."""
    demand, choices = triage_choices(session, actor, demand_id)
    prompts = checklist.prompts_for(demand)
    return TriageView(
        demand_id=demand.id,
        title=demand.title,
        triage_state=TriageState(demand.triage_state),
        version=demand.version,
        choices=choices,
        prompts=[
            TriagePrompt(code=p.code, field=p.field, label=p.label, text=p.text) for p in prompts
        ],
        vague=checklist.is_vague(prompts),
        history=triage_history(session, actor, demand),
    )


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
