"""Searching and its use cases: a demand or a free text → supply items and experts, a supply
item → demands, a zone's batch map; recommendations are stored for feedback."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from shuanggao_matching import (
    ComponentScores,
    Predicate,
    Query,
    Reasons,
    SearchResults,
    SharedTerm,
)
from shuanggao_matching import (
    Match as LibMatch,
)
from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.db.changes import release_connection
from shuanggao.demand import repository as demand_repo
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.demand.schemas import ANONYMOUS_LABEL
from shuanggao.errors import NotFound, ValidationFailed
from shuanggao.kit import jobs
from shuanggao.kit import service as kit
from shuanggao.matches import repository as repo
from shuanggao.matches.chain_evidence import demand_node_query
from shuanggao.matches.conflicts import flag_pairs
from shuanggao.matches.documents import (
    MAX_QUERY_CHARS,
    capped,
    supply_query,
    text_query,
)
from shuanggao.matches.filters import (
    demand_visibility,
    kinds_predicate,
    maturity_predicate,
    mode_predicate,
    opt_out_predicate,
    opted_out_filter,
    supply_visibility,
    universities_predicate,
    zones_predicate,
)
from shuanggao.matches.index import (
    MatchIndex,
    get_index,
    shared_tokenizer,
)
from shuanggao.matches.reasons import reasons_json
from shuanggao.matches.recording import record_pairs
from shuanggao.matches.results import (
    DEMAND_POLICY,
    SUPPLY_POLICY,
    Hit,
    MatchRun,
    SearchOptions,
)
from shuanggao.supply import repository as supply_repo
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.registers import supply_items as supply_register
from shuanggao.supply.repository import ItemBrief

# ---------------------------------------------------------------------------------------------
# Searching and shaping results
# ---------------------------------------------------------------------------------------------


@dataclass
class Searched:
    """A search's results, and what the person should know about how it ran."""

    results: SearchResults
    # Set when the query text was longer than ``MAX_QUERY_CHARS`` and was cut.
    cut_from: int | None = None
    # Set when the index was being rebuilt and the database answered instead.
    rebuilding: str | None = None


def run_search(
    session: Session,
    index: MatchIndex,
    side: str,
    query: Query,
    predicates: Sequence[Predicate | None],
    top: int,
    exclude: Sequence[str] = (),
) -> Searched:
    """Score ``query`` against ``side``. Everything the scoring needs from the database is read
    before this call: a transaction that has only read is ended here, so its connection is back
    in the pool while the search scores (the hits are loaded afterwards with a new one)."""
    filters = [p for p in predicates if p is not None]
    query, cut_from = capped(query)
    if index.rebuilding(side):
        # The index is being rebuilt (it was missing or far behind): do not wait for it.
        fallback = _database_search(session, index, side, query, top)
        return Searched(fallback, cut_from, fallback.note)
    release_connection(session)
    with index.lock:
        matcher = index.matchers[side]
        if len(matcher) == 0 or not query.text.strip():
            empty = SearchResults(
                method=index.method,
                matches=(),
                filters_applied=tuple(f.describe() for f in filters),
                note=index.note,
            )
            return Searched(empty, cut_from)
        # A few extra, in case the database scope drops one the index filter let through.
        results = matcher.search(query, top_k=top + 10, filters=filters, exclude_ids=exclude)
    if index.note and not results.note:
        results = SearchResults(
            results.method,
            results.matches,
            results.filters_applied,
            index.note,
            results.query_terms,
        )
    return Searched(results, cut_from)


# How many candidate rows the database search reads while the index is rebuilt.
FALLBACK_CANDIDATES = 500


