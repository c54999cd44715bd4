"""The affinity of every zone × university, from four signals, each in [0, 1] and explained.

- **matching** — how many of the zone's demands the university's public supply answers well and
  how well: every demand is searched once against the supply index (batch, top ``TOP_K``); for
  each university its best item's term coverage counts. ``0.5 × answered share + 0.5 × mean best
  coverage``. A zone with no demand uses its stated industries (主导产业、未来产业) as one query.
- **fit** — GB/T 4754 大类 ↔ 一级学科 links learned from the supply items' stated codes and the
  matches people marked 有意向: ``P(discipline | industry)``; the zone's industries (its demands'
  codes and its stated codes) against the university's disciplines (stated and its items').
- **cooperation** — projects, residents and public programme facts linking the two:
  ``1 − 0.5^n``. Left out (``use_cooperation=False``) when evaluating on hidden pairings.
- **distance** — same city 1, neighbouring city 0.5 (``geography``).

``total = Σ weight × signal``; the weights are ``WEIGHTS``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from shuanggao_matching import Filter, Query, is_good_answer

from shuanggao.matches.index import MatchIndex
from shuanggao.planner.geography import closeness
from shuanggao.planner.repository import DemandRow, ItemCodes, UniversityRow, ZoneRow

WEIGHTS: dict[str, float] = {"matching": 0.45, "fit": 0.25, "cooperation": 0.15, "distance": 0.15}
SIGNALS = tuple(WEIGHTS)
TOP_K = 40
GOOD_COVERAGE = 0.5
EVIDENCE_PAIRS = 3
EVIDENCE_LINKS = 3


def industry_key(code: str) -> str:
    """GB/T 4754 大类 (门类 letter + 2 digits), the level links are learned at."""
    code = code.strip().upper()
    return code[:3] if len(code) >= 3 else code


def discipline_key(code: str) -> str:
    return code.strip()[:4]


@dataclass(frozen=True)
class Evidence:
    """A demand the university's item answers, with the coverage and the shared terms."""

    demand_id: int | None
    demand_title: str
    item_id: int
    item_title: str
    coverage: float
    answered: bool
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    industry: str
    discipline: str
    weight: float


