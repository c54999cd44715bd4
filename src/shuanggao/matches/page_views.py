"""Page views: one call per matches page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.kit import service as kit
from shuanggao.matches import repository as repo
from shuanggao.matches.aggregates import experts_for_demand
from shuanggao.matches.feedback import (
    can_judge,
    change_state,
    feedback_counts,
    mark_viewed,
    match_read,
)
from shuanggao.matches.models import Match
from shuanggao.matches.recording import attach_matches
from shuanggao.matches.results import (
    DEMAND_POLICY,
    SUPPLY_POLICY,
    ExpertHit,
    MatchRun,
    SearchOptions,
)
from shuanggao.matches.schemas import (
    FeedbackCounts,
    MatchRead,
    MatchState,
)
from shuanggao.matches.search import match_demand, match_supply
from shuanggao.matches.upkeep import ensure_index_ready
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.registers import supply_items as supply_register
from shuanggao.zones.models import Zone

# ---------------------------------------------------------------------------------------------
# Page views: one call per page
# ---------------------------------------------------------------------------------------------


@dataclass
class DemandMatchesView:
    demand: Demand
    read: Any  # DemandRead, masked for the actor
    run: MatchRun
    experts: list[ExpertHit]
    feedback: FeedbackCounts
    opts: SearchOptions
    judge: dict[int, bool]
    # Each hit's stored match as the actor may see it (both sides' judgements), by record id.
    feedback_of: dict[int, MatchRead]


def _reads(actor: Actor, run: MatchRun) -> dict[int, MatchRead]:
    return {
        h.obj.id: match_read(actor, h.match, h.pair)
        for h in run.hits
        if h.match is not None and h.pair is not None
    }


def demand_matches_view(
    session: Session,
    settings: Settings,
    actor: Actor,
    demand_id: int,
    opts: SearchOptions | None = None,
    *,
    factory: sessionmaker[Session] | None = None,
) -> DemandMatchesView:
    """A demand's matches page: ranked supply items (recorded; seen by the demand's side they
    become 已查看), the experts behind them and the feedback so far. With ``factory``, a large
    index build runs in the background (``IndexBuilding``)."""
    opts = (opts or SearchOptions()).checked()
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    if factory is not None:
        ensure_index_ready(session, settings, factory, "supply")
    # Both searches before anything is recorded: recording takes the writer (SQLite), which is
    # then held to the end of the request.
    _, experts = experts_for_demand(session, settings, actor, demand_id, SearchOptions(top=5))
    run = match_demand(session, settings, actor, demand_id, opts, full_rows=True)
    attach_matches(session, run.hits)
    mark_viewed(session, actor, run.hits)
    return DemandMatchesView(
        demand=demand,
        read=demand_register.present(demand, actor),
        run=run,
        experts=experts,
        feedback=feedback_counts(session, actor, demand_id=demand_id),
        opts=opts,
        judge={h.obj.id: can_judge(actor, demand, h.obj) for h in run.hits},
        feedback_of=_reads(actor, run),
    )


@dataclass
class SupplyMatchesView:
    item: SupplyItem
    run: MatchRun
    opts: SearchOptions
    judge: dict[int, bool]
    feedback_of: dict[int, MatchRead]


def supply_matches_view(
    session: Session,
    settings: Settings,
    actor: Actor,
    item_id: int,
    opts: SearchOptions | None = None,
    *,
    factory: sessionmaker[Session] | None = None,
) -> SupplyMatchesView:
    """A supply item's matching demands page (anonymous demands without their enterprise)."""
    opts = (opts or SearchOptions()).checked()
    item: SupplyItem = kit.get_record(session, actor, supply_register, item_id)
    if factory is not None:
        ensure_index_ready(session, settings, factory, "demand")
    run = match_supply(session, settings, actor, item_id, opts)
    attach_matches(session, run.hits)
    mark_viewed(session, actor, run.hits)
    return SupplyMatchesView(
        item=item,
        run=run,
        opts=opts,
        judge={h.obj.id: can_judge(actor, h.obj, item) for h in run.hits},
        feedback_of=_reads(actor, run),
    )


@dataclass
class JudgedMatch:
    match: Match
    may_judge: bool
    read: MatchRead


def change_state_view(
    session: Session,
    actor: Actor,
    match_id: int,
    state: MatchState | str,
    *,
    reason: str | None = None,
) -> JudgedMatch:
    match = change_state(session, actor, match_id, state, reason=reason)
    return JudgedMatch(
        match, can_judge(actor, match.demand, match.supply_item), match_read(actor, match)
    )


def paired_zones(session: Session) -> list[Zone]:
    """Zones with at least one (not terminated) pairing: the zones a map can be drawn for."""
    return repo.paired_zones(session)


@dataclass
class NewMatches:
    total: int
    rows: list[tuple[Match, Demand, SupplyItem]]
    side: str  # "demand" or "supply"


def new_matches(session: Session, actor: Actor, limit: int = 6) -> NewMatches | None:
    """Recommendations for the actor's own demands or items that nobody on their side has
    looked at yet (None for roles that own neither)."""
    side: Any
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        side, which = Demand.zone_id == actor.zone_id, "demand"
    elif actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
        side, which = Demand.enterprise_id == actor.enterprise_id, "demand"
    elif actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        side, which = SupplyItem.university_id == actor.university_id, "supply"
    elif actor.role is Role.RESEARCHER and actor.user_id is not None:
        side, which = SupplyItem.owner_user_id == actor.user_id, "supply"
    else:
        return None
    total, rows = repo.recent_recommended(
        session,
        DEMAND_POLICY.read_filter(actor),
        SUPPLY_POLICY.read_filter(actor),
        side,
        which,
        limit,
    )
    return NewMatches(total, rows, which)
