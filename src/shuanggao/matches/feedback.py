"""Stored matches: who may judge a recommendation, its feedback states and their counts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.demand.models import Demand
from shuanggao.errors import Forbidden, NotFound, ValidationFailed
from shuanggao.matches import repository as repo
from shuanggao.matches.errors import BadStateChange
from shuanggao.matches.filters import university_of
from shuanggao.matches.models import Match
from shuanggao.matches.results import DEMAND_POLICY, SUPPLY_POLICY, Hit
from shuanggao.matches.schemas import (
    STATE_TRANSITIONS,
    FeedbackCounts,
    MatchState,
)
from shuanggao.supply.models import SupplyItem

# ---------------------------------------------------------------------------------------------
# Stored matches: feedback
# ---------------------------------------------------------------------------------------------


def _can_read_both(session: Session, actor: Actor, match: Match) -> bool:
    if actor.sees_everything:
        return True
    if not SUPPLY_POLICY.can_read(actor, match.supply_item):
        return False
    uid = university_of(actor)
    paired = frozenset(repo.paired_zone_ids(session, uid)) if uid is not None else frozenset()
    return DEMAND_POLICY.can_read(actor, match.demand, paired)


def can_judge(actor: Actor, demand: Demand, item: SupplyItem) -> bool:
    """The demand's side (its zone, its enterprise) or the item's side (its university's
    administration, the researcher who owns it), and the province, judge a recommendation."""
    if actor.role is Role.AUDITOR:
        return False
    return actor.is_province or on_demand_side(actor, demand) or on_supply_side(actor, item)


def on_demand_side(actor: Actor, demand: Demand) -> bool:
    if actor.role is Role.ZONE_ADMIN:
        return actor.zone_id is not None and demand.zone_id == actor.zone_id
    if actor.role is Role.ENTERPRISE_USER:
        return actor.enterprise_id is not None and demand.enterprise_id == actor.enterprise_id
    return False


def on_supply_side(actor: Actor, item: SupplyItem) -> bool:
    if actor.role is Role.UNIVERSITY_ADMIN:
        return actor.university_id is not None and item.university_id == actor.university_id
    if actor.role is Role.RESEARCHER:
        return (
            actor.university_id == item.university_id
            and actor.user_id is not None
            and item.owner_user_id == actor.user_id
        )
    return False


def get_match(session: Session, actor: Actor, match_id: int) -> Match:
    match = repo.get_with_sides(session, match_id)
    if match is None or not _can_read_both(session, actor, match):
        raise NotFound()
    return match


def change_state(
    session: Session,
    actor: Actor,
    match_id: int,
    state: MatchState | str,
    *,
    reason: str | None = None,
) -> Match:
    """Record feedback on a recommendation: 已查看, 有意向, or 不相关 with a reason."""
    target = MatchState(MatchState.parse(state))
    match = get_match(session, actor, match_id)
    if not can_judge(actor, match.demand, match.supply_item):
        raise Forbidden("只有需求方（高新区、企业）或供给方（高校、成果负责人）可以反馈匹配结果。")
    current = MatchState(match.state)
    if target not in STATE_TRANSITIONS[current]:
        raise BadStateChange(
            f"该匹配当前为“{current.label}”，不能改为“{target.label}”。",
            fields={"state": f"不能从“{current.label}”改为“{target.label}”"},
        )
    text = (reason or "").strip() or None
    if target is MatchState.DISMISSED and text is None:
        raise ValidationFailed(fields={"reason": "标记为不相关时请填写原因"})
    before = {"state": current.value, "state_reason": match.state_reason}
    match.state = target.value
    match.state_reason = text if target in (MatchState.DISMISSED, MatchState.INTERESTED) else None
    match.state_changed_at = utcnow()
    match.state_changed_by = actor.username
    match.version += 1
    session.flush()
    audit.record(
        session,
        actor,
        "match_feedback",
        "matches",
        match.id,
        summary=f"匹配反馈：{match.demand.title} × {match.supply_item.title}（{target.label}）",
        before=before,
        after={"state": match.state, "state_reason": match.state_reason},
    )
    return match


def mark_viewed(session: Session, actor: Actor, hits: Sequence[Hit]) -> int:
    """Recommendations now seen by the side they were made for move from 推荐 to 已查看:
    supply items shown to the demand's side, demands shown to the item's side."""
    n = 0
    for hit in hits:
        match = hit.match
        if match is None or hit.pair is None or match.state != MatchState.RECOMMENDED.value:
            continue
        demand, item = hit.pair
        seen_by_owner = (
            on_demand_side(actor, demand)
            if hit.kind == "supply_item"
            else on_supply_side(actor, item)
        )
        if not seen_by_owner:
            continue
        match.state = MatchState.VIEWED.value
        match.state_changed_at = utcnow()
        match.state_changed_by = actor.username
        match.version += 1
        n += 1
    if n:
        session.flush()
    return n


def feedback_counts(
    session: Session,
    actor: Actor,
    *,
    zone_id: int | None = None,
    demand_id: int | None = None,
) -> FeedbackCounts:
    """Counts of recommendations by state (and of dismissal reasons) that the actor may see."""
    d_scope = DEMAND_POLICY.read_filter(actor)
    s_scope = SUPPLY_POLICY.read_filter(actor)
    by_state = repo.state_counts(session, d_scope, s_scope, zone_id=zone_id, demand_id=demand_id)
    reasons = repo.dismiss_reason_counts(
        session, d_scope, s_scope, zone_id=zone_id, demand_id=demand_id
    )
    full = {s.value: by_state.get(s.value, 0) for s in MatchState}
    return FeedbackCounts(total=sum(full.values()), by_state=full, dismiss_reasons=reasons)
