"""Matching use cases: a demand → supply items and experts, a supply item → demands, a zone's
batch map, stored recommendations with feedback, and code suggestions.

Every result is scoped to what the actor may see, twice: the index is searched with a filter
mirroring the tenancy policies (so the top N are all visible), and the hits are then loaded from
the database through the registers' read scope (the authority). An anonymous demand appears
without its enterprise to everyone outside its zone; enterprise names are never indexed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from shuanggao_matching import (
    Document,
    Predicate,
    Query,
    SearchResults,
    coverage_report,
    rank_owners,
)
from shuanggao_matching import (
    Match as LibMatch,
)
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.accounts.actor import ROLE_TENANT, Actor, Role
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.db.types import utcnow
from shuanggao.demand import repository as demand_repo
from shuanggao.demand.models import Demand
from shuanggao.demand.policy import OPEN, DemandPolicy
from shuanggao.demand.registers import demands as demand_register
from shuanggao.demand.schemas import ANONYMOUS_LABEL, CooperationMode, Visibility
from shuanggao.errors import Forbidden, NotFound, ValidationFailed
from shuanggao.kit import service as kit
from shuanggao.matches import classifiers
from shuanggao.matches import repository as repo
from shuanggao.matches.documents import demand_query, supply_query, text_query
from shuanggao.matches.errors import BadStateChange
from shuanggao.matches.index import (
    BuildProgress,
    MatchIndex,
    Progress,
    SyncReport,
    get_index,
)
from shuanggao.matches.models import Match
from shuanggao.matches.schemas import (
    STATE_TRANSITIONS,
    CodeSuggestion,
    CodeSuggestions,
    FeedbackCounts,
    MapRow,
    MatchResult,
    MatchResults,
    MatchState,
    ZoneMap,
)
from shuanggao.supply import repository as supply_repo
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.policy import SupplyPolicy
from shuanggao.supply.registers import supply_items as supply_register
from shuanggao.supply.schemas import SupplyKind, TransferMode
from shuanggao.zones.models import Zone

SUPPLY_POLICY = SupplyPolicy()
DEMAND_POLICY = DemandPolicy()
MAX_TOP = 100
# A demand is covered when its best supply item holds this share of its term weight.
MIN_COVERAGE = 0.5

# Which supply fits a cooperation mode: by transfer mode, or by kind of item.
_MODE_FIT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    CooperationMode.DEVELOPMENT.value: (
        frozenset({TransferMode.CO_DEVELOPMENT.value, TransferMode.SERVICE.value}),
        frozenset({SupplyKind.EXPERT.value}),
    ),
    CooperationMode.TRANSFER.value: (
        frozenset({TransferMode.TRANSFER.value, TransferMode.EQUITY.value}),
        frozenset(),
    ),
    CooperationMode.LICENSE.value: (frozenset({TransferMode.LICENSE.value}), frozenset()),
    CooperationMode.CONSULTING.value: (
        frozenset({TransferMode.SERVICE.value}),
        frozenset({SupplyKind.EXPERT.value}),
    ),
    CooperationMode.PLATFORM.value: (
        frozenset({TransferMode.CO_DEVELOPMENT.value}),
        frozenset({SupplyKind.PLATFORM.value, SupplyKind.DATA.value}),
    ),
    CooperationMode.TALENT.value: (frozenset(), frozenset({SupplyKind.EXPERT.value})),
}


@dataclass(frozen=True)
class SearchOptions:
    """What a searcher can ask for beyond the text: how many, and which filters."""

    top: int = 10
    # Only the universities paired with the demand's zone (demand → supply), or only the zones
    # paired with the item's university (supply → demand).
    paired_only: bool = False
    # Only supply whose transfer modes or kind fit the demand's cooperation mode.
    mode_compatible: bool = False
    # Only results at or above this TRL (科技成果; other kinds have no maturity).
    min_maturity: int | None = None
    kinds: tuple[str, ...] = ()

    def checked(self) -> SearchOptions:
        fields: dict[str, str] = {}
        if not 1 <= self.top <= MAX_TOP:
            fields["top"] = f"应为 1 到 {MAX_TOP} 之间的整数"
        if self.min_maturity is not None and not 1 <= self.min_maturity <= 9:
            fields["min_maturity"] = "应为 1 到 9 之间的整数（TRL）"
        known = {k.value for k in SupplyKind}
        kinds = tuple(SupplyKind.parse(k) for k in self.kinds)
        if any(k not in known for k in kinds):
            fields["kinds"] = "应为以下之一：" + "、".join(SupplyKind.labels())
        if fields:
            raise ValidationFailed(fields=fields)
        return SearchOptions(
            self.top,
            self.paired_only,
            self.mode_compatible,
            self.min_maturity,
            tuple(str(k) for k in kinds),
        )


@dataclass
class Hit:
    """One result row: the record, how it is named to this actor, its score and reasons."""

    kind: str  # "supply_item" | "demand"
    obj: Any
    title: str
    owner: str | None
    score: float
    rank: int
    reasons: dict[str, Any]
    lib: LibMatch
    match: Match | None = None
    # The stored pair behind this hit, once recorded: (demand, supply item).
    pair: tuple[Demand, SupplyItem] | None = None

    def result(self) -> MatchResult:
        return MatchResult(
            kind="supply_item" if self.kind == "supply_item" else "demand",
            id=self.obj.id,
            title=self.title,
            owner=self.owner,
            score=self.score,
            reasons=self.reasons,
        )


@dataclass
class ExpertHit:
    name: str
    university_id: int
    university_name: str
    score: float
    items: list[Hit]

    @property
    def key(self) -> str:
        return f"{self.university_id}:{self.name}"

    def result(self) -> MatchResult:
        terms: list[str] = []
        for hit in self.items:
            for t in hit.reasons.get("shared_terms", []):
                if t["term"] not in terms:
                    terms.append(t["term"])
        return MatchResult(
            kind="expert",
            id=self.key,
            title=self.name,
            owner=self.university_name,
            score=self.score,
            reasons={
                "items": [{"id": h.obj.id, "title": h.title, "score": h.score} for h in self.items],
                "shared_terms": terms,
            },
        )


@dataclass
class MatchRun:
    method: str
    note: str | None
    filters_applied: list[str]
    hits: list[Hit] = field(default_factory=list)
    query_terms: list[str] = field(default_factory=list)

    def results(self) -> MatchResults:
        return MatchResults(
            method=self.method,
            note=self.note,
            filters_applied=self.filters_applied,
            results=[h.result() for h in self.hits],
        )


# ---------------------------------------------------------------------------------------------
# Scope filters for the index (mirrors of the tenancy policies)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScopedPredicate(Predicate):
    """A predicate whose cache key is its name and the values it closes over.

    The library caches filter masks by ``Predicate.key()``, which names the function by its
    ``id``: ids of collected closures are reused, so two actors' different scopes could share a
    cached mask. Here the key is what the function depends on, so equal keys mean equal masks.
    """

    scope: tuple[Any, ...] = ()

    def key(self) -> tuple[str, str, str]:
        return ("scoped", self.name, repr(self.scope))


def _university_of(actor: Actor) -> int | None:
    if ROLE_TENANT[actor.role] == "university":
        return actor.university_id
    return None


def supply_visibility(actor: Actor) -> Predicate | None:
    """The index-side form of ``SupplyPolicy.read_filter``."""
    if actor.sees_everything:
        return None
    uid = _university_of(actor)
    name = "可见范围：公开条目" + ("及本校条目" if uid is not None else "")

    def visible(doc: Document) -> bool:
        meta = doc.metadata
        return meta.get("is_public") is True or (
            uid is not None and meta.get("university_id") == uid
        )

    return ScopedPredicate(name, visible, (uid,))


def demand_visibility(session: Session, actor: Actor) -> Predicate | None:
    """The index-side form of ``DemandPolicy.read_filter``."""
    if actor.sees_everything:
        return None
    zone = actor.zone_id if actor.role is Role.ZONE_ADMIN else None
    enterprise = actor.enterprise_id if actor.role is Role.ENTERPRISE_USER else None
    uid = _university_of(actor)
    paired = frozenset(repo.paired_zone_ids(session, uid)) if uid is not None else frozenset()

    def visible(doc: Document) -> bool:
        meta = doc.metadata
        vis = meta.get("visibility")
        if vis in OPEN:
            return True
        if zone is not None and meta.get("zone_id") == zone:
            return True
        if enterprise is not None and meta.get("enterprise_id") == enterprise:
            return True
        return vis == Visibility.PAIRED.value and meta.get("zone_id") in paired

    scope = (zone, enterprise, uid, tuple(sorted(paired)))
    return ScopedPredicate("可见范围：您有权查看的需求", visible, scope)


def _mode_predicate(mode: str) -> Predicate:
    modes, kinds = _MODE_FIT.get(mode, (frozenset(), frozenset()))
    label = CooperationMode(mode).label

    def fits(doc: Document) -> bool:
        offered = doc.metadata.get("transfer_modes") or []
        if doc.kind in kinds:
            return True
        if isinstance(offered, list) and modes.intersection(str(m) for m in offered):
            return True
        # An item that states no transfer mode is not excluded for it.
        return not offered and doc.kind == SupplyKind.ACHIEVEMENT.value and bool(modes)

    return ScopedPredicate(f"合作方式：与“{label}”相符", fits, (mode,))


def _maturity_predicate(level: int) -> Predicate:
    def mature(doc: Document) -> bool:
        if doc.kind != SupplyKind.ACHIEVEMENT.value:
            return True
        value = doc.metadata.get("maturity_level")
        return isinstance(value, int) and value >= level

    return ScopedPredicate(f"成熟度：科技成果不低于 TRL{level}", mature, (level,))


def _kinds_predicate(kinds: Sequence[str]) -> Predicate:
    wanted = frozenset(kinds)
    names = "、".join(SupplyKind(k).label for k in kinds)
    return ScopedPredicate(f"类型：{names}", lambda doc: doc.kind in wanted, tuple(sorted(wanted)))


def _universities_predicate(universities: Sequence[Any]) -> Predicate:
    ids = frozenset(u.id for u in universities)
    names = "、".join(u.name for u in universities) or "（无结对高校）"
    return ScopedPredicate(
        f"结对高校：{names}",
        lambda doc: doc.metadata.get("university_id") in ids,
        tuple(sorted(ids)),
    )


def _zones_predicate(session: Session, zone_ids: Sequence[int]) -> Predicate:
    ids = frozenset(zone_ids)
    names = "、".join(z.name for z in (session.get(Zone, i) for i in sorted(ids)) if z) or "（无）"
    return ScopedPredicate(
        f"结对高新区：{names}", lambda doc: doc.metadata.get("zone_id") in ids, tuple(sorted(ids))
    )


# ---------------------------------------------------------------------------------------------
# Searching and shaping results
# ---------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    """Plain JSON (tuples → lists, floats rounded to 4 places)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _reasons(match: LibMatch) -> dict[str, Any]:
    data: dict[str, Any] = _json(asdict(match.reasons))
    return data