def _database_search(
    session: Session, index: MatchIndex, side: str, query: Query, top: int
) -> SearchResults:
    """While the index is rebuilt: supply items whose title or abstract contain the query's
    terms, ranked by how many they contain (title terms count double). Demands: nothing yet.
    The search options' filters are not applied (the note says the results are provisional);
    the read scope still is, when the hits are loaded."""
    note = index.rebuild_note(side)
    if side != "supply":
        return SearchResults(method="lexical", matches=(), note=note)
    terms = list(dict.fromkeys(t for t in shared_tokenizer().tokenize(query.text) if len(t) > 1))
    terms = sorted(terms, key=len, reverse=True)[:8]
    scored: list[tuple[float, int, str, tuple[str, ...]]] = []
    for item_id, title, abstract in supply_repo.find_by_terms(session, terms, FALLBACK_CANDIDATES):
        shared = tuple(t for t in terms if t in title or t in abstract)
        score = sum(2.0 if t in title else 1.0 for t in shared) / (2 * len(terms))
        scored.append((score, item_id, title, shared))
    scored.sort(key=lambda s: (-s[0], s[1]))
    matches = tuple(
        LibMatch(
            id=str(item_id),
            kind="supply_item",
            title=title,
            owner=None,
            score=score,
            rank=rank,
            reasons=Reasons(
                method="lexical",
                shared_terms=tuple(SharedTerm(t, 1.0) for t in shared),
                shared_codes=(),
                scores=ComponentScores(score, None, None, None, score, len(shared) / len(terms)),
                filters_applied=(),
            ),
        )
        for rank, (score, item_id, title, shared) in enumerate(scored[: top + 10], start=1)
    )
    return SearchResults(method="lexical", matches=matches, note=note, query_terms=tuple(terms))


def result_note(index: MatchIndex, searched: Searched) -> str | None:
    notes: list[str] = []
    if searched.rebuilding is not None:
        notes.append(searched.rebuilding)
    elif index.note:
        notes.append(index.note)
    elif searched.results.note:
        notes.append("当前只按关键词匹配（语义向量尚未建立），请运行 shuanggao matching reindex。")
    if searched.cut_from is not None:
        notes.append(
            f"查询文本共 {searched.cut_from} 字，超过 {MAX_QUERY_CHARS} 字，"
            f"只按前 {MAX_QUERY_CHARS} 字匹配。"
        )
    return "".join(notes) or None


def match_run(index: MatchIndex, searched: Searched, hits: list[Hit]) -> MatchRun:
    """One search's outcome: its method, note, applied filters and query terms, with ``hits``."""
    results = searched.results
    return MatchRun(
        method=results.method,
        note=result_note(index, searched),
        filters_applied=list(results.filters_applied),
        hits=hits,
        query_terms=list(results.query_terms),
        model_version=index.model_version,
    )


def supply_owner(item: SupplyItem, actor: Actor, granted: Collection[int] | None = None) -> str:
    """The item's researcher and university as ``actor`` may see them: without the researcher's
    consent an enterprise sees “某专家（未授权展示）” (``personal.shown``; ``granted``: the
    consents read for the items shown together, ``personal.shown_consents``)."""
    if item.owner_name:
        name = personal.shown(actor, "supply_item", "owner_name", item, granted)
        return f"{name}（{item.university.name}）"
    return item.university.name


def brief_owner(item: ItemBrief, actor: Actor, granted: Collection[int] | None) -> str:
    """``supply_owner`` of an ``ItemBrief`` (``granted`` is required when ``actor`` reads the
    name only with consent: a plain row has no session to read it from)."""
    if item.owner_name:
        name = personal.shown(actor, "supply_item", "owner_name", item, granted)
        return f"{name}（{item.university_name}）"
    return item.university_name


def demand_owner(demand: Demand, actor: Actor) -> str:
    if "enterprise_name" in demand_register.hidden_for(actor, demand):
        return ANONYMOUS_LABEL
    return demand.enterprise.name


def hits_for(
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
            Hit(
                kind,
                obj,
                obj.title,
                owner(obj),
                round(m.score, 4),
                len(hits) + 1,
                reasons_json(m),
                m,
            )
        )
        if len(hits) == top:
            break
    return hits


