"""Stored matches: who may judge a recommendation, its feedback states and their counts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, false
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.demand.models import Demand
from shuanggao.errors import Forbidden, NotFound, ValidationFailed
from shuanggao.matches import repository as repo
from shuanggao.matches.errors import BadStateChange
from shuanggao.matches.filters import university_of
from shuanggao.matches.models import Match, MatchJudgement
from shuanggao.matches.results import DEMAND_POLICY, SUPPLY_POLICY, Hit
from shuanggao.matches.schemas import (
    STATE_TRANSITIONS,
    FeedbackCounts,
    JudgementRead,
    JudgementSide,
    MatchRead,
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


def judging_side(actor: Actor, demand: Demand, item: SupplyItem) -> JudgementSide | None:
    """The side ``actor`` judges a recommendation for (None: they may not judge it)."""
    if actor.role is Role.AUDITOR:
        return None
    if on_demand_side(actor, demand):
        return JudgementSide.DEMAND
    if on_supply_side(actor, item):
        return JudgementSide.SUPPLY
    if actor.is_province:
        return JudgementSide.PROVINCE
    return None


def may_see_reason(
    actor: Actor, judgement: MatchJudgement, demand: Demand, item: SupplyItem
) -> bool:
    """A judgement's free-text reason is for the side that gave it and the administrators above:
    the province (and auditors) see all; a zone's administrators see their demands' side; an
    enterprise sees its own users' reasons; a university's administrators see their items' side;
    a researcher sees their own."""
    if actor.sees_everything:
        return True
    side = judgement.side
    if side == JudgementSide.DEMAND.value:
        if actor.role is Role.ZONE_ADMIN:
            return on_demand_side(actor, demand)
        if actor.role is Role.ENTERPRISE_USER:
            return (
                on_demand_side(actor, demand)
                and judgement.judged_role == Role.ENTERPRISE_USER.value
            )
    if side == JudgementSide.SUPPLY.value:
        if actor.role is Role.UNIVERSITY_ADMIN:
            return on_supply_side(actor, item)
        if actor.role is Role.RESEARCHER:
            return on_supply_side(actor, item) and judgement.judged_role == Role.RESEARCHER.value
    return False


def visible_reasons(actor: Actor) -> ColumnElement[bool] | None:
    """SQL form of ``may_see_reason`` (None: every reason)."""
    if actor.sees_everything:
        return None
    demand_side = MatchJudgement.side == JudgementSide.DEMAND.value
    supply_side = MatchJudgement.side == JudgementSide.SUPPLY.value
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return and_(demand_side, Demand.zone_id == actor.zone_id)
    if actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
        return and_(
            demand_side,
            Demand.enterprise_id == actor.enterprise_id,
            MatchJudgement.judged_role == Role.ENTERPRISE_USER.value,
        )
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        return and_(supply_side, SupplyItem.university_id == actor.university_id)
    if actor.role is Role.RESEARCHER and actor.user_id is not None:
        return and_(
            supply_side,
            SupplyItem.university_id == actor.university_id,
            SupplyItem.owner_user_id == actor.user_id,
            MatchJudgement.judged_role == Role.RESEARCHER.value,
        )
    return false()


def summary_state(judgements: Sequence[MatchJudgement]) -> MatchState:
    """The match's state for lists and counts: 有意向 if any side is interested, else 不相关 if
    any side dismissed it, else 已查看 if any side looked, else 推荐."""
    states = {j.state for j in judgements}
    for state in (MatchState.INTERESTED, MatchState.DISMISSED, MatchState.VIEWED):
        if state.value in states:
            return state
    return MatchState.RECOMMENDED


def _judgement_of(match: Match, side: JudgementSide) -> MatchJudgement | None:
    return next((j for j in match.judgements if j.side == side.value), None)


def _judge(
    match: Match, actor: Actor, side: JudgementSide, state: MatchState, reason: str | None
) -> MatchJudgement:
    """Set ``side``'s judgement (created on first use) and the match's summary state."""
    judgement = _judgement_of(match, side)
    now = utcnow()
    if judgement is None:
        judgement = MatchJudgement(side=side.value)
        match.judgements.append(judgement)
    judgement.state = state.value
    judgement.reason = reason
    judgement.judged_by = actor.username
    judgement.judged_by_user_id = actor.user_id
    judgement.judged_role = actor.role.value
    judgement.judged_at = now
    match.state = summary_state(match.judgements).value
    match.state_reason = None
    match.state_changed_at = now
    match.state_changed_by = actor.username
    match.version += 1
    return judgement


def change_state(
    session: Session,
    actor: Actor,
    match_id: int,
    state: MatchState | str,
    *,
    reason: str | None = None,
) -> Match:
    """Record the actor's side's feedback on a recommendation: 已查看, 有意向, or 不相关 with a
    reason. The other sides' judgements are kept as they are."""
    target = MatchState(MatchState.parse(state))
    match = get_match(session, actor, match_id)
    side = judging_side(actor, match.demand, match.supply_item)
    if side is None:
        raise Forbidden("只有需求方（高新区、企业）或供给方（高校、成果负责人）可以反馈匹配结果。")
    mine = _judgement_of(match, side)
    current = MatchState(mine.state) if mine is not None else MatchState.RECOMMENDED
    if target not in STATE_TRANSITIONS[current]:
        raise BadStateChange(
            f"该匹配当前为“{current.label}”，不能改为“{target.label}”。",
            fields={"state": f"不能从“{current.label}”改为“{target.label}”"},
        )
    text = (reason or "").strip() or None
    if target is MatchState.DISMISSED and text is None:
        raise ValidationFailed(fields={"reason": "标记为不相关时请填写原因"})
    before = {
        "side": side.value,
        "state": current.value,
        "reason": mine.reason if mine is not None else None,
    }
    kept = text if target in (MatchState.DISMISSED, MatchState.INTERESTED) else None
    _judge(match, actor, side, target, kept)
    session.flush()
    audit.record(
        session,
        actor,
        "match_feedback",
        "matches",
        match.id,
        summary=(
            f"匹配反馈（{side.label}）：{match.demand.title} × {match.supply_item.title}"
            f"（{target.label}）"
        ),
        before=before,
        after={"side": side.value, "state": target.value, "reason": kept},
    )
    return match