def _search(
    index: MatchIndex,
    side: str,
    query: Query,
    predicates: Sequence[Predicate | None],
    top: int,
    exclude: Sequence[str] = (),
) -> SearchResults:
    filters = [p for p in predicates if p is not None]
    with index.lock:
        matcher = index.matchers[side]
        if len(matcher) == 0 or not query.text.strip():
            return SearchResults(
                method=index.method,
                matches=(),
                filters_applied=tuple(f.describe() for f in filters),
                note=index.note,
            )
        # A few extra, in case the database scope drops one the index filter let through.
        results = matcher.search(query, top_k=top + 10, filters=filters, exclude_ids=exclude)
    if index.note and not results.note:
        return SearchResults(
            results.method,
            results.matches,
            results.filters_applied,
            index.note,
            results.query_terms,
        )
    return results


def _note(index: MatchIndex, results: SearchResults) -> str | None:
    if index.note:
        return index.note
    if results.note:
        return "当前只按关键词匹配（语义向量尚未建立），请运行 shuanggao matching reindex。"
    return None


def _match_run(index: MatchIndex, results: SearchResults, hits: list[Hit]) -> MatchRun:
    """One search's outcome: its method, note, applied filters and query terms, with ``hits``."""
    return MatchRun(
        method=results.method,
        note=_note(index, results),
        filters_applied=list(results.filters_applied),
        hits=hits,
        query_terms=list(results.query_terms),
    )