@dataclass
class PairDetail:
    answered: int = 0
    demands: int = 0
    chain_nodes: tuple[str, ...] = ()
    evidence: list[Evidence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    projects: int = 0
    residents: int = 0
    facts: int = 0


@dataclass
class AffinityTable:
    """Rows are zones, columns universities; ``signals[name]`` and ``total`` are Z × U."""

    zones: list[ZoneRow]
    universities: list[UniversityRow]
    signals: dict[str, npt.NDArray[np.float64]]
    total: npt.NDArray[np.float64]
    details: dict[tuple[int, int], PairDetail]
    method: str
    use_cooperation: bool
    # How many queries (demands, or the stated industries) each zone was searched with.
    zone_queries: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.zone_index = {z.id: i for i, z in enumerate(self.zones)}
        self.university_index = {u.id: j for j, u in enumerate(self.universities)}

    def detail(self, zone_id: int, university_id: int) -> PairDetail:
        return self.details.get((zone_id, university_id), PairDetail())


@dataclass(frozen=True)
class Inputs:
    zones: list[ZoneRow]
    universities: list[UniversityRow]
    demands: list[DemandRow]
    demand_queries: dict[int, Query]
    items: list[ItemCodes]
    judged: list[tuple[str, tuple[str, ...]]]
    projects: dict[tuple[int, int], int]
    residents: dict[tuple[int, int], int]
    facts: dict[tuple[int, int], int]


def build_table(index: MatchIndex, data: Inputs, *, use_cooperation: bool) -> AffinityTable:
    zones, unis = data.zones, data.universities
    zi = {z.id: i for i, z in enumerate(zones)}
    uj = {u.id: j for j, u in enumerate(unis)}
    shape = (len(zones), len(unis))
    details: dict[tuple[int, int], PairDetail] = defaultdict(PairDetail)
    matching, method, zone_queries = _matching(index, data, zi, uj, details)
    fit = _fit(data, zi, uj, details)
    cooperation = np.zeros(shape)
    if use_cooperation:
        for source, attr in (
            (data.projects, "projects"),
            (data.residents, "residents"),
            (data.facts, "facts"),
        ):
            for (z, u), n in source.items():
                if z in zi and u in uj:
                    setattr(details[(z, u)], attr, n)
        for (z, u), d in details.items():
            n = d.projects + d.residents + d.facts
            if n:
                cooperation[zi[z], uj[u]] = 1 - 0.5**n
    distance = np.array([[closeness(z.city, u.city) for u in unis] for z in zones]).reshape(shape)
    signals = {
        "matching": matching,
        "fit": fit,
        "cooperation": cooperation,
        "distance": distance,
    }
    total = sum((WEIGHTS[name] * signals[name] for name in SIGNALS), np.zeros(shape))
    return AffinityTable(
        zones=zones,
        universities=unis,
        signals=signals,
        total=np.round(total, 6),
        details=dict(details),
        method=method,
        use_cooperation=use_cooperation,
        zone_queries=zone_queries,
    )


def _matching(
    index: MatchIndex,
    data: Inputs,
    zi: dict[int, int],
    uj: dict[int, int],
    details: dict[tuple[int, int], PairDetail],
) -> tuple[npt.NDArray[np.float64], str, dict[int, int]]:
    """Each demand searched once; per (zone, university) the answered share and mean coverage."""
    out = np.zeros((len(zi), len(uj)))
    item_university = {i.id: i.university_id for i in data.items}
    queries: dict[int, list[tuple[int | None, str, Query]]] = defaultdict(list)
    nodes: dict[int, dict[int, str]] = defaultdict(dict)
    for d in data.demands:
        if d.id in data.demand_queries:
            queries[d.zone_id].append((d.id, d.title, data.demand_queries[d.id]))
            if d.chain_node:
                nodes[d.zone_id][d.id] = d.chain_node
    for z in data.zones:
        if not queries[z.id] and z.profile.strip():
            queries[z.id].append((None, f"{z.name}主导产业", Query(text=z.profile)))
    public = [Filter("is_public", "eq", True)]
    method = index.method
    with index.lock:
        matcher = index.matchers["supply"]
        empty = len(matcher) == 0
        for zone_id, zone_queries in queries.items():
            if zone_id not in zi:
                continue
            best: dict[tuple[int | None, int], Evidence] = {}
            for demand_id, demand_title, query in zone_queries:
                if empty or not query.text.strip():
                    continue
                results = matcher.search(query, top_k=TOP_K, filters=public)
                method = results.method
                for m in results.matches:
                    uid = item_university.get(int(m.id))
                    if uid is None or uid not in uj:
                        continue
                    cov = float(m.reasons.scores.coverage)
                    if cov <= 0:
                        # A dense-only neighbour sharing no term of the demand is no evidence.
                        continue
                    key = (demand_id, uid)
                    if key in best and best[key].coverage >= cov:
                        continue
                    best[key] = Evidence(
                        demand_id,
                        demand_title,
                        int(m.id),
                        m.title,
                        round(cov, 4),
                        is_good_answer(m, min_coverage=GOOD_COVERAGE),
                        tuple(t.term for t in m.reasons.shared_terms[:4]),
                    )
            n = len(zone_queries)
            per_uni: dict[int, list[Evidence]] = defaultdict(list)
            for (_, uid), ev in best.items():
                per_uni[uid].append(ev)
            for uid, evs in per_uni.items():
                answered = [e for e in evs if e.answered]
                value = 0.5 * len(answered) / n + 0.5 * sum(e.coverage for e in evs) / n
                out[zi[zone_id], uj[uid]] = value
                pair = details[(zone_id, uid)]
                pair.answered, pair.demands = len(answered), n
                pair.chain_nodes = tuple(
                    sorted(
                        {
                            nodes[zone_id][e.demand_id]
                            for e in answered
                            if e.demand_id in nodes[zone_id]
                        }
                    )
                )
                pair.evidence = sorted(evs, key=lambda e: (-e.coverage, e.item_id))[:EVIDENCE_PAIRS]
    return out, method, {z: len(q) for z, q in queries.items() if z in zi}


def learn_links(
    items: Sequence[ItemCodes], judged: Sequence[tuple[str, tuple[str, ...]]]
) -> dict[str, dict[str, float]]:
    """``P(discipline | industry)`` from items stating both codes (weight 1) and matches marked
    有意向 (weight 2)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        for ind in {industry_key(c) for c in item.industry_codes if c}:
            for dis in {discipline_key(c) for c in item.discipline_codes if c}:
                counts[ind][dis] += 1
    for code, disciplines in judged:
        for dis in {discipline_key(c) for c in disciplines if c}:
            counts[industry_key(code)][dis] += 2
    out: dict[str, dict[str, float]] = {}
    for ind, counter in counts.items():
        total = sum(counter.values())
        out[ind] = {dis: n / total for dis, n in counter.items()}
    return out


def _fit(
    data: Inputs,
    zi: dict[int, int],
    uj: dict[int, int],
    details: dict[tuple[int, int], PairDetail],
) -> npt.NDArray[np.float64]:
    out = np.zeros((len(zi), len(uj)))
    links = learn_links(data.items, data.judged)
    zone_industries: dict[int, Counter[str]] = defaultdict(Counter)
    for z in data.zones:
        for c in z.industry_codes:
            zone_industries[z.id][industry_key(c)] += 1
    for d in data.demands:
        if d.industry_code:
            zone_industries[d.zone_id][industry_key(d.industry_code)] += 1
    uni_disciplines: dict[int, set[str]] = defaultdict(set)
    for u in data.universities:
        uni_disciplines[u.id].update(discipline_key(c) for c in u.discipline_codes)
    for item in data.items:
        if item.is_public:
            uni_disciplines[item.university_id].update(
                discipline_key(c) for c in item.discipline_codes
            )
    for zone_id, industries in zone_industries.items():
        if zone_id not in zi:
            continue
        weight = sum(industries.values())
        for uid, disciplines in uni_disciplines.items():
            if uid not in uj or not disciplines:
                continue
            value = 0.0
            found: list[Link] = []
            for ind, n in industries.items():
                probs = links.get(ind, {})
                share = sum(p for dis, p in probs.items() if dis in disciplines)
                value += n / weight * min(share, 1.0)
                found.extend(
                    Link(ind, dis, round(n / weight * p, 4))
                    for dis, p in probs.items()
                    if dis in disciplines
                )
            if value > 0:
                out[zi[zone_id], uj[uid]] = value
                found.sort(key=lambda k: (-k.weight, k.industry, k.discipline))
                details[(zone_id, uid)].links = found[:EVIDENCE_LINKS]
    return out
