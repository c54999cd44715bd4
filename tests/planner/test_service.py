"""Planner services on the small world of ``conftest.py``: affinities with their evidence, the
plan against the greedy plan, what-if parameters, evaluation on hidden pairings, tenancy."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from shuanggao.planner import service
from shuanggao.planner.errors import PlanInfeasible
from shuanggao.planner.schemas import CapacityOverride, FixedPair, PlanRequest
from tests.actors import university_admin, zone_admin
from tests.factories import create_project, create_resident
from tests.planner.conftest import World

SYSTEM = Actor.system()


def test_zone_recommendations_rank_by_evidence_and_explain_it(
    session: Session, settings: Settings, world: World
) -> None:
    recs = service.recommend_for_zone(session, settings, SYSTEM, world.storage_zone.id, top=3)
    assert (recs.subject, recs.subject_name, recs.candidates) == ("zone", "储能区", 5)
    assert [r.university_name for r in recs.results] == ["储能大学", "私有大学", "邻市学院"]
    best = recs.results[0]
    assert best.signals.model_dump() == {
        "matching": 1.0,
        "fit": 1.0,
        "cooperation": 0.0,
        "distance": 1.0,
    }
    assert best.score == 0.85
    assert (best.demands_answered, best.demands_total, best.rank) == (2, 2, 1)
    assert best.chain_nodes == ["新能源汽车产业 > 储能装置制造"]
    assert {(a.demand_id, a.supply_item_id) for a in best.answers} == {
        (d.id, world.storage_item.id) for d in world.storage_demands
    }
    assert all(a.answered and a.coverage == 1.0 for a in best.answers)
    assert [(k.industry_code, k.discipline_code, k.weight) for k in best.links] == [
        ("C38", "0808", 1.0)
    ]
    assert best.distance == "同在南京市"
    assert best.reasons[1:] == ["产业—学科契合：C38 ↔ 0808", "同在南京市"]
    # The non-public item of 私有大学 is no evidence: only its city counts.
    private = recs.results[1]
    assert private.signals.matching == 0.0 and private.answers == []
    assert (private.score, private.distance) == (0.15, "同在南京市")
    neighbour = recs.results[2]
    assert (neighbour.score, neighbour.distance) == (0.075, "邻市（南京市—镇江市）")


def test_university_recommendations_list_zones_needing_its_supply(
    session: Session, settings: Settings, world: World
) -> None:
    recs = service.recommend_for_university(session, settings, SYSTEM, world.vision_uni.id, 2)
    assert recs.subject == "university"
    assert [r.zone_name for r in recs.results] == ["已结对区", "视觉区"]
    # Same demand coverage in both; 已结对区 is in the same city.
    assert [r.score for r in recs.results] == [0.85, 0.7]
    assert [r.paired for r in recs.results] == [False, False]


def test_cooperation_counts_projects_and_residents(
    session: Session, settings: Settings, world: World
) -> None:
    create_project(session, world.vision_zone, world.neighbour_uni)
    create_resident(session, world.vision_zone, world.neighbour_uni)
    recs = service.recommend_for_zone(session, settings, SYSTEM, world.vision_zone.id, top=2)
    neighbour = next(r for r in recs.results if r.university_id == world.neighbour_uni.id)
    assert neighbour.signals.cooperation == 0.75
    assert (neighbour.projects, neighbour.residents) == (1, 1)
    assert "已有合作：合作项目 1 项、驻区人员 1 人" in neighbour.reasons


def test_plan_covers_every_unpaired_zone_within_capacity_and_beats_greedy(
    session: Session, settings: Settings, world: World
) -> None:
    plan = service.make_plan(session, settings, SYSTEM)
    assert (plan.target_total, plan.registered, plan.unregistered, plan.paired) == (61, 3, 58, 1)
    assert (plan.zones, plan.covered, plan.greedy_covered) == (2, 2, 2)
    assert [(p.zone_name, p.university_name, p.affinity) for p in plan.pairs] == [
        ("储能区", "储能大学", 0.85),
        ("视觉区", "视觉大学", 0.7),
    ]
    assert plan.total_affinity == 1.55
    assert plan.total_affinity >= plan.greedy_total_affinity
    assert all(load.existing + load.proposed <= load.capacity for load in plan.loads)


def test_plan_with_scarce_capacity_still_covers_every_zone(
    session: Session, settings: Settings, world: World
) -> None:
    # Each university may take one pilot: 已结对大学 is full; each zone still gets one partner.
    plan = service.make_plan(session, settings, SYSTEM, PlanRequest(capacity=1, partners=2))
    per_zone = {
        z: [p.university_name for p in plan.pairs if p.zone_name == z] for z in ("储能区", "视觉区")
    }
    assert [len(v) for v in per_zone.values()] == [2, 2]
    used = [p.university_id for p in plan.pairs]
    assert len(used) == len(set(used)) == 4
    assert world.paired_uni.id not in used
    assert plan.total_affinity >= plan.greedy_total_affinity


def test_what_if_fixed_pairs_and_capacities_are_honoured(
    session: Session, settings: Settings, world: World
) -> None:
    request = PlanRequest(
        fixed=[FixedPair(zone_id=world.vision_zone.id, university_id=world.neighbour_uni.id)],
        capacities=[CapacityOverride(university_id=world.storage_uni.id, capacity=0)],
    )
    plan = service.make_plan(session, settings, SYSTEM, request)
    assert [(p.zone_name, p.university_name, p.fixed) for p in plan.pairs] == [
        ("储能区", "私有大学", False),
        ("视觉区", "邻市学院", True),
    ]
    assert plan.total_affinity == 0.3
    assert plan.parameters == request


def test_infeasible_and_invalid_what_ifs_are_refused(
    session: Session, settings: Settings, world: World
) -> None:
    with pytest.raises(PlanInfeasible) as caught:
        service.make_plan(session, settings, SYSTEM, PlanRequest(capacity=0))
    assert caught.value.code is ErrorCode.PLAN_INFEASIBLE
    paired = FixedPair(zone_id=world.paired_zone.id, university_id=world.vision_uni.id)
    with pytest.raises(ValidationFailed) as bad:
        service.make_plan(session, settings, SYSTEM, PlanRequest(fixed=[paired]))
    assert set(bad.value.fields) == {"fixed"}
    unknown = CapacityOverride(university_id=999_999, capacity=1)
    with pytest.raises(ValidationFailed) as bad_cap:
        service.make_plan(session, settings, SYSTEM, PlanRequest(capacities=[unknown]))
    assert set(bad_cap.value.fields) == {"capacities"}


def test_evaluation_hides_pairings_and_ignores_their_cooperation(
    session: Session, settings: Settings, world: World
) -> None:
    # Three projects tie 已结对大学 to its zone: the recommender uses them ...
    for _ in range(3):
        create_project(session, world.paired_zone, world.paired_uni)
    recs = service.recommend_for_zone(session, settings, SYSTEM, world.paired_zone.id, top=2)
    ranked = {r.university_name: r for r in recs.results}
    assert ranked["已结对大学"].signals.cooperation == 0.875
    assert ranked["已结对大学"].paired is True
    # ... the evaluation does not: 已结对大学 ties with three others behind 视觉大学 (ranks 2–5).
    result = service.evaluate(session, settings, SYSTEM)
    assert (result.zones, result.hidden_pairs, result.candidates) == (1, 1, 5)
    total = result.figures[0]
    assert (total.name, total.recall_at_3, total.recall_at_5) == ("total", 0.5, 1.0)
    assert [(z.zone_name, z.hidden, z.ranks) for z in result.per_zone] == [
        ("已结对区", ["已结对大学"], [2])
    ]


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN, Role.ENTERPRISE_USER])
def test_only_the_province_and_auditors_see_the_plan(
    session: Session, settings: Settings, world: World, role: Role
) -> None:
    actor = Actor(
        role=role,
        user_id=5,
        zone_id=world.storage_zone.id,
        university_id=world.storage_uni.id,
        enterprise_id=1,
    )
    with pytest.raises(Forbidden):
        service.make_plan(session, settings, actor)
    with pytest.raises(Forbidden):
        service.evaluate(session, settings, actor)
    auditor = Actor(role=Role.AUDITOR, user_id=6)
    assert service.make_plan(session, settings, auditor).covered == 2


def test_tenants_see_only_their_own_recommendations(
    session: Session, settings: Settings, world: World
) -> None:
    mine = zone_admin(world.storage_zone.id)
    recs = service.recommend_for_zone(session, settings, mine, world.storage_zone.id)
    assert recs.results[0].university_name == "储能大学"
    with pytest.raises(NotFound):
        service.recommend_for_zone(session, settings, mine, world.vision_zone.id)
    with pytest.raises(NotFound):
        service.recommend_for_university(session, settings, mine, world.storage_uni.id)
    uni = university_admin(world.vision_uni.id)
    assert service.recommend_for_university(session, settings, uni, world.vision_uni.id).results
    with pytest.raises(NotFound):
        service.recommend_for_university(session, settings, uni, world.storage_uni.id)
    with pytest.raises(NotFound):
        service.recommend_for_zone(session, settings, uni, world.vision_zone.id)


def test_evidence_a_reader_may_not_see_is_left_out(
    session: Session, settings: Settings, world: World
) -> None:
    world.storage_item.is_public = False
    session.flush()
    # Now no public item answers 储能区: the score drops for everyone, and nothing leaks.
    recs = service.recommend_for_zone(
        session, settings, zone_admin(world.storage_zone.id), world.storage_zone.id
    )
    storage = next(r for r in recs.results if r.university_name == "储能大学")
    assert storage.signals.matching == 0.0
    assert storage.answers == []


def test_a_demand_the_reader_may_not_see_is_not_shown_as_evidence(
    session: Session, settings: Settings, world: World
) -> None:
    world.vision_demand.visibility = "admins"
    session.flush()
    uni = university_admin(world.vision_uni.id)
    recs = service.recommend_for_university(session, settings, uni, world.vision_uni.id)
    vision = next(r for r in recs.results if r.zone_name == "视觉区")
    assert (vision.demands_answered, vision.answers) == (1, [])
    assert not any("“工业机器视觉缺陷检测” ↔" in line for line in vision.reasons)
    province = service.recommend_for_university(session, settings, SYSTEM, world.vision_uni.id)
    shown = next(r for r in province.results if r.zone_name == "视觉区")
    assert [a.demand_id for a in shown.answers] == [world.vision_demand.id]
