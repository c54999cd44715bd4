"""An affinity cell as the API shows it: the four signals, the evidence and Chinese reasons.

Evidence a reader may not see (a non-public supply item, a demand outside their scope) is left
out of what they are shown; the score itself is an aggregate over public supply.
"""

from __future__ import annotations

from collections.abc import Collection

from shuanggao.planner.affinity import AffinityTable, PairDetail
from shuanggao.planner.geography import closeness_label
from shuanggao.planner.schemas import Affinity, DemandAnswer, IndustryLink, Signals


def signals_of(table: AffinityTable, zi: int, uj: int) -> Signals:
    return Signals(**{name: round(float(m[zi, uj]), 4) for name, m in table.signals.items()})


def reasons(
    table: AffinityTable,
    zi: int,
    uj: int,
    detail: PairDetail,
    industry_names: dict[str, str],
    discipline_names: dict[str, str],
) -> list[str]:
    zone, uni = table.zones[zi], table.universities[uj]
    out: list[str] = []
    if detail.demands:
        line = f"能较好回应该区 {detail.answered}/{detail.demands} 项需求"
        if detail.chain_nodes:
            nodes = [n.rsplit(">", 1)[-1].strip() for n in detail.chain_nodes]
            line += "（产业链节点：" + "、".join(dict.fromkeys(nodes)) + "）"
        if detail.evidence:
            best = detail.evidence[0]
            line += f"；最相关：“{best.demand_title}” ↔ “{best.item_title}”"
        out.append(line)
    for link in detail.links[:2]:
        ind = industry_names.get(link.industry, "")
        dis = discipline_names.get(link.discipline, "")
        left = f"{link.industry} {ind}".strip()
        right = f"{link.discipline} {dis}".strip()
        out.append(f"产业—学科契合：{left} ↔ {right}")
    parts = []
    if detail.projects:
        parts.append(f"合作项目 {detail.projects} 项")
    if detail.residents:
        parts.append(f"驻区人员 {detail.residents} 人")
    if detail.facts:
        parts.append(f"公开报道 {detail.facts} 条")
    if parts and table.use_cooperation:
        out.append("已有合作：" + "、".join(parts))
    place = closeness_label(zone.city, uni.city)
    if place:
        out.append(place)
    if not out:
        out.append("暂无依据：该校公开供给未回应该区需求，产业与学科无关联，且不在同城或邻市")
    return out


def affinity_of(
    table: AffinityTable,
    zi: int,
    uj: int,
    *,
    rank: int,
    paired: bool,
    industry_names: dict[str, str],
    discipline_names: dict[str, str],
    visible_items: Collection[int] | None,
    visible_demands: Collection[int] | None,
) -> Affinity:
    """``visible_*`` None: the reader sees every item / demand."""
    zone, uni = table.zones[zi], table.universities[uj]
    detail = table.detail(zone.id, uni.id)
    answers = [
        DemandAnswer(
            demand_id=e.demand_id,
            demand_title=e.demand_title,
            supply_item_id=e.item_id,
            supply_item_title=e.item_title,
            coverage=e.coverage,
            answered=e.answered,
            shared_terms=list(e.terms),
        )
        for e in detail.evidence
        if (visible_items is None or e.item_id in visible_items)
        and (visible_demands is None or e.demand_id is None or e.demand_id in visible_demands)
    ]
    shown = PairDetail(
        answered=detail.answered,
        demands=detail.demands,
        chain_nodes=detail.chain_nodes,
        evidence=[
            e
            for e in detail.evidence
            if any(a.supply_item_id == e.item_id and a.demand_id == e.demand_id for a in answers)
        ],
        links=detail.links,
        projects=detail.projects,
        residents=detail.residents,
        facts=detail.facts,
    )
    return Affinity(
        zone_id=zone.id,
        zone_name=zone.name,
        zone_city=zone.city,
        university_id=uni.id,
        university_name=uni.name,
        university_city=uni.city,
        rank=rank,
        score=round(float(table.total[zi, uj]), 4),
        signals=signals_of(table, zi, uj),
        paired=paired,
        demands_answered=detail.answered,
        demands_total=table.zone_queries.get(zone.id, 0),
        chain_nodes=list(detail.chain_nodes),
        answers=answers,
        links=[
            IndustryLink(
                industry_code=k.industry,
                industry_name=industry_names.get(k.industry),
                discipline_code=k.discipline,
                discipline_name=discipline_names.get(k.discipline),
                weight=k.weight,
            )
            for k in detail.links
        ],
        projects=detail.projects if table.use_cooperation else 0,
        residents=detail.residents if table.use_cooperation else 0,
        facts=detail.facts if table.use_cooperation else 0,
        distance=closeness_label(zone.city, uni.city),
        reasons=reasons(table, zi, uj, shown, industry_names, discipline_names),
    )