def _rows_in_rank_order(
    results: SearchResults, top: int, load: Callable[[list[int]], Sequence[Any]]
) -> dict[int, Any]:
    """The records of the first ``top`` results the actor may read: the first ``top`` ids are
    loaded, then more only for those the read scope dropped (rarely any: the index filter
    mirrors it), so a search does not load and decode rows it will not show."""
    ids = [int(m.id) for m in results.matches]
    rows: dict[int, Any] = {}
    done = 0
    batch = ids[:top]
    while batch:
        rows.update({r.id: r for r in load(batch)})
        done += len(batch)
        missing = top - sum(1 for i in ids[:done] if i in rows)
        batch = ids[done : done + missing] if missing > 0 else []
    return rows


def supply_hits(
    session: Session, actor: Actor, results: SearchResults, top: int, *, brief: bool = False
) -> list[Hit]:
    """The first ``top`` results the actor may read (``SUPPLY_POLICY.read_filter``), each
    ``Hit.obj`` the ``SupplyItem`` — or, with ``brief``, an ``ItemBrief`` (what a result shows
    and its rules read, without building ORM objects: the API and the after-save job). The
    consents the owners' names need are read once for all of them."""
    scope = SUPPLY_POLICY.read_filter(actor)
    if brief:
        briefs = _rows_in_rank_order(
            results, top, lambda ids: supply_repo.briefs_by_ids(session, ids, scope)
        )
        granted = personal.shown_consents(
            session, actor, "supply_item", "owner_name", briefs.values()
        )
        return hits_for(
            results, briefs, "supply_item", lambda i: brief_owner(i, actor, granted), top
        )
    rows = _rows_in_rank_order(
        results, top, lambda ids: supply_repo.list_by_ids(session, ids, scope)
    )
    granted = personal.shown_consents(session, actor, "supply_item", "owner_name", rows.values())
    return hits_for(results, rows, "supply_item", lambda i: supply_owner(i, actor, granted), top)


def _demand_hits(session: Session, actor: Actor, results: SearchResults, top: int) -> list[Hit]:
    scope = DEMAND_POLICY.read_filter(actor)
    rows = _rows_in_rank_order(
        results, top, lambda ids: demand_repo.list_by_ids(session, ids, scope)
    )
    return hits_for(results, rows, "demand", lambda d: demand_owner(d, actor), top)


def synced_index(session: Session, settings: Settings, side: str) -> MatchIndex:
    """The index with ``side`` ("supply" or "demand") in step with the database."""
    index = get_index(settings)
    index.sync_for_search(session, side)
    return index


def synced_supply(session: Session, settings: Settings) -> tuple[MatchIndex, Predicate | None]:
    """The index with the supply side in step with the database, and the opt-out filter
    (``opt_out_predicate``): the stamp and the opted-out items are read in one statement."""
    stamp, opted_out = repo.supply_stamp_and_opted_out(session)
    index = get_index(settings)
    index.sync_for_search(session, "supply", {"supply_item": stamp})
    return index, opted_out_filter(opted_out)


# ---------------------------------------------------------------------------------------------
# Use cases
# ---------------------------------------------------------------------------------------------


def demand_filters(
    session: Session, actor: Actor, demand: Demand, opts: SearchOptions
) -> list[Predicate | None]:
    preds: list[Predicate | None] = [supply_visibility(actor), opt_out_predicate(session)]
    return preds + demand_option_filters(session, demand, opts)


def demand_option_filters(
    session: Session, demand: Demand, opts: SearchOptions
) -> list[Predicate | None]:
    """The search options' filters of a demand's search (after the scope and opt-out)."""
    preds: list[Predicate | None] = []
    if opts.paired_only:
        preds.append(universities_predicate(repo.paired_universities(session, demand.zone_id)))
    if opts.mode_compatible:
        preds.append(mode_predicate(demand.cooperation_mode))
    if opts.min_maturity is not None:
        preds.append(maturity_predicate(opts.min_maturity))
    if opts.kinds:
        preds.append(kinds_predicate(opts.kinds))
    return preds


