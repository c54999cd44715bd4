"""Matching use cases: a demand → supply items and experts, a supply item → demands, a zone's
batch map, stored recommendations with feedback, and code suggestions.

Every result is scoped to what the actor may see, twice: the index is searched with a filter
mirroring the tenancy policies (so the top N are all visible), and the hits are then loaded from
the database through the registers' read scope (the authority). An anonymous demand appears
without its enterprise to everyone outside its zone; enterprise names are never indexed.

This module is the domain's façade: the use cases live in ``results`` (types and limits),
``filters`` (index-side scope), ``search``, ``feedback``, ``upkeep`` (code suggestions, the
index) and ``page_views``; callers import them from here.
"""

from __future__ import annotations

from shuanggao.matches.aggregates import experts_for_demand, zone_map
from shuanggao.matches.feedback import (
    can_judge,
    change_state,
    feedback_counts,
    get_match,
    judging_side,
    mark_viewed,
    match_read,
    may_see_reason,
    on_demand_side,
    on_supply_side,
)
from shuanggao.matches.filters import (
    ScopedPredicate,
    demand_visibility,
    supply_visibility,
    university_of,
)
from shuanggao.matches.groups import (
    create_group,
    dissolve_group,
    get_group,
    groups_of_demand,
    list_groups,
    update_group,
)
from shuanggao.matches.groups import present as present_group
from shuanggao.matches.page_views import (
    DemandMatchesView,
    JudgedMatch,
    NewMatches,
    SupplyMatchesView,
    change_state_view,
    demand_matches_view,
    new_matches,
    paired_zones,
    supply_matches_view,
)
from shuanggao.matches.pairs import match_text_among, score_pairs
from shuanggao.matches.results import (
    DEMAND_POLICY,
    MAX_TOP,
    MIN_COVERAGE,
    SUPPLY_POLICY,
    ExpertHit,
    Hit,
    MatchRun,
    SearchOptions,
)
from shuanggao.matches.search import (
    demand_owner,
    match_demand,
    match_supply,
    match_text,
    queue_matching,
    supply_owner,
)
from shuanggao.matches.triage import (
    check_duplicates,
    check_duplicates_within,
    duplicate_list,
    triage_queue,
)
from shuanggao.matches.upkeep import (
    IndexBuilding,
    ensure_index_ready,
    index_progress,
    reindex,
    suggest_codes_for_demand,
    suggest_codes_for_supply,
)

__all__ = [
    "DEMAND_POLICY",
    "MAX_TOP",
    "MIN_COVERAGE",
    "SUPPLY_POLICY",
    "DemandMatchesView",
    "ExpertHit",
    "Hit",
    "IndexBuilding",
    "JudgedMatch",
    "MatchRun",
    "NewMatches",
    "ScopedPredicate",
    "SearchOptions",
    "SupplyMatchesView",
    "can_judge",
    "change_state",
    "change_state_view",
    "check_duplicates",
    "check_duplicates_within",
    "create_group",
    "demand_matches_view",
    "demand_owner",
    "demand_visibility",
    "dissolve_group",
    "duplicate_list",
    "ensure_index_ready",
    "experts_for_demand",
    "feedback_counts",
    "get_group",
    "get_match",
    "groups_of_demand",
    "index_progress",
    "judging_side",
    "list_groups",
    "mark_viewed",
    "match_demand",
    "match_read",
    "match_supply",
    "match_text",
    "match_text_among",
    "may_see_reason",
    "new_matches",
    "on_demand_side",
    "on_supply_side",
    "paired_zones",
    "present_group",
    "queue_matching",
    "reindex",
    "score_pairs",
    "suggest_codes_for_demand",
    "suggest_codes_for_supply",
    "supply_matches_view",
    "supply_owner",
    "supply_visibility",
    "triage_queue",
    "university_of",
    "update_group",
    "zone_map",
]