def match_read(
    actor: Actor, match: Match, pair: tuple[Demand, SupplyItem] | None = None
) -> MatchRead:
    """A stored match as ``actor`` may see it: each side's judgement, reasons of other sides
    hidden unless ``may_see_reason``. ``pair``: its demand and item, when already at hand."""
    demand, item = pair if pair is not None else (match.demand, match.supply_item)
    mine = _side_value(judging_side(actor, demand, item))
    judgements: list[JudgementRead] = []
    own: str | None = None
    own_state: MatchState | None = None
    for j in match.judgements:
        visible = may_see_reason(actor, j, demand, item)
        judgements.append(
            JudgementRead(
                side=j.side,
                side_label=JudgementSide(j.side).label,
                state=MatchState(j.state),
                reason=j.reason if visible else None,
                reason_hidden=bool(j.reason) and not visible,
                judged_by=j.judged_by,
                judged_at=j.judged_at,
            )
        )
        if j.side == mine:
            own, own_state = j.reason, MatchState(j.state)
    return MatchRead(
        id=match.id,
        demand_id=match.demand_id,
        supply_item_id=match.supply_item_id,
        score=match.score,
        rank=match.rank,
        method=match.method,
        state=MatchState(match.state),
        own_state=own_state,
        state_reason=own,
        state_changed_at=match.state_changed_at,
        version=match.version,
        judgements=judgements,
    )


def _side_value(side: JudgementSide | None) -> str | None:
    return side.value if side is not None else None


def mark_viewed(session: Session, actor: Actor, hits: Sequence[Hit]) -> int:
    """Recommendations now seen by the side they were made for move from 推荐 to 已查看 for that
    side: supply items shown to the demand's side, demands shown to the item's side."""
    n = 0
    for hit in hits:
        match = hit.match
        if match is None or hit.pair is None:
            continue
        demand, item = hit.pair
        if hit.kind == "supply_item" and on_demand_side(actor, demand):
            side = JudgementSide.DEMAND
        elif hit.kind == "demand" and on_supply_side(actor, item):
            side = JudgementSide.SUPPLY
        else:
            continue
        if _judgement_of(match, side) is not None:
            continue
        _judge(match, actor, side, MatchState.VIEWED, None)
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
    """Counts of recommendations by state, of each side's judgements, and of the dismissal
    reasons the actor may see (see ``may_see_reason``), among the matches they may see."""
    d_scope = DEMAND_POLICY.read_filter(actor)
    s_scope = SUPPLY_POLICY.read_filter(actor)
    by_state = repo.state_counts(session, d_scope, s_scope, zone_id=zone_id, demand_id=demand_id)
    sides = repo.judgement_counts(session, d_scope, s_scope, zone_id=zone_id, demand_id=demand_id)
    reasons = repo.dismiss_reason_counts(
        session, d_scope, s_scope, visible_reasons(actor), zone_id=zone_id, demand_id=demand_id
    )
    full = {s.value: by_state.get(s.value, 0) for s in MatchState}
    by_side = {
        side.value: {s.value: sides.get((side.value, s.value), 0) for s in MatchState}
        for side in JudgementSide
    }
    return FeedbackCounts(
        total=sum(full.values()), by_state=full, by_side=by_side, dismiss_reasons=reasons
    )
