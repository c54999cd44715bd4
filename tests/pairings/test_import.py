"""Pairings, 五个一 items and projects through the generic import/export engine, driven by the
registers' columns: references by name (many-to-many too), whole-file refusal, idempotence."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.kit.register import get_register
from shuanggao.pairings.models import Pairing, PairingUniversity, PilotElement
from shuanggao.projects.models import Project, ProjectEnterprise
from tests.factories import create_enterprise, create_university, create_zone

SYSTEM = Actor.system("test")


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_pairing_file_round_trip(session: Session) -> None:
    create_zone(session, name="盐城环保高新区", city="盐城市")
    create_zone(session, name="江阴高新区", city="无锡市")
    create_university(session, name="南京大学")
    create_university(session, name="盐城工学院")
    create_university(session, name="无锡学院", code="4132014437")
    header = ["高新区", "结对高校", "批次", "结对日期", "状态", "产业方向", "来源", "来源日期"]
    good = [
        header,
        [
            "盐城环保高新区",
            "盐城工学院；南京大学",
            "2025 首批试点",
            "2025-07-15",
            "实施中",
            "环保装备",
            "https://a.example/1",
            "2025-08-04",
        ],
        ["江阴高新区", "4132014437", "2025 首批试点", "", "筹备", "", "", ""],
    ]
    bad = [row[:] for row in good]
    bad[1][0] = "火星高新区"
    bad[2][1] = "无锡学院、不存在大学"
    rejected = imports.import_file(
        session, SYSTEM, get_register("pairings"), "p.csv", csv_bytes(bad)
    )
    job = imports.job_to_dict(rejected)
    assert job["status"] == "rejected"
    assert [(e["row"], e["column"], e["code"]) for e in job["errors"]] == [
        (2, "高新区", "unknown_ref"),
        (3, "结对高校", "unknown_ref"),
    ]
    assert count(session, Pairing) == 0
    applied = imports.import_file(
        session, SYSTEM, get_register("pairings"), "p.csv", csv_bytes(good)
    )
    assert imports.job_to_dict(applied)["created"] == 2
    session.expire_all()
    yancheng = session.scalars(
        select(Pairing).where(Pairing.industry_direction == "环保装备")
    ).one()
    links = session.scalars(
        select(PairingUniversity)
        .where(PairingUniversity.pairing_id == yancheng.id)
        .order_by(PairingUniversity.position)
    ).all()
    assert [(link.is_lead, link.position) for link in links] == [(True, 0), (False, 1)]
    again = imports.import_file(session, SYSTEM, get_register("pairings"), "p.csv", csv_bytes(good))
    assert (imports.job_to_dict(again)["created"], imports.job_to_dict(again)["unchanged"]) == (
        0,
        2,
    )
    exported = exports.export_records(session, SYSTEM, get_register("pairings"), fmt="csv")
    rows = csv_rows(exported.content)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert [first[h] for h in header] == good[1]
    assert dict(zip(rows[0], rows[2], strict=True))["结对高校"] == "无锡学院"
    # The export re-imports without a change.
    back = imports.import_file(session, SYSTEM, get_register("pairings"), "e.csv", exported.content)
    assert imports.job_to_dict(back)["unchanged"] == 2
    # Changing the universities in the file updates the links.
    changed = [row[:] for row in good]
    changed[1][1] = "南京大学"
    updated = imports.import_file(
        session, SYSTEM, get_register("pairings"), "c.csv", csv_bytes(changed)
    )
    assert imports.job_to_dict(updated)["updated"] == 1
    session.expire_all()
    assert [
        link.university_id
        for link in session.scalars(
            select(PairingUniversity).where(PairingUniversity.pairing_id == yancheng.id)
        )
    ] == [links[1].university_id]


def test_zone_admin_cannot_import_another_zones_pairing(session: Session) -> None:
    own = create_zone(session, name="本区")
    create_zone(session, name="外区")
    create_university(session, name="某大学")
    actor = Actor(role=Role.ZONE_ADMIN, user_id=5, username="z", zone_id=own.id)
    data = csv_bytes(
        [
            ["高新区", "结对高校", "批次"],
            ["本区", "某大学", "2025 首批试点"],
            ["外区", "某大学", "2025 首批试点"],
        ]
    )
    job = imports.job_to_dict(
        imports.import_file(session, actor, get_register("pairings"), "p.csv", data)
    )
    assert job["status"] == "rejected"
    assert [(e["row"], e["code"]) for e in job["errors"]] == [(3, "forbidden")]
    assert count(session, Pairing) == 0


def test_pilot_elements_and_projects_by_name(session: Session) -> None:
    zone = create_zone(session, name="南京建邺高新区")
    create_university(session, name="南京工程学院")
    create_enterprise(session, zone=zone, name="江苏林洋储能技术有限公司")
    pairing_file = csv_bytes(
        [["高新区", "结对高校", "批次"], ["南京建邺高新区", "南京工程学院", "2025 首批试点"]]
    )
    imports.import_file(session, SYSTEM, get_register("pairings"), "p.csv", pairing_file)
    elements = csv_bytes(
        [
            ["结对", "类别", "事项名称", "进展"],
            ["南京建邺高新区", "一个产业方向", "新型储能", "已落地"],
            ["南京建邺高新区（2025 首批试点）", "一批标杆项目", "储能安全预警", "推进中"],
            ["南京建邺高新区（2026 扩面）", "一个科创平台", "无此结对", "未启动"],
        ]
    )
    job = imports.job_to_dict(
        imports.import_file(session, SYSTEM, get_register("pilot_elements"), "e.csv", elements)
    )
    assert [(e["row"], e["column"], e["code"]) for e in job["errors"]] == [
        (4, "结对", "unknown_ref")
    ]
    job = imports.job_to_dict(
        imports.import_file(
            session,
            SYSTEM,
            get_register("pilot_elements"),
            "e.csv",
            elements.rsplit(b"\r\n", 2)[0] + b"\r\n",
        )
    )
    assert job["created"] == 2
    assert count(session, PilotElement) == 2
    projects = csv_bytes(
        [
            [
                "项目名称",
                "高新区",
                "承担高校",
                "所属结对",
                "参与企业",
                "项目类型",
                "开始日期",
                "结束日期",
                "经费（元）",
            ],
            [
                "储能电池安全预警",
                "南京建邺高新区",
                "南京工程学院",
                "南京建邺高新区",
                "江苏林洋储能技术有限公司",
                "联合攻关",
                "2025-09-01",
                "2027-08-31",
                "1500000.5",
            ],
            [
                "倒序日期",
                "南京建邺高新区",
                "南京工程学院",
                "",
                "",
                "联合攻关",
                "2025-09-01",
                "2025-08-01",
                "",
            ],
        ]
    )
    job = imports.job_to_dict(
        imports.import_file(session, SYSTEM, get_register("projects"), "x.csv", projects)
    )
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(3, "结束日期")]
    good = projects.rsplit(b"\r\n", 2)[0] + b"\r\n"
    job = imports.job_to_dict(
        imports.import_file(session, SYSTEM, get_register("projects"), "x.csv", good)
    )
    assert job["created"] == 1
    project = session.scalars(select(Project)).one()
    assert str(project.budget) == "1500000.50"
    assert count(session, ProjectEnterprise) == 1
    exported = csv_rows(
        exports.export_records(session, SYSTEM, get_register("projects"), fmt="csv").content
    )
    row = dict(zip(exported[0], exported[1], strict=True))
    assert (row["所属结对"], row["参与企业"], row["经费（元）"]) == (
        "南京建邺高新区（2025 首批试点）",
        "江苏林洋储能技术有限公司",
        "1500000.50",
    )


def test_every_register_exports_and_reimports_unchanged(session: Session) -> None:
    import datetime as dt

    from tests.factories import (
        create_enterprise_service,
        create_pairing,
        create_pilot_element,
        create_platform,
        create_project,
    )

    zone = create_zone(session, name="无锡高新区")
    uni = create_university(session, name="江南大学")
    pairing = create_pairing(session, zone=zone, universities=[uni], start_date=dt.date(2025, 7, 1))
    create_pilot_element(session, pairing, kind="platform", title="生物医药平台")
    ent = create_enterprise(session, zone=zone, phone="0510-1234567", is_high_tech=True)
    create_enterprise_service(
        session, ent, uni, pairing_id=pairing.id, task_area="resource_sharing"
    )
    create_project(
        session,
        zone=zone,
        university=uni,
        enterprises=[ent],
        pairing_id=pairing.id,
        budget="99.90",
        start_date=dt.date(2025, 8, 1),
    )
    create_platform(
        session, zone=zone, universities=[uni], pairing_id=pairing.id, level="municipal"
    )
    for name in (
        "pairings",
        "pilot_elements",
        "enterprises",
        "enterprise_services",
        "projects",
        "platforms",
    ):
        reg = get_register(name)
        exported = exports.export_records(session, SYSTEM, reg, fmt="csv")
        rows = csv_rows(exported.content)
        assert len(rows) == 2, name
        job = imports.job_to_dict(
            imports.import_file(session, SYSTEM, reg, f"{name}.csv", exported.content)
        )
        assert (job["status"], job["unchanged"], job["errors"]) == ("applied", 1, []), name
        template = exports.export_template(reg, fmt="csv")
        # The template marks required columns with “*”.
        assert [h.lstrip("*") for h in csv_rows(template.content)[0]] == rows[0], name
