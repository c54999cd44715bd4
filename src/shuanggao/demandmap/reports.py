"""The reverse view of a university (where its supply lands on the zones' chains, which items
no zone needs yet) and the gap reports: per zone, the needs without a good answer by node; per
university, the disciplines the needs of its paired zones call for that it lacks.

Both use the chain map's definitions (``coverage.strong``, placements), so a need answered on
the map is answered here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.chains import repository as chains_repo
from shuanggao.chains.models import ChainNode
from shuanggao.config import Settings
from shuanggao.demandmap import repository as repo
from shuanggao.demandmap.coverage import Answers, need_row, search_needs, strong
from shuanggao.demandmap.proposals import demand_text
from shuanggao.demandmap.schemas import (
    DisciplineGap,
    GapRow,
    LandingRow,
    ReverseView,
    UniversityGaps,
)
from shuanggao.demandmap.service import scope
from shuanggao.errors import NotFound
from shuanggao.matches import classifiers
from shuanggao.matches import repository as matches_repo
from shuanggao.matches.index import get_index
from shuanggao.matches.results import DEMAND_POLICY, SUPPLY_POLICY
from shuanggao.reference.data import disciplines

UNPLACED = "未归入产业链"


def _nodes_by_id(session: Session, zone_ids: set[int]) -> dict[int, ChainNode]:
    return {n.id: n for n in chains_repo.nodes_of_zones(session, zone_ids)}


def _where(demand: Any, nodes: dict[int, ChainNode]) -> ChainNode | None:
    for candidate in (demand.chain_node_id, demand.proposed_chain_node_id):
        if candidate is not None and candidate in nodes:
            return nodes[candidate]
    return None


def zone_gaps(session: Session, settings: Settings, actor: Actor, zone_id: int) -> list[GapRow]:
    """Needs of the zone the reader may see with no good answer among the paired universities'
    supply, by chain and node (needs on no node last), with the best answer elsewhere."""
    zone, universities, _ = scope(session, actor, zone_id, None)
    demands = repo.demands_in_zones(session, [zone.id], DEMAND_POLICY.read_filter(actor))
    nodes = _nodes_by_id(session, {zone.id})
    searched = search_needs(session, settings, actor, demands, universities)
    paired = {u.id for u in universities}
    out: list[tuple[tuple[int, int, int], GapRow]] = []
    for demand in demands:
        row = need_row(
            demand, actor, searched.answers.get(demand.id, Answers()), set(nodes), paired
        )
        if row.answered:
            continue
        node = _where(demand, nodes)
        key = (0, node.chain_id, node.position) if node else (1, 0, 0)
        out.append(
            (
                (*key[:2], key[2] * 1_000_000 + demand.id),
                GapRow(
                    node=node.name if node else UNPLACED,
                    chain=node.chain.name if node else "",
                    demand_id=demand.id,
                    title=demand.title,
                    owner=row.owner,
                    best_title=row.best.title if row.best else None,
                    best_owner=row.best.owner if row.best else None,
                    best_coverage=row.best.coverage if row.best else None,
                    elsewhere_title=row.best_elsewhere.title if row.best_elsewhere else None,
                    elsewhere_owner=row.best_elsewhere.owner if row.best_elsewhere else None,
                ),
            )
        )
    return [row for _, row in sorted(out, key=lambda kv: kv[0])]


def reverse_view(
    session: Session, settings: Settings, actor: Actor, university_id: int
) -> ReverseView:
    """Where a university's supply lands: for every need the reader may see, the university's
    items that answer it well, placed on the need's chain node; items answering none are
    the supply no zone needs yet."""
    university = repo.university_by_id(session, university_id)
    if university is None:
        raise NotFound()
    items = repo.supply_of_universities(session, [university.id], SUPPLY_POLICY.read_filter(actor))
    demands = repo.demands_in_zones(session, None, DEMAND_POLICY.read_filter(actor))
    searched = search_needs(session, settings, actor, demands, [university], province=False)
    nodes = _nodes_by_id(session, {d.zone_id for d in demands})
    by_demand = {d.id: d for d in demands}
    landings: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for demand_id, answers in searched.answers.items():
        demand = by_demand[demand_id]
        node = _where(demand, nodes)
        for hit in answers.paired:
            if not strong(hit.lib):
                continue
            landings[hit.obj.id].append(
                {
                    "zone": demand.zone.name,
                    "zone_id": demand.zone_id,
                    "chain": node.chain.name if node else "",
                    "node": node.name if node else UNPLACED,
                    "node_id": node.id if node else None,
                    "demand_id": demand.id,
                    "demand": demand.title,
                    "score": hit.score,
                    "coverage": round(hit.lib.reasons.scores.coverage, 4),
                }
            )
    rows = [
        LandingRow(
            item_id=item.id,
            title=item.title,
            kind=item.kind,
            landings=sorted(landings.get(item.id, []), key=lambda x: -x["score"]),
            needed=bool(landings.get(item.id)),
        )
        for item in items
    ]
    per_node: dict[tuple[str, str, str, int | None], set[int]] = defaultdict(set)
    for row in rows:
        for x in row.landings:
            per_node[(x["zone"], x["chain"], x["node"], x["node_id"])].add(row.item_id)
    node_rows = [
        {"zone": z, "chain": c, "node": n, "node_id": i, "items": len(ids)}
        for (z, c, n, i), ids in sorted(per_node.items(), key=lambda kv: (-len(kv[1]), kv[0][:3]))
    ]
    return ReverseView(
        university_id=university.id,
        university_name=university.name,
        method=searched.method,
        items=rows,
        nodes=node_rows,
        unused=sum(1 for r in rows if not r.needed),
    )


def university_gaps(
    session: Session, settings: Settings, actor: Actor, university_id: int
) -> UniversityGaps:
    """Disciplines (一级学科) the needs of the university's paired zones call for that none of
    its supply items carries. A need calls for the disciplines of its good answers anywhere in
    Jiangsu; a need without one, for the discipline classifier's best guess from its text."""
    university = repo.university_by_id(session, university_id)
    if university is None:
        raise NotFound()
    zone_ids = matches_repo.paired_zone_ids(session, university.id)
    demands = repo.demands_in_zones(session, zone_ids, DEMAND_POLICY.read_filter(actor))
    searched = search_needs(session, settings, actor, demands, None, province=False)
    held: set[str] = set()
    for item in repo.supply_of_universities(session, [university.id], None):
        held.update(item.discipline_codes)
    index = get_index(settings)
    wanted: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for demand in demands:
        answers = searched.answers.get(demand.id, Answers())
        codes: set[str] = set()
        for hit in answers.paired[:2]:
            if strong(hit.lib):
                codes.update(hit.obj.discipline_codes)
        if not codes:
            guess = classifiers.classifier(index, "discipline").classify(
                demand_text(demand), top_k=1
            )
            codes = {g.code for g in guess}
        for code in codes:
            wanted[code] += 1
            if len(examples[code]) < 3:
                examples[code].append(demand.title)
    names = {d.code: d.name for d in disciplines()}
    lacking = [
        DisciplineGap(code=code, name=names.get(code, code), demands=n, examples=examples[code])
        for code, n in sorted(wanted.items(), key=lambda kv: (-kv[1], kv[0]))
        if code not in held
    ]
    return UniversityGaps(
        university_id=university.id,
        university_name=university.name,
        disciplines_held=sorted(held),
        lacking=lacking,
    )