def supply_owner(item: SupplyItem) -> str:
    if item.owner_name:
        return f"{item.owner_name}（{item.university.name}）"
    return item.university.name


def demand_owner(demand: Demand, actor: Actor) -> str:
    if "enterprise_name" in demand_register.hidden_for(actor, demand):
        return ANONYMOUS_LABEL
    return demand.enterprise.name


def _hits(
    results: SearchResults,
    rows: dict[int, Any],
    kind: str,
    owner: Callable[[Any], str],
    top: int,
) -> list[Hit]:
    """The first ``top`` results whose record is among ``rows`` (those the actor may read), in
    rank order; ``owner`` names each record's owner to the actor."""
    hits: list[Hit] = []
    for m in results.matches:
        obj = rows.get(int(m.id))
        if obj is None:
            continue
        hits.append(
            Hit(kind, obj, obj.title, owner(obj), round(m.score, 4), len(hits) + 1, _reasons(m), m)
        )
        if len(hits) == top:
            break
    return hits


def _supply_hits(session: Session, actor: Actor, results: SearchResults, top: int) -> list[Hit]:
    ids = [int(m.id) for m in results.matches]
    rows = {
        r.id: r for r in supply_repo.list_by_ids(session, ids, SUPPLY_POLICY.read_filter(actor))
    }
    return _hits(results, rows, "supply_item", supply_owner, top)


