"""Planner use cases: recommendations for a zone or a university, the province-wide plan (with
what-if parameters) against a greedy plan, and the evaluation on hidden pairings.

Who sees what: the plan and the evaluation are province-wide (province admins and auditors);
a zone admin sees its own zone's recommendations, a university admin its university's; every
other request answers 404 (outside scope).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.clock import today
from shuanggao.config import Settings
from shuanggao.demand.policy import DemandPolicy
from shuanggao.errors import Forbidden, NotFound, ValidationFailed
from shuanggao.matches.documents import demand_query
from shuanggao.matches.index import get_index
from shuanggao.pairings.schemas import PairingStatus
from shuanggao.pairings.service import TARGET_LEVELS
from shuanggao.planner import repository as repo
from shuanggao.planner.affinity import WEIGHTS, AffinityTable, Inputs, build_table
from shuanggao.planner.errors import PlanInfeasible
from shuanggao.planner.explain import affinity_of, reasons, signals_of
from shuanggao.planner.optimise import Problem, Solution, greedy, optimal
from shuanggao.planner.schemas import (
    Affinity,
    EvaluationRead,
    PlanPair,
    PlanRead,
    PlanRequest,
    RecallFigure,
    Recommendations,
    UniversityLoad,
    ZoneRecall,
)
from shuanggao.programme.service import zone_target
from shuanggao.supply.policy import SupplyPolicy

PROVINCE = "江苏省"
MAX_TOP = 50
ENDED = (PairingStatus.TERMINATED.value,)
_CACHE: dict[tuple[Any, ...], AffinityTable] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


# ---------------------------------------------------------------------------------------------
# The affinity table (cached until a row it reads changes)
# ---------------------------------------------------------------------------------------------


def _bind_key(session: Session) -> str:
    bind: Any = session.get_bind()
    url = getattr(bind, "url", None) or bind.engine.url
    return str(url)


def affinity_table(
    session: Session, settings: Settings, *, use_cooperation: bool = True
) -> AffinityTable:
    """Every registered zone × every candidate university (the province's and any paired one)."""
    index = get_index(settings)
    index.sync(session, sides=("supply",))
    key = (
        _bind_key(session),
        str(index.directory),
        index.method,
        repo.data_version(session),
        use_cooperation,
    )
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is not None:
        return found
    zones = repo.zones(session)
    demands = repo.demands(session, [z.id for z in zones])
    queries = {d.id: demand_query(d) for d in repo.demands_by_id(session, [d.id for d in demands])}
    data = Inputs(
        zones=zones,
        universities=repo.candidate_universities(session, PROVINCE),
        demands=demands,
        demand_queries=queries,
        items=repo.item_codes(session),
        judged=repo.judged_matches(session, ["interested"]),
        projects=repo.project_counts(session),
        residents=repo.resident_counts(session),
        facts=repo.fact_counts(session),
    )
    table = build_table(index, data, use_cooperation=use_cooperation)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = table
    return table


def _names(
    session: Session, table: AffinityTable, cells: Sequence[tuple[int, int]]
) -> tuple[dict[str, str], dict[str, str]]:
    industries: set[str] = set()
    disciplines: set[str] = set()
    for zi, uj in cells:
        for link in table.detail(table.zones[zi].id, table.universities[uj].id).links:
            industries.add(link.industry)
            disciplines.add(link.discipline)
    return (
        repo.industry_names(session, sorted(industries)),
        repo.discipline_names(session, sorted(disciplines)),
    )


def _affinities(
    session: Session,
    actor: Actor,
    table: AffinityTable,
    cells: Sequence[tuple[int, int]],
    paired: set[tuple[int, int]],
) -> list[Affinity]:
    industry_names, discipline_names = _names(session, table, cells)
    items: set[int] | None = None
    demands: set[int] | None = None
    if not actor.sees_everything:
        item_ids, demand_ids = [], []
        for zi, uj in cells:
            for e in table.detail(table.zones[zi].id, table.universities[uj].id).evidence:
                item_ids.append(e.item_id)
                if e.demand_id is not None:
                    demand_ids.append(e.demand_id)
        items = repo.visible_item_ids(session, item_ids, SupplyPolicy().read_filter(actor))
        demands = repo.visible_demand_ids(session, demand_ids, DemandPolicy().read_filter(actor))
    return [
        affinity_of(
            table,
            zi,
            uj,
            rank=rank,
            paired=(table.zones[zi].id, table.universities[uj].id) in paired,
            industry_names=industry_names,
            discipline_names=discipline_names,
            visible_items=items,
            visible_demands=demands,
        )
        for rank, (zi, uj) in enumerate(cells, start=1)
    ]


def _check_top(top: int) -> None:
    if not 1 <= top <= MAX_TOP:
        raise ValidationFailed(fields={"top": f"应为 1 到 {MAX_TOP} 之间的整数"})


def _pairs(session: Session, as_of: dt.date) -> set[tuple[int, int]]:
    return set(repo.pairs_as_of(session, as_of, ENDED))


# ---------------------------------------------------------------------------------------------
# Recommendations
# ---------------------------------------------------------------------------------------------


def recommend_for_zone(
    session: Session, settings: Settings, actor: Actor, zone_id: int, top: int = 10
) -> Recommendations:
    """Universities ranked for a zone, each with its reasons (existing partners are flagged)."""
    _check_top(top)
    allowed = actor.sees_everything or (actor.role is Role.ZONE_ADMIN and actor.zone_id == zone_id)
    zone = repo.zone(session, zone_id) if allowed else None
    if zone is None:
        raise NotFound()
    table = affinity_table(session, settings)
    zi = table.zone_index[zone.id]
    order = sorted(
        range(len(table.universities)),
        key=lambda j: (-table.total[zi, j], table.universities[j].id),
    )[:top]
    results = _affinities(session, actor, table, [(zi, j) for j in order], _pairs(session, today()))
    return Recommendations(
        subject="zone",
        subject_id=zone.id,
        subject_name=zone.name,
        method=table.method,
        weights=dict(WEIGHTS),
        candidates=len(table.universities),
        results=results,
    )


def recommend_for_university(
    session: Session, settings: Settings, actor: Actor, university_id: int, top: int = 10
) -> Recommendations:
    """Zones ranked for a university: where its supply answers most of the zone's needs."""
    _check_top(top)
    allowed = actor.sees_everything or (
        actor.role is Role.UNIVERSITY_ADMIN and actor.university_id == university_id
    )
    table = affinity_table(session, settings) if allowed else None
    if table is None or university_id not in table.university_index:
        raise NotFound()
    uj = table.university_index[university_id]
    order = sorted(
        range(len(table.zones)),
        key=lambda i: (-table.total[i, uj], -table.signals["matching"][i, uj], table.zones[i].id),
    )[:top]
    results = _affinities(session, actor, table, [(i, uj) for i in order], _pairs(session, today()))
    return Recommendations(
        subject="university",
        subject_id=university_id,
        subject_name=table.universities[uj].name,
        method=table.method,
        weights=dict(WEIGHTS),
        candidates=len(table.zones),
        results=results,
    )


# ---------------------------------------------------------------------------------------------
# The province-wide plan
# ---------------------------------------------------------------------------------------------


def _require_province_view(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有省级管理员和审计员可以查看全省结对规划。")


def _plan_pairs(
    session: Session,
    table: AffinityTable,
    zone_rows: list[int],
    solution: Solution,
    fixed: set[tuple[int, int]],
) -> list[PlanPair]:
    cells = [(zone_rows[z], u) for z, u in solution.pairs]
    industry_names, discipline_names = _names(session, table, cells)
    out: list[PlanPair] = []
    for zi, uj in cells:
        zone, uni = table.zones[zi], table.universities[uj]
        detail = table.detail(zone.id, uni.id)
        out.append(
            PlanPair(
                zone_id=zone.id,
                zone_name=zone.name,
                zone_city=zone.city,
                university_id=uni.id,
                university_name=uni.name,
                university_city=uni.city,
                affinity=round(float(table.total[zi, uj]), 4),
                signals=signals_of(table, zi, uj),
                fixed=(zone.id, uni.id) in fixed,
                reasons=reasons(table, zi, uj, detail, industry_names, discipline_names),
            )
        )
    out.sort(key=lambda p: (p.zone_city, p.zone_name, -p.affinity, p.university_id))
    return out


def make_plan(
    session: Session,
    settings: Settings,
    actor: Actor,
    request: PlanRequest | None = None,
    as_of: dt.date | None = None,
) -> PlanRead:
    """Partners for every registered, unpaired provincial-and-above zone: maximal total affinity
    within capacities (``optimise.optimal``), compared with the greedy plan of the same run."""
    _require_province_view(actor)
    request = request or PlanRequest()
    as_of = as_of or today()
    table = affinity_table(session, settings)
    pairs = _pairs(session, as_of)
    paired_zones = {z for z, _ in pairs}
    target = [i for i, z in enumerate(table.zones) if z.level in TARGET_LEVELS]
    open_rows = [i for i in target if table.zones[i].id not in paired_zones]
    open_index = {table.zones[i].id: k for k, i in enumerate(open_rows)}
    existing = Counter(u for _, u in pairs)
    capacity = {u.id: request.capacity for u in table.universities}
    bad: list[str] = []
    for item in request.capacities:
        if item.university_id not in capacity:
            bad.append(str(item.university_id))
        capacity[item.university_id] = item.capacity
    if bad:
        raise ValidationFailed(
            fields={"capacities": f"高校不在候选范围内（编号 {'、'.join(bad)}）"}
        )
    fixed: list[tuple[int, int]] = []
    for pair in request.fixed:
        if pair.zone_id not in open_index:
            raise ValidationFailed(
                fields={"fixed": f"高新区（编号 {pair.zone_id}）不是待结对的已登记高新区"}
            )
        if pair.university_id not in table.university_index:
            raise ValidationFailed(
                fields={"fixed": f"高校不在候选范围内（编号 {pair.university_id}）"}
            )
        fixed.append((open_index[pair.zone_id], table.university_index[pair.university_id]))
    fixed = sorted(set(fixed))
    need = np.full(len(open_rows), request.partners, dtype=np.int64)
    for z, n in Counter(z for z, _ in fixed).items():
        need[z] = max(need[z], n)
    remaining = np.array(
        [max(capacity[u.id] - existing[u.id], 0) for u in table.universities], dtype=np.int64
    )
    problem = Problem(
        affinity=table.total[open_rows, :] if open_rows else np.zeros((0, len(table.universities))),
        need=need,
        capacity=remaining,
        allowed=np.ones((len(open_rows), len(table.universities)), dtype=bool),
        fixed=tuple(fixed),
    )
    best = optimal(problem)
    if not best.feasible:
        raise PlanInfeasible()
    base = greedy(problem)
    fixed_ids = {(table.zones[open_rows[z]].id, table.universities[u].id) for z, u in fixed}
    proposed = Counter(table.universities[u].id for _, u in best.pairs)
    target_total = zone_target(session)
    registered = len(target)
    return PlanRead(
        as_of=as_of,
        target_total=max(target_total.total, registered),
        target_source=target_total.source_url,
        registered=registered,
        unregistered=max(target_total.total - registered, 0),
        paired=len(target) - len(open_rows),
        zones=len(open_rows),
        covered=best.zones_covered(),
        total_affinity=round(best.total, 4),
        greedy_covered=base.zones_covered() if base.feasible else len({z for z, _ in base.pairs}),
        greedy_total_affinity=round(base.total, 4),
        gain_over_greedy=round(best.total - base.total, 4),
        method=table.method,
        parameters=request,
        pairs=_plan_pairs(session, table, open_rows, best, fixed_ids),
        greedy_pairs=_plan_pairs(session, table, open_rows, base, fixed_ids),
        loads=[
            UniversityLoad(
                university_id=u.id,
                university_name=u.name,
                existing=existing[u.id],
                proposed=proposed[u.id],
                capacity=capacity[u.id],
            )
            for u in table.universities
            if proposed[u.id]
        ],
    )


# ---------------------------------------------------------------------------------------------
# Evaluation on hidden pairings
# ---------------------------------------------------------------------------------------------

EVAL_NOTE = (
    "评估时隐藏现有结对，且不使用合作信号（项目、驻区人员、公开报道都随结对产生）。"
    "注意：演示数据中各高校的技术供给条目按其结对高新区的主题生成，"
    "匹配与契合信号在演示数据上因此偏高；距离信号不受此影响。"
    "并列名次按随机次序的期望计入。"
)
_FIGURES = (
    ("total", "综合推荐"),
    ("matching", "仅供需匹配"),
    ("fit", "仅产业—学科契合"),
    ("distance", "仅距离"),
)


def _expected_hit(scores: np.ndarray[Any, Any], j: int, k: int) -> float:
    """P(rank of j ≤ k) when ties are broken at random."""
    above = int((scores > scores[j]).sum())
    tied = int((scores == scores[j]).sum())
    return float(min(max((k - above) / tied, 0.0), 1.0))


def evaluate(
    session: Session, settings: Settings, actor: Actor, as_of: dt.date | None = None
) -> EvaluationRead:
    """Hide every existing pairing; how many of them land in their zone's top 3 and top 5."""
    _require_province_view(actor)
    as_of = as_of or today()
    table = affinity_table(session, settings, use_cooperation=False)
    hidden: dict[int, list[int]] = defaultdict(list)
    for zone_id, uid in sorted(_pairs(session, as_of)):
        if zone_id in table.zone_index and uid in table.university_index:
            hidden[zone_id].append(uid)
    total_pairs = sum(len(v) for v in hidden.values())
    figures: list[RecallFigure] = []
    per_zone: list[ZoneRecall] = []
    for name, label in _FIGURES:
        matrix = table.total if name == "total" else table.signals[name]
        hits = {3: 0.0, 5: 0.0}
        for zone_id, uids in hidden.items():
            scores = np.round(matrix[table.zone_index[zone_id]], 6)
            for uid in uids:
                for k in hits:
                    hits[k] += _expected_hit(scores, table.university_index[uid], k)
            if name == "total":
                per_zone.append(
                    ZoneRecall(
                        zone_id=zone_id,
                        zone_name=table.zones[table.zone_index[zone_id]].name,
                        hidden=[table.universities[table.university_index[u]].name for u in uids],
                        ranks=[
                            1 + int((scores > scores[table.university_index[u]]).sum())
                            for u in uids
                        ],
                    )
                )
        figures.append(
            RecallFigure(
                name=name,
                label=label,
                recall_at_3=round(hits[3] / total_pairs, 4) if total_pairs else 0.0,
                recall_at_5=round(hits[5] / total_pairs, 4) if total_pairs else 0.0,
                hits_at_3=round(hits[3], 2),
                hits_at_5=round(hits[5], 2),
            )
        )
    return EvaluationRead(
        as_of=as_of,
        zones=len(hidden),
        hidden_pairs=total_pairs,
        candidates=len(table.universities),
        method=table.method,
        note=EVAL_NOTE,
        figures=figures,
        per_zone=per_zone,
    )
