"""五个一 completeness, stalled items and dated evidence; the six task areas across pilots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.briefing.progress import five_one_ranking, task_area_progress
from shuanggao.programme.enums import ProgressStatus
from tests.briefing.world import build_world

D = dt.date
AS_OF = D(2025, 12, 1)


def test_ranking_by_completeness_with_stalled_items_and_evidence(
    session: Session, province: Actor
) -> None:
    build_world(session)
    ranking = five_one_ranking(session, province, AS_OF, stalled_days=90)
    assert [(p.zone_name, p.completeness, p.landed, p.in_progress) for p in ranking] == [
        # industry direction and platform landed, talent in progress: (1 + 1 + 0.5) / 5
        ("甲高新区", Decimal("50.0"), 2, 1),
        ("乙高新区", Decimal("20.0"), 1, 0),
    ]
    a = ranking[0]
    assert [s.status for s in a.slots] == [
        ProgressStatus.LANDED,
        ProgressStatus.LANDED,
        ProgressStatus.IN_PROGRESS,
        ProgressStatus.NOT_STARTED,
        # landed on 2026-01-10, after the date: not known yet
        ProgressStatus.NOT_STARTED,
    ]
    # The fund has no date: it has not moved since the pairing started (2025-07-15).
    assert [(n.title, n.last_change, n.days) for n in a.stalled] == [
        ("成果转化基金", D(2025, 7, 15), 139),
        ("领军人才引进", D(2025, 8, 10), 113),
    ]
    assert [(n.title, n.last_change, n.evidence_url) for n in a.evidence] == [
        ("测试联合实验室", D(2025, 9, 1), "https://example.org/lab"),
        ("集成电路", D(2025, 8, 1), None),
    ]
    # Nothing of 乙 is stalled: its one item landed.
    assert ranking[1].stalled == []
    # With a longer threshold the talent item is not stalled yet.
    longer = five_one_ranking(session, province, AS_OF, stalled_days=120)
    assert [n.title for n in longer[0].stalled] == ["成果转化基金"]


def test_later_dates_change_the_ranking(session: Session, province: Actor) -> None:
    build_world(session)
    later = five_one_ranking(session, province, D(2026, 2, 1))
    assert [(p.zone_name, p.completeness) for p in later] == [
        ("甲高新区", Decimal("70.0")),
        ("乙高新区", Decimal("20.0")),
    ]
    # Before 乙's pairing started it is not in the ranking.
    early = five_one_ranking(session, province, D(2025, 9, 1))
    assert [p.zone_name for p in early] == ["甲高新区"]


def test_zone_admin_sees_only_their_zone(session: Session) -> None:
    world = build_world(session)
    admin = Actor(role=Role.ZONE_ADMIN, user_id=9, zone_id=world["b"].id)
    assert [p.zone_name for p in five_one_ranking(session, admin, AS_OF)] == ["乙高新区"]
    areas = {a.area.value: a for a in task_area_progress(session, admin, AS_OF)}
    assert (areas["key_core_technology"].projects, areas["key_core_technology"].pilots) == (1, 1)
    assert areas["achievement_transfer"].total == 0


def test_task_areas_across_pilots(session: Session, province: Actor) -> None:
    build_world(session)
    areas = task_area_progress(session, province, AS_OF)
    assert [a.label for a in areas] == [
        "高新区新质转型",
        "高等教育综合改革",
        "关键核心技术攻关",
        "科技成果转化",
        "产教融合人才培养",
        "创新资源共享",
    ]
    got = {a.area.value: (a.projects, a.platforms, a.services, a.pilots) for a in areas}
    assert got == {
        "new_quality_transformation": (0, 0, 0, 0),
        "higher_education_reform": (0, 0, 0, 0),
        "key_core_technology": (2, 0, 0, 2),  # 甲 and 乙; 乙's 2026 project not yet
        "achievement_transfer": (1, 0, 1, 1),
        "industry_education_talent": (0, 0, 0, 0),
        "resource_sharing": (0, 1, 0, 1),
    }