def match_demand(
    session: Session,
    settings: Settings,
    actor: Actor,
    demand_id: int,
    opts: SearchOptions | None = None,
    *,
    record: bool = True,
    full_rows: bool = False,
) -> MatchRun:
    """A demand → ranked supply items (stored as recommendations unless ``record=False``).
    Each ``Hit.obj`` is an ``ItemBrief``; ``full_rows``: the ``SupplyItem`` (a page renders its
    texts)."""
    opts = (opts or SearchOptions()).checked()
    demand = demand_repo.get_in_scope(session, demand_id, kit.read_scope(demand_register, actor))
    if demand is None:
        raise NotFound()
    index, opt_out = synced_supply(session, settings)
    preds = [supply_visibility(actor), opt_out, *demand_option_filters(session, demand, opts)]
    query = demand_node_query(session, actor, demand)
    searched = run_search(session, index, "supply", query, preds, opts.top)
    hits = supply_hits(session, actor, searched.results, opts.top, brief=not full_rows)
    flag_pairs(session, actor, [(h, demand, h.obj) for h in hits])
    if record and hits and actor.role is not Role.AUDITOR:
        record_pairs(session, actor, [(demand, h.obj, h) for h in hits])
        audit.record(
            session,
            actor,
            "match",
            demand_register.name,
            demand.id,
            summary=f"为产业需求生成匹配推荐：{demand.title}（{len(hits)} 条）",
        )
    return match_run(index, searched, hits)


def match_text(
    session: Session,
    settings: Settings,
    actor: Actor,
    text: str,
    opts: SearchOptions | None = None,
) -> MatchRun:
    """A free text (a need not yet entered) → ranked supply items (``Hit.obj``: an
    ``ItemBrief``); nothing is stored."""
    opts = (opts or SearchOptions()).checked()
    if not text.strip():
        raise ValidationFailed(fields={"text": "请输入需求描述"})
    index, opt_out = synced_supply(session, settings)
    preds: list[Predicate | None] = [supply_visibility(actor), opt_out]
    if opts.min_maturity is not None:
        preds.append(maturity_predicate(opts.min_maturity))
    if opts.kinds:
        preds.append(kinds_predicate(opts.kinds))
    searched = run_search(session, index, "supply", text_query(text), preds, opts.top)
    hits = supply_hits(session, actor, searched.results, opts.top, brief=True)
    return match_run(index, searched, hits)


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
    index = synced_index(session, settings, "demand")
    preds: list[Predicate | None] = [demand_visibility(session, actor)]
    if opts.paired_only:
        preds.append(zones_predicate(session, repo.paired_zone_ids(session, item.university_id)))
    searched = run_search(session, index, "demand", supply_query(item), preds, opts.top)
    hits = _demand_hits(session, actor, searched.results, opts.top)
    flag_pairs(session, actor, [(h, h.obj, item) for h in hits])
    if record and hits and actor.role is not Role.AUDITOR:
        record_pairs(session, actor, [(h.obj, item, h) for h in hits])
        audit.record(
            session,
            actor,
            "match",
            supply_register.name,
            item.id,
            summary=f"为技术供给清单条目生成需求推荐：{item.title}（{len(hits)} 条）",
        )
    return match_run(index, searched, hits)


def queue_matching(session: Session, actor: Actor, demand: Demand) -> None:
    """After a demand is saved (``Register.after_save``), match it in the background once the
    save has committed, so its owners find the recommendations on their home page without
    opening the matches page first. Only where a job can run (pages and the API)."""
    settings = session.info.get(jobs.SETTINGS)
    if settings is None or actor.role is Role.AUDITOR:
        return
    demand_id = demand.id

    def job(job_session: Session) -> None:
        match_demand(job_session, settings, actor, demand_id)

    # A reader until it stores the recommendations (``record_pairs`` takes the writer then): on
    # a fresh server the search first builds the index, and nobody waits for the writer meanwhile.
    jobs.after_commit(session, job, write=False)
