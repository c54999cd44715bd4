"""The batch two-way map of a zone, a university or the whole province: every need × its best
supply and every supply item × the needs it answers, with scores and reasons, the gaps and the
unused supply (``shuanggao matching map`` and the pages' Excel downloads).

Needs are scored against the supply index and items against the demand index through the
matching library directly (``coverage.search_many``: query vectors embedded in batches, no
request per row, the answers read in one query per side). An item *answers* a need when it is
a good answer among the need's best (the chain map's definition); its closest needs come from
the item's own search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from shuanggao_matching import Match as LibMatch
from shuanggao_matching import Predicate
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.chains import repository as chains_repo
from shuanggao.config import Settings
from shuanggao.demand.models import Demand
from shuanggao.demandmap import repository as repo
from shuanggao.demandmap.coverage import TOP, Answers, search_many, search_needs, strong
from shuanggao.errors import NotFound, ValidationFailed
from shuanggao.matches import repository as matches_repo
from shuanggao.matches.documents import supply_query
from shuanggao.matches.filters import demand_visibility, zones_predicate
from shuanggao.matches.results import DEMAND_POLICY, SUPPLY_POLICY
from shuanggao.matches.search import demand_owner, supply_owner, synced_index
from shuanggao.supply.models import SupplyItem
from shuanggao.zones.models import Zone

# (stage, done, total): stage is "needs" or "supply".
Progress = Callable[[str, int, int], None]
UNPLACED = "未归入产业链"


@dataclass
class Pair:
    """One scored pair as a row of the workbook."""

    title: str
    owner: str
    score: float
    coverage: float
    strong: bool
    reasons: str
    id: int


@dataclass
class NeedLine:
    demand_id: int
    title: str
    owner: str
    zone: str
    node: str
    answers: list[Pair]

    @property
    def covered(self) -> bool:
        return any(a.strong for a in self.answers)


@dataclass
class SupplyLine:
    item_id: int
    title: str
    owner: str
    kind: str
    answers: list[Pair]  # the needs it answers well (from the needs' searches)
    closest: list[Pair]  # its own search over the needs

    @property
    def used(self) -> bool:
        return bool(self.answers)


@dataclass
class BatchMap:
    scope: str  # "zone" | "university" | "province"
    scope_name: str
    method: str
    needs: list[NeedLine] = field(default_factory=list)
    supply: list[SupplyLine] = field(default_factory=list)

    @property
    def gaps(self) -> list[NeedLine]:
        return [n for n in self.needs if not n.covered]

    @property
    def unused(self) -> list[SupplyLine]:
        return [s for s in self.supply if not s.used]


def reasons_text(match: LibMatch) -> str:
    """共同关键词 and codes, and the coverage, in one cell."""
    terms = "、".join(t.term for t in match.reasons.shared_terms[:8])
    parts = []
    if terms:
        parts.append(f"共同关键词：{terms}")
    if match.reasons.shared_codes:
        parts.append("共同代码：" + "、".join(match.reasons.shared_codes))
    parts.extend(match.reasons.evidence)
    parts.append(f"覆盖 {match.reasons.scores.coverage * 100:.0f}%")
    parts.append(f"方法：{match.reasons.method}")
    return "；".join(parts)


def zones_with_chains(session: Session) -> list[Zone]:
    ids = chains_repo.zone_ids_with_chains(session)
    return [z for z in (repo.zone_by_id(session, i) for i in ids) if z is not None]


def _scope(
    session: Session,
    actor: Actor,
    zone_id: int | None,
    university_id: int | None,
    province: bool,
) -> tuple[str, str, list[Demand], list[SupplyItem], list[object] | None, list[int] | None]:
    """What is mapped: (scope, name, needs, supply, the needs' universities, the items' zones)."""
    if (
        sum(x is not None and x is not False for x in (zone_id, university_id, province or None))
        != 1
    ):
        raise ValidationFailed(fields={"scope": "请指定一个高新区、一所高校或全省（三选一）"})
    demand_scope = DEMAND_POLICY.read_filter(actor)
    supply_scope = SUPPLY_POLICY.read_filter(actor)
    if zone_id is not None:
        zone = repo.zone_by_id(session, zone_id)
        if zone is None:
            raise NotFound()
        unis = matches_repo.paired_universities(session, zone.id)
        needs = repo.demands_in_zones(session, [zone.id], demand_scope)
        items = repo.supply_of_universities(session, [u.id for u in unis], supply_scope)
        return "zone", zone.name, needs, items, list(unis), [zone.id]
    if university_id is not None:
        uni = repo.university_by_id(session, university_id)
        if uni is None:
            raise NotFound()
        zone_ids = matches_repo.paired_zone_ids(session, uni.id)
        needs = repo.demands_in_zones(session, zone_ids, demand_scope)
        items = repo.supply_of_universities(session, [uni.id], supply_scope)
        return "university", uni.name, needs, items, [uni], list(zone_ids)
    needs = repo.demands_in_zones(session, None, demand_scope)
    items = repo.supply_of_universities(session, None, supply_scope)
    return "province", "江苏省", needs, items, None, None


def batch_map(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    zone_id: int | None = None,
    university_id: int | None = None,
    province: bool = False,
    progress: Progress | None = None,
    top: int = 3,
) -> BatchMap:
    scope, name, needs, items, universities, zone_ids = _scope(
        session, actor, zone_id, university_id, province
    )
    nodes = {n.id: n for n in chains_repo.nodes_of_zones(session, {d.zone_id for d in needs})}

    def need_step(done: int, total: int) -> None:
        if progress is not None:
            progress("needs", done, total)

    searched = search_needs(
        session, settings, actor, needs, universities, province=False, top=TOP, progress=need_step
    )
    result = BatchMap(scope, name, searched.method)
    answered_by: dict[int, list[Pair]] = defaultdict(list)
    for demand in needs:
        answers = searched.answers.get(demand.id, Answers())
        owner = demand_owner(demand, actor)
        pairs = [
            Pair(
                h.title,
                h.owner or "",
                h.score,
                round(h.lib.reasons.scores.coverage, 4),
                strong(h.lib),
                reasons_text(h.lib),
                h.obj.id,
            )
            for h in answers.paired
        ]
        node = next(
            (nodes[i] for i in (demand.chain_node_id, demand.proposed_chain_node_id) if i in nodes),
            None,
        )
        result.needs.append(
            NeedLine(
                demand.id,
                demand.title,
                owner,
                demand.zone.name,
                f"{node.chain.name} · {node.name}" if node else UNPLACED,
                pairs[:top],
            )
        )
        for p in pairs:
            if p.strong:
                answered_by[p.id].append(
                    Pair(demand.title, owner, p.score, p.coverage, True, p.reasons, demand.id)
                )
    index = synced_index(session, settings, "demand")
    preds: list[Predicate | None] = [demand_visibility(session, actor)]
    if zone_ids is not None:
        preds.append(zones_predicate(session, zone_ids))

    def supply_step(done: int, total: int) -> None:
        if progress is not None:
            progress("supply", done, total)

    found = search_many(
        session, index, "demand", [supply_query(i) for i in items], [preds], top, supply_step
    )
    raw: dict[int, list[LibMatch]] = {
        item.id: list(results[0].matches) for item, results in zip(items, found, strict=True)
    }
    by_id = {d.id: d for d in needs}
    missing = {int(m.id) for ms in raw.values() for m in ms} - set(by_id)
    by_id.update(
        {d.id: d for d in repo.demands_by_ids(session, missing, DEMAND_POLICY.read_filter(actor))}
    )
    for item in items:
        closest = [
            Pair(
                by_id[int(m.id)].title,
                demand_owner(by_id[int(m.id)], actor),
                round(m.score, 4),
                round(m.reasons.scores.coverage, 4),
                strong(m),
                reasons_text(m),
                int(m.id),
            )
            for m in raw[item.id]
            if int(m.id) in by_id
        ][:top]
        result.supply.append(
            SupplyLine(
                item.id,
                item.title,
                supply_owner(item, actor),
                item.kind,
                sorted(answered_by.get(item.id, []), key=lambda p: -p.score),
                closest,
            )
        )
    return result
