"""A small programme for the briefing tests: two pilot zones with their pairings, 五个一 items
with dated evidence, records in several task areas, an approved report and a match."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import (
    create_enterprise,
    create_enterprise_service,
    create_funding,
    create_pairing,
    create_pilot_element,
    create_platform,
    create_project,
    create_report,
    create_university,
    create_zone,
)

D = dt.date


def build_world(session: Session, *, report: bool = True) -> dict[str, Any]:
    a = create_zone(session, name="甲高新区", city="无锡市", is_pilot=True)
    b = create_zone(session, name="乙高新区", city="常州市", is_pilot=True)
    u1, u2, u3 = (create_university(session, is_pilot=True) for _ in range(3))
    pa = create_pairing(session, zone=a, universities=[u1, u2], start_date=D(2025, 7, 15))
    pb = create_pairing(session, zone=b, universities=[u3], start_date=D(2025, 10, 1))
    el = create_pilot_element
    el(
        session,
        pa,
        kind="industry_direction",
        title="集成电路",
        status="landed",
        status_date=D(2025, 8, 1),
        evidence="产业方向写入结对协议",
    )
    el(
        session,
        pa,
        kind="platform",
        title="测试联合实验室",
        status="landed",
        status_date=D(2025, 9, 1),
        evidence="实验室揭牌",
        evidence_url="https://example.org/lab",
    )
    el(
        session,
        pa,
        kind="leading_talent",
        title="领军人才引进",
        status="in_progress",
        status_date=D(2025, 8, 10),
    )
    el(session, pa, kind="conversion_fund", title="成果转化基金", status="not_started")
    # Landed only after the date the tests ask about: not yet known then.
    el(
        session,
        pa,
        kind="benchmark_projects",
        title="标杆项目培育",
        status="landed",
        status_date=D(2026, 1, 10),
        evidence="两个项目入选省标杆",
    )
    el(
        session,
        pb,
        kind="platform",
        title="乙协同创新中心",
        status="landed",
        status_date=D(2025, 11, 1),
        evidence="中心挂牌",
    )
    create_project(
        session,
        zone=a,
        university=u1,
        start_date=D(2025, 8, 1),
        task_area="key_core_technology",
        is_benchmark=True,
        title="芯片测试方案联合研发",
    )
    create_project(
        session, zone=a, university=u2, start_date=D(2025, 9, 1), task_area="achievement_transfer"
    )
    create_project(
        session, zone=b, university=u3, start_date=D(2025, 10, 20), task_area="key_core_technology"
    )
    create_project(
        session, zone=b, university=u3, start_date=D(2026, 2, 1), task_area="key_core_technology"
    )  # after the date: not counted
    create_platform(
        session,
        zone=a,
        universities=[u1],
        established_date=D(2025, 9, 1),
        task_area="resource_sharing",
    )
    ent = create_enterprise(session, zone=a)
    create_enterprise_service(
        session,
        enterprise=ent,
        university=u1,
        service_date=D(2025, 8, 5),
        task_area="achievement_transfer",
    )
    create_funding(
        session, zone=a, university=u1, amount=Decimal("1234.56"), funding_date=D(2025, 9, 1)
    )
    if report:
        create_report(
            session,
            status="approved",
            projects=342,
            platforms=58,
            residents=1000,
            funding_yuan=Decimal("750000000"),
            qualifiers={"residents": "多"},
        )
    return {"a": a, "b": b, "pa": pa, "pb": pb, "u1": u1}