def _demand_hits(session: Session, actor: Actor, results: SearchResults, top: int) -> list[Hit]:
    ids = [int(m.id) for m in results.matches]
    rows = {
        r.id: r for r in demand_repo.list_by_ids(session, ids, DEMAND_POLICY.read_filter(actor))
    }
    return _hits(results, rows, "demand", lambda d: demand_owner(d, actor), top)


def _synced_index(session: Session, settings: Settings, side: str) -> MatchIndex:
    """The index with ``side`` ("supply" or "demand") in step with the database."""
    index = get_index(settings)
    index.sync(session, sides=(side,))
    return index


def _record(session: Session, actor: Actor, pairs: list[tuple[Demand, SupplyItem, Hit]]) -> None:
    """Store (or refresh) the recommendations; people's feedback states are kept."""
    if actor.role is Role.AUDITOR or not pairs:
        return
    existing = repo.find_pairs(session, [(d.id, s.id) for d, s, _ in pairs])
    for demand, item, hit in pairs:
        row = existing.get((demand.id, item.id))
        if row is None:
            row = Match(
                demand_id=demand.id,
                supply_item_id=item.id,
                score=hit.score,
                rank=hit.rank,
                method=hit.reasons.get("method", ""),
                reasons=hit.reasons,
                state=MatchState.RECOMMENDED.value,
            )
            session.add(row)
        else:
            row.score = hit.score
            row.rank = hit.rank
            row.method = hit.reasons.get("method", "")
            row.reasons = hit.reasons
        hit.match = row
        hit.pair = (demand, item)
    session.flush()


# ---------------------------------------------------------------------------------------------
# Use cases
# ---------------------------------------------------------------------------------------------


def _demand_filters(
    session: Session, actor: Actor, demand: Demand, opts: SearchOptions
) -> list[Predicate | None]:
    preds: list[Predicate | None] = [supply_visibility(actor)]
    if opts.paired_only:
        preds.append(_universities_predicate(repo.paired_universities(session, demand.zone_id)))
    if opts.mode_compatible:
        preds.append(_mode_predicate(demand.cooperation_mode))
    if opts.min_maturity is not None:
        preds.append(_maturity_predicate(opts.min_maturity))
    if opts.kinds:
        preds.append(_kinds_predicate(opts.kinds))
    return preds


def match_demand(
    session: Session,
    settings: Settings,
    actor: Actor,
    demand_id: int,
    opts: SearchOptions | None = None,
    *,
    record: bool = True,
) -> MatchRun:
    """A demand → ranked supply items (stored as recommendations unless ``record=False``)."""
    opts = (opts or SearchOptions()).checked()
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    index = _synced_index(session, settings, "supply")
    preds = _demand_filters(session, actor, demand, opts)
    results = _search(index, "supply", demand_query(demand), preds, opts.top)
    hits = _supply_hits(session, actor, results, opts.top)
    if record and hits and actor.role is not Role.AUDITOR:
        _record(session, actor, [(demand, h.obj, h) for h in hits])
        audit.record(
            session,
            actor,
            "match",
            demand_register.name,
            demand.id,
            summary=f"为产业需求生成匹配推荐：{demand.title}（{len(hits)} 条）",
        )
    return _match_run(index, results, hits)


