"""The brokers' work on needs: the triage queue (state, checklist, the matcher's confidence) and
duplicate needs (flagged when a need is entered, and listed in groups).

Everything here reads needs through ``DemandPolicy.read_filter`` and names their enterprises
through ``demand_owner`` (an anonymous need stays 匿名企业 to readers outside its zone), so a
zone's broker never learns from a duplicate group what another zone keeps to itself.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.demand import checklist
from shuanggao.demand import repository as demand_repo
from shuanggao.demand.models import Demand
from shuanggao.demand.schemas import TriageState
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.matches import dup_index
from shuanggao.matches import duplicates as dup
from shuanggao.matches.documents import demand_query
from shuanggao.matches.filters import supply_visibility
from shuanggao.matches.results import DEMAND_POLICY, MIN_COVERAGE
from shuanggao.matches.search import demand_owner, run_search, synced_index
from shuanggao.matches.triage_schemas import (
    Confidence,
    DuplicateGroup,
    DuplicateList,
    DuplicatePair,
    QueueRow,
    SimilarNeed,
    TriageQueue,
)
from shuanggao.matches.upkeep import ensure_index_ready

# A need whose best supply covers less than this share of its term weight has no answer at all.
WEAK_COVERAGE = 0.25
# How many similar needs a warning at entry names.
WARN_LIMIT = 5
log = logging.getLogger("shuanggao.matches")
BROKERS = frozenset({Role.ZONE_ADMIN, Role.PROVINCE_ADMIN, Role.AUDITOR})

_CACHE_MAX = 50_000
_cache: dict[int, tuple[tuple[Any, ...], dup.Features]] = {}
_cache_lock = threading.Lock()


def _cache_key(demand: Demand) -> tuple[Any, ...]:
    """What the features are computed from (not the version alone: two databases in one process,
    e.g. a restored backup or the tests, reuse ids and versions)."""
    return (
        demand.title,
        demand.description,
        demand.technical_indicators,
        tuple(demand.keywords or ()),
        demand.industry_code,
        demand.chain_node,
        demand.chain_node_id,
    )


def _features(demand: Demand) -> dup.Features:
    """A stored need's comparison features, kept per id while its compared fields stay."""
    key = _cache_key(demand)
    with _cache_lock:
        hit = _cache.get(demand.id)
    if hit is not None and hit[0] == key:
        return hit[1]
    found = dup.features(demand)
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[demand.id] = (key, found)
    return found


def broker_zone(actor: Actor, zone_id: int | None) -> int | None:
    """The zone a broker's list is about: a zone administrator's own; the province's choice."""
    if actor.role not in BROKERS:
        raise Forbidden("需求梳理由高新区管理员和省级管理员负责。")
    if actor.role is Role.ZONE_ADMIN:
        if actor.zone_id is None:
            raise Forbidden("您的账号未关联高新区。")
        if zone_id is not None and zone_id != actor.zone_id:
            raise Forbidden("您只能梳理本高新区的需求。")
        return actor.zone_id
    return zone_id


def _similar(actor: Actor, demand: Demand) -> SimilarNeed:
    return SimilarNeed(
        demand_id=demand.id,
        title=demand.title,
        zone_name=demand.zone.name,
        owner=demand_owner(demand, actor),
        visibility=demand.visibility,
        triage_state=demand.triage_state,
    )


# ---------------------------------------------------------------------------------------------
# At entry: the demand register's ``warn`` hook
# ---------------------------------------------------------------------------------------------


def check_duplicates(
    session: Session, actor: Actor, values: dict[str, Any], current: Any
) -> list[dict[str, Any]]:
    """Warnings for a need being saved that resembles needs its author may read (form, API,
    import, the event intake page: every write of the demand register). Never refuses.

    The stored needs come from the duplicate index (``dup_index``: the few that could reach
    ``FLAG_AT``, scored as a full scan would); the full scan (``scan_similar``) answers when a
    need the index flags is not in the read scope in SQL."""
    title = str(values.get("title") or "").strip()
    if not title:
        return []
    mine = dup.features(_need_text(values))
    exclude = current.id if current is not None else None
    flagged = indexed_similar(session, actor, mine, exclude)
    if flagged is None:
        flagged = scan_similar(session, actor, mine, exclude)[:WARN_LIMIT]
    if not flagged:
        return []
    similar = [
        {**_similar(actor, d).model_dump(), "score": s.score, "kind": s.kind} for s, d in flagged
    ]
    named = "；".join(
        f"“{d.title}”（{d.zone.name}，{demand_owner(d, actor)}，相似度 {s.score:.2f}）"
        for s, d in flagged
    )
    return [
        {
            "code": "possible_duplicate",
            "message": f"“{title}”可能与已登记的需求重复或相近：{named}。请核对是否为同一需求。",
            "similar": similar,
        }
    ]


