"""Use cases built from many searches: the experts behind a demand (people ranked from their
matching items) and a zone's batch map (each demand's best paired supply, the coverage, the gaps).

Split from ``search`` so that file holds one search and its shaping; these call it.
"""

from __future__ import annotations

from shuanggao_matching import SearchResults, coverage_report, rank_owners
from sqlalchemy.orm import Session, sessionmaker

from shuanggao import personal
from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.demand import repository as demand_repo
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.errors import NotFound
from shuanggao.kit import service as kit
from shuanggao.matches import repository as repo
from shuanggao.matches.documents import demand_query
from shuanggao.matches.filters import (
    opt_out_predicate,
    supply_visibility,
    universities_predicate,
)
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
from shuanggao.matches.schemas import MapRow, ZoneMap
from shuanggao.matches.search import (
    demand_filters,
    demand_owner,
    hits_for,
    match_run,
    result_note,
    run_search,
    supply_hits,
    supply_owner,
    synced_index,
)
from shuanggao.matches.upkeep import ensure_index_ready
from shuanggao.supply import repository as supply_repo
from shuanggao.supply.models import SupplyItem
from shuanggao.zones.models import Zone


def experts_for_demand(
    session: Session,
    settings: Settings,
    actor: Actor,
    demand_id: int,
    opts: SearchOptions | None = None,
) -> tuple[MatchRun, list[ExpertHit]]:
    """A demand → people ranked from their matching items (their best three count)."""
    opts = (opts or SearchOptions()).checked()
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    index = synced_index(session, settings, "supply")
    preds = demand_filters(session, actor, demand, opts)
    depth = min(max(opts.top * 5, 50), MAX_TOP + 10)
    searched = run_search(session, index, "supply", demand_query(demand), preds, depth)
    hits = supply_hits(session, actor, searched.results, depth)
    owned = [h for h in hits if h.lib.owner is not None]
    by_id = {str(h.obj.id): h for h in owned}
    experts: list[ExpertHit] = []
    for ranked in rank_owners([h.lib for h in owned], limit=opts.top):
        items = [by_id[i] for i in ranked.items if i in by_id]
        if not items:
            continue
        first: SupplyItem = items[0].obj
        # Without the researcher's consent an enterprise sees the items, not the person.
        name = personal.shown(actor, "supply_item", "owner_name", first) or ""
        experts.append(
            ExpertHit(
                name=name,
                withheld=name != (first.owner_name or ""),
                university_id=first.university_id,
                university_name=first.university.name,
                score=round(ranked.score, 4),
                items=items,
            )
        )
    run = match_run(index, searched, hits[: opts.top])
    return run, experts


def zone_map(
    session: Session,
    settings: Settings,
    actor: Actor,
    zone_id: int,
    *,
    top: int = 3,
    factory: sessionmaker[Session] | None = None,
) -> ZoneMap:
    """A zone's demands × its paired universities' supply: each demand's best answers, the
    coverage, and the gaps — demands no paired supply answers well (卡脖子 candidates)."""
    zone = session.get(Zone, zone_id)
    if zone is None:
        raise NotFound()
    if factory is not None:
        ensure_index_ready(session, settings, factory, "supply")
    opts = SearchOptions(top=top).checked()
    universities = repo.paired_universities(session, zone_id)
    demands = demand_repo.list_for_zone(session, zone_id, DEMAND_POLICY.read_filter(actor))
    index = synced_index(session, settings, "supply")
    preds = [
        supply_visibility(actor),
        universities_predicate(universities),
        opt_out_predicate(session),
    ]
    per_demand: dict[str, SearchResults] = {}
    hits_of: dict[int, list[Hit]] = {}
    method = index.method
    note = index.note
    searched = {
        d.id: run_search(session, index, "supply", demand_query(d), preds, opts.top)
        for d in demands
    }
    # The answers of every demand in one query, not one per demand.
    answer_ids = sorted({int(m.id) for res in searched.values() for m in res.results.matches})
    answers = {
        r.id: r
        for r in supply_repo.list_by_ids(session, answer_ids, SUPPLY_POLICY.read_filter(actor))
    }
    for demand in demands:
        done = searched[demand.id]
        hits = hits_for(
            done.results, answers, "supply_item", lambda i: supply_owner(i, actor), opts.top
        )
        method = done.results.method
        note = result_note(index, done)
        hits_of[demand.id] = hits
        per_demand[str(demand.id)] = SearchResults(
            method, tuple(h.lib for h in hits), done.results.filters_applied
        )
    report = coverage_report(per_demand, min_coverage=MIN_COVERAGE)
    covered = set(report.covered)
    rows: list[MapRow] = []
    for demand in demands:
        hits = hits_of[demand.id]
        best_lib = report.best.get(str(demand.id))
        best = next((h for h in hits if best_lib is not None and h.lib.id == best_lib.id), None)
        rows.append(
            MapRow(
                demand_id=demand.id,
                title=demand.title,
                owner=demand_owner(demand, actor),
                industry_code=demand.industry_code,
                chain_node=demand.chain_node,
                triage_state=demand.triage_state,
                covered=str(demand.id) in covered,
                best=best.result() if best is not None else None,
                top=[h.result() for h in hits],
            )
        )
    return ZoneMap(
        zone_id=zone.id,
        zone_name=zone.name,
        universities=[{"id": u.id, "name": u.name} for u in universities],
        method=method,
        note=note,
        coverage=round(report.coverage, 4),
        covered=len(report.covered),
        gaps=len(report.gaps),
        rows=rows,
    )