def match_text(
    session: Session,
    settings: Settings,
    actor: Actor,
    text: str,
    opts: SearchOptions | None = None,
) -> MatchRun:
    """A free text (a need not yet entered) → ranked supply items; nothing is stored."""
    opts = (opts or SearchOptions()).checked()
    if not text.strip():
        raise ValidationFailed(fields={"text": "请输入需求描述"})
    index = _synced_index(session, settings, "supply")
    preds: list[Predicate | None] = [supply_visibility(actor)]
    if opts.min_maturity is not None:
        preds.append(_maturity_predicate(opts.min_maturity))
    if opts.kinds:
        preds.append(_kinds_predicate(opts.kinds))
    results = _search(index, "supply", text_query(text), preds, opts.top)
    return _match_run(index, results, _supply_hits(session, actor, results, opts.top))


def match_supply(
    session: Session,
    settings: Settings,
    actor: Actor,
    item_id: int,
    opts: SearchOptions | None = None,
    *,
    record: bool = True,
) -> MatchRun:
    """A supply item → ranked demands the actor may see (anonymous ones without owner)."""
    opts = (opts or SearchOptions()).checked()
    item: SupplyItem = kit.get_record(session, actor, supply_register, item_id)
    index = _synced_index(session, settings, "demand")
    preds: list[Predicate | None] = [demand_visibility(session, actor)]
    if opts.paired_only:
        preds.append(_zones_predicate(session, repo.paired_zone_ids(session, item.university_id)))
    results = _search(index, "demand", supply_query(item), preds, opts.top)
    hits = _demand_hits(session, actor, results, opts.top)
    if record and hits and actor.role is not Role.AUDITOR:
        _record(session, actor, [(h.obj, item, h) for h in hits])
        audit.record(
            session,
            actor,
            "match",
            supply_register.name,
            item.id,
            summary=f"为技术供给清单条目生成需求推荐：{item.title}（{len(hits)} 条）",
        )
    return _match_run(index, results, hits)


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
    index = _synced_index(session, settings, "supply")
    preds = _demand_filters(session, actor, demand, opts)
    depth = min(max(opts.top * 5, 50), MAX_TOP + 10)
    results = _search(index, "supply", demand_query(demand), preds, depth)
    hits = _supply_hits(session, actor, results, depth)
    owned = [h for h in hits if h.lib.owner is not None]
    by_id = {str(h.obj.id): h for h in owned}
    experts: list[ExpertHit] = []
    for ranked in rank_owners([h.lib for h in owned], limit=opts.top):
        items = [by_id[i] for i in ranked.items if i in by_id]
        if not items:
            continue
        first: SupplyItem = items[0].obj
        experts.append(
            ExpertHit(
                name=first.owner_name or "",
                university_id=first.university_id,
                university_name=first.university.name,
                score=round(ranked.score, 4),
                items=items,
            )
        )
    run = _match_run(index, results, hits[: opts.top])
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
    index = _synced_index(session, settings, "supply")
    preds = [supply_visibility(actor), _universities_predicate(universities)]
    per_demand: dict[str, SearchResults] = {}
    hits_of: dict[int, list[Hit]] = {}
    method = index.method
    note = index.note
    searched = {d.id: _search(index, "supply", demand_query(d), preds, opts.top) for d in demands}
    # The answers of every demand in one query, not one per demand.
    answer_ids = sorted({int(m.id) for res in searched.values() for m in res.matches})
    answers = {
        r.id: r
        for r in supply_repo.list_by_ids(session, answer_ids, SUPPLY_POLICY.read_filter(actor))
    }
    for demand in demands:
        results = searched[demand.id]
        hits = _hits(results, answers, "supply_item", supply_owner, opts.top)
        method = results.method
        note = _note(index, results)
        hits_of[demand.id] = hits
        per_demand[str(demand.id)] = SearchResults(
            results.method, tuple(h.lib for h in hits), results.filters_applied
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


# ---------------------------------------------------------------------------------------------
# Stored matches: feedback
# ---------------------------------------------------------------------------------------------


def _can_read_both(session: Session, actor: Actor, match: Match) -> bool:
    if actor.sees_everything:
        return True
    if not SUPPLY_POLICY.can_read(actor, match.supply_item):
        return False
    uid = _university_of(actor)
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


# ---------------------------------------------------------------------------------------------
# Code suggestions and the index
# ---------------------------------------------------------------------------------------------


def _suggest(index: MatchIndex, name: str, text: str) -> tuple[str, list[CodeSuggestion]]:
    clf = classifiers.classifier(index, name)
    method = "hybrid" if clf.encoder is not None else "lexical"
    found = clf.classify(text, top_k=3)
    return method, [
        CodeSuggestion(code=f.code, name=f.name, score=round(f.score, 4)) for f in found
    ]


def suggest_codes_for_demand(
    session: Session, settings: Settings, actor: Actor, demand_id: int
) -> CodeSuggestions:
    """Industry codes and chain nodes for a demand (top 3 each), from its text."""
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    index = get_index(settings)
    text = "\n".join(p for p in (demand.title, demand.description, *demand.keywords) if p)
    method, industries = _suggest(index, "industry", text)
    _, nodes = _suggest(index, "chain_node", text)
    return CodeSuggestions(method=method, industry_codes=industries, chain_nodes=nodes)


def suggest_codes_for_supply(
    session: Session, settings: Settings, actor: Actor, item_id: int
) -> CodeSuggestions:
    """一级学科 for a supply item (top 3), from its text."""
    item: SupplyItem = kit.get_record(session, actor, supply_register, item_id)
    index = get_index(settings)
    parts = (item.title, item.abstract, item.research_directions, *item.keywords)
    method, disciplines = _suggest(index, "discipline", "\n".join(p for p in parts if p))
    return CodeSuggestions(method=method, discipline_codes=disciplines)


def reindex(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    full: bool = True,
    progress: Progress | None = None,
    prepare_classifiers: Callable[[str], None] | None = None,
    with_classifiers: bool = False,
) -> tuple[MatchIndex, SyncReport]:
    """Bring the index in step with the database (``full``: rebuild it; vectors of unchanged
    texts still come from the cache); optionally embed the classifiers' label profiles."""
    if not actor.is_province:
        raise Forbidden()
    index = get_index(settings)
    report = index.rebuild(session, progress) if full else index.sync(session, progress)
    if with_classifiers:
        classifiers.prepare(index, prepare_classifiers)
    return index, report


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
    run = match_demand(session, settings, actor, demand_id, opts)
    mark_viewed(session, actor, run.hits)
    _, experts = experts_for_demand(session, settings, actor, demand_id, SearchOptions(top=5))
    return DemandMatchesView(
        demand=demand,
        read=demand_register.present(demand, actor),
        run=run,
        experts=experts,
        feedback=feedback_counts(session, actor, demand_id=demand_id),
        opts=opts,
        judge={h.obj.id: can_judge(actor, demand, h.obj) for h in run.hits},
    )


@dataclass
class SupplyMatchesView:
    item: SupplyItem
    run: MatchRun
    opts: SearchOptions
    judge: dict[int, bool]


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
    mark_viewed(session, actor, run.hits)
    return SupplyMatchesView(
        item=item,
        run=run,
        opts=opts,
        judge={h.obj.id: can_judge(actor, h.obj, item) for h in run.hits},
    )


@dataclass
class JudgedMatch:
    match: Match
    may_judge: bool


def change_state_view(
    session: Session,
    actor: Actor,
    match_id: int,
    state: MatchState | str,
    *,
    reason: str | None = None,
) -> JudgedMatch:
    match = change_state(session, actor, match_id, state, reason=reason)
    return JudgedMatch(match, can_judge(actor, match.demand, match.supply_item))


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
        session, DEMAND_POLICY.read_filter(actor), SUPPLY_POLICY.read_filter(actor), side, limit
    )
    return NewMatches(total, rows, which)


class IndexBuilding(Exception):
    """The index is being built in the background; the page shows ``progress`` meanwhile."""

    def __init__(self, progress: BuildProgress) -> None:
        super().__init__("index building")
        self.progress = progress


def ensure_index_ready(
    session: Session,
    settings: Settings,
    factory: sessionmaker[Session],
    side: str,
) -> None:
    """For pages: when ``side`` has many texts to embed with a real model, build it in the
    background and raise ``IndexBuilding`` (the page shows the progress) instead of making the
    browser wait; otherwise return and let the search bring the index up to date."""
    index = get_index(settings)
    build = index.build
    if build is not None and build.running:
        raise IndexBuilding(build)
    if index.needs_background(session, side):
        raise IndexBuilding(index.build_in_background(factory, (side,)))


def index_progress(settings: Settings) -> BuildProgress | None:
    return get_index(settings).build