def scan_similar(
    session: Session, actor: Actor, mine: dup.Features, exclude: int | None
) -> list[tuple[dup.Similarity, Demand]]:
    """Every need in the actor's read scope (but ``exclude``) flagged against ``mine``, best
    first: the full scan, O(needs in scope). The reference the index is tested against."""
    others = [
        d
        for d in demand_repo.list_in_scope(session, DEMAND_POLICY.read_filter(actor))
        if d.id != exclude
    ]
    if not others:
        return []
    feats = [_features(d) for d in others]
    corpus = dup.corpus_of([*feats, mine])
    scored = [(dup.similarity(mine, f, corpus), d) for f, d in zip(feats, others, strict=True)]
    return sorted(
        ((s, d) for s, d in scored if s.score >= dup.FLAG_AT), key=lambda p: (-p[0].score, p[1].id)
    )


def _in_step(session: Session, actor: Actor) -> tuple[dup_index.DupIndex, dup_index.Scope]:
    """The duplicate index synced with ``session`` and the actor's scope in its parts (call
    under ``index.lock``)."""
    index = dup_index.index_for(session)
    index.sync(session)
    return index, dup_index.scope_of(session, actor)


def indexed_similar(
    session: Session, actor: Actor, mine: dup.Features, exclude: int | None, limit: int = WARN_LIMIT
) -> list[tuple[dup.Similarity, Demand]] | None:
    """The first ``limit`` of ``scan_similar``'s answer through the duplicate index, the needs
    loaded through the read scope in SQL (the authority); None when one of them is not in it
    (the index and the scope disagree: the caller scans)."""
    index = dup_index.index_for(session)
    with index.lock:
        _, scope = _in_step(session, actor)
        found = index.similar_to(scope, mine, exclude=exclude)[:limit]
    loaded = {
        d.id: d
        for d in demand_repo.list_by_ids(
            session, [i for _, i in found], DEMAND_POLICY.read_filter(actor)
        )
    }
    if any(i not in loaded for _, i in found):
        log.warning("duplicate index: a need flagged for %s is outside its read scope", actor.role)
        return None
    return [(s, loaded[i]) for s, i in found]


def _need_text(values: dict[str, Any]) -> dup.NeedText:
    return dup.NeedText(
        title=str(values.get("title") or "").strip(),
        description=str(values.get("description") or ""),
        technical_indicators=values.get("technical_indicators"),
        keywords=tuple(values.get("keywords") or ()),
        industry_code=values.get("industry_code"),
        chain_node=values.get("chain_node"),
        chain_node_id=values.get("chain_node_id"),
    )


def check_duplicates_within(
    session: Session, actor: Actor, rows: list[tuple[int, dict[str, Any]]]
) -> list[tuple[int, dict[str, Any]]]:
    """Warnings between the rows of one import file (the demand register's ``warn_rows``): a
    row that resembles an earlier row of the same file is flagged, naming that row. Term rarity
    is counted over the stored needs the importer may read and the file's rows, as at entry."""
    texts = [(n, _need_text(v)) for n, v in rows if str(v.get("title") or "").strip()]
    if len(texts) < 2:
        return []
    feats = [dup.features(t) for _, t in texts]
    corpus = _file_corpus(session, actor, feats)
    earlier: dict[int, list[tuple[int, dup.Similarity]]] = {}
    for i, j, sim in dup.similar_pairs(feats, corpus):
        earlier.setdefault(j, []).append((i, sim))
    out: list[tuple[int, dict[str, Any]]] = []
    for j in sorted(earlier):
        found = sorted(earlier[j], key=lambda p: (-p[1].score, p[0]))[:WARN_LIMIT]
        number, need = texts[j]
        named = "；".join(
            f"第 {texts[i][0]} 行“{texts[i][1].title}”（相似度 {s.score:.2f}）" for i, s in found
        )
        out.append(
            (
                number,
                {
                    "code": "duplicate_in_file",
                    "message": f"“{need.title}”可能与本文件中的需求重复或相近：{named}。"
                    "请核对是否为同一需求。",
                    "rows": [texts[i][0] for i, _ in found],
                    "scores": [s.score for _, s in found],
                },
            )
        )
    return out


def _file_corpus(session: Session, actor: Actor, feats: list[dup.Features]) -> dup.Corpus:
    """Term rarity over the stored needs in scope and the file's rows (the duplicate index's
    counts, equal to ``corpus_of`` over those needs)."""
    index = dup_index.index_for(session)
    with index.lock:
        _, scope = _in_step(session, actor)
        return index.corpus(scope, set().union(*(f.body for f in feats)), extra=feats)


# ---------------------------------------------------------------------------------------------
# The brokers' duplicate list
# ---------------------------------------------------------------------------------------------


def _pairs(
    demands: Sequence[Demand],
) -> list[tuple[int, int, dup.Similarity]]:
    feats = [_features(d) for d in demands]
    return dup.similar_pairs(feats, dup.corpus_of(feats))


def duplicate_list(session: Session, actor: Actor, zone_id: int | None = None) -> DuplicateList:
    """Groups of duplicate and near-duplicate needs among those the broker may read; for a zone,
    the groups with at least one of its needs. One solution can then serve the group's firms."""
    zone = broker_zone(actor, zone_id)
    demands = demand_repo.list_in_scope(session, DEMAND_POLICY.read_filter(actor))
    pairs = _pairs(demands)
    out: list[DuplicateGroup] = []
    for members in dup.groups(len(demands), pairs):
        if zone is not None and not any(demands[i].zone_id == zone for i in members):
            continue
        inside = set(members)
        group_pairs = [
            DuplicatePair(
                a=demands[i].id,
                b=demands[j].id,
                score=s.score,
                kind=s.kind,
                same_code=s.same_code,
                same_node=s.same_node,
                shared_terms=list(s.shared),
            )
            for i, j, s in pairs
            if i in inside
        ]
        out.append(
            DuplicateGroup(
                members=[_similar(actor, demands[i]) for i in members],
                pairs=group_pairs,
                best_score=max(p.score for p in group_pairs),
            )
        )
    out.sort(key=lambda g: (-len(g.members), -g.best_score, g.members[0].demand_id))
    return DuplicateList(zone_id=zone, threshold=dup.FLAG_AT, groups=out)


# ---------------------------------------------------------------------------------------------
# The triage queue
# ---------------------------------------------------------------------------------------------


def confidence_of(coverage: float | None) -> Confidence:
    if coverage is None or coverage < WEAK_COVERAGE:
        return Confidence.NONE
    return Confidence.GOOD if coverage >= MIN_COVERAGE else Confidence.WEAK


def _parse_filters(state: str | None, confidence: str | None) -> tuple[str | None, str | None]:
    fields: dict[str, str] = {}
    parsed_state = parsed_conf = None
    if state:
        found = TriageState.parse(state)
        if isinstance(found, TriageState):
            parsed_state = found.value
        else:
            fields["state"] = "应为以下之一：" + "、".join(TriageState.labels())
    if confidence:
        level = Confidence.parse(confidence)
        if isinstance(level, Confidence):
            parsed_conf = level.value
        else:
            fields["confidence"] = "应为以下之一：" + "、".join(Confidence.labels())
    if fields:
        raise ValidationFailed(fields=fields)
    return parsed_state, parsed_conf


def triage_queue(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    zone_id: int | None = None,
    state: str | None = None,
    confidence: str | None = None,
    factory: sessionmaker[Session] | None = None,
) -> TriageQueue:
    """A zone's needs for its brokers: each with its triage state, what the checklist asks for,
    how well the best supply the broker may see answers it, and how many similar needs exist.
    Needs with no good answer and vague needs first."""
    zone = broker_zone(actor, zone_id)
    want_state, want_conf = _parse_filters(state, confidence)
    if factory is not None:
        ensure_index_ready(session, settings, factory, "supply")
    scope = DEMAND_POLICY.read_filter(actor)
    everyone = demand_repo.list_in_scope(session, scope)
    dup_count: Counter[int] = Counter()
    for i, j, _ in _pairs(everyone):
        dup_count[everyone[i].id] += 1
        dup_count[everyone[j].id] += 1
    demands = [
        d
        for d in everyone
        if (zone is None or d.zone_id == zone)
        and (want_state is None or d.triage_state == want_state)
    ]
    index = synced_index(session, settings, "supply")
    preds = [supply_visibility(actor)]
    rows: list[QueueRow] = []
    counts: Counter[str] = Counter()
    for demand in demands:
        searched = run_search(session, index, "supply", demand_query(demand), preds, 1)
        best = searched.results.matches[0] if searched.results.matches else None
        coverage = best.reasons.scores.coverage if best is not None else None
        level = confidence_of(coverage)
        counts[level.value] += 1
        if want_conf is not None and level.value != want_conf:
            continue
        prompts = checklist.prompts_for(demand)
        rows.append(
            QueueRow(
                demand_id=demand.id,
                title=demand.title,
                zone_id=demand.zone_id,
                zone_name=demand.zone.name,
                owner=demand_owner(demand, actor),
                triage_state=demand.triage_state,
                prompts=[p.label for p in prompts],
                vague=checklist.is_vague(prompts),
                confidence=level.value,
                best_coverage=round(coverage, 4) if coverage is not None else None,
                best_score=round(best.score, 4) if best is not None else None,
                best_supply_id=int(best.id) if best is not None else None,
                best_supply_title=best.title if best is not None else None,
                duplicates=dup_count[demand.id],
            )
        )
    order = {c.value: n for n, c in enumerate((Confidence.NONE, Confidence.WEAK, Confidence.GOOD))}
    rows.sort(key=lambda r: (order[r.confidence], not r.vague, r.demand_id))
    return TriageQueue(zone_id=zone, counts=dict(counts), rows=rows)
