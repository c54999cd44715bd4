"""Importing demands and supply items from spreadsheets, as their keepers do."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.demand.models import Demand
from shuanggao.imports import service as imports
from shuanggao.kit.register import get_register
from shuanggao.supply.models import SupplyItem
from tests.factories import create_demand_enterprise, create_university, create_zone
from tests.imports.sheets import csv_bytes, xlsx

DEMAND_HEADER = [
    "*企业",
    "*需求名称",
    "需求描述",
    "关键词",
    "预算下限（元）",
    "*合作方式",
    "公开范围",
]


def test_zone_admin_imports_demands_with_every_bad_row_listed(session: Session) -> None:
    zone = create_zone(session, name="导入高新区")
    other = create_zone(session, name="别的高新区")
    mine = create_demand_enterprise(session, zone, name="导入储能有限公司")
    theirs = create_demand_enterprise(session, other, name="别区企业有限公司")
    actor = Actor(role=Role.ZONE_ADMIN, user_id=3, username="za", zone_id=zone.id)
    reg = get_register("demands")
    bad = [
        [
            mine.credit_code,
            "储能热管理",
            "电池舱热管理",
            "储能；热管理",
            "100000",
            "技术开发",
            "公开",
        ],
        ["不存在的企业", "无主需求", "", "", "", "技术开发", ""],
        [mine.name, "方式不对", "", "", "", "外包", ""],
        [theirs.credit_code, "别区的需求", "", "", "-5", "技术咨询", ""],
    ]
    job = imports.import_file(session, actor, reg, "需求.xlsx", xlsx(DEMAND_HEADER, bad))
    assert job.status == "rejected"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "企业"),
        (4, "合作方式"),
        (5, "预算下限（元）"),
    ]
    assert session.scalar(select(func.count()).select_from(Demand)) == 0

    good = [bad[0], [mine.name, "储能消防联动", "", "", "", "技术咨询", "匿名发布"]]
    job = imports.import_file(session, actor, reg, "需求.csv", csv_bytes(DEMAND_HEADER, good))
    assert (job.status, job.created_count) == ("applied", 2)
    rows = session.scalars(select(Demand).order_by(Demand.id)).all()
    assert [(d.zone_id, d.title, d.visibility, d.triage_state) for d in rows] == [
        (zone.id, "储能热管理", "public", "pending"),
        (zone.id, "储能消防联动", "anonymous", "pending"),
    ]
    assert rows[0].budget_min == Decimal("100000.00")
    assert rows[0].keywords == ["储能", "热管理"]
    job = imports.import_file(session, actor, reg, "需求.csv", csv_bytes(DEMAND_HEADER, good))
    assert (job.status, job.created_count, job.unchanged_count) == ("applied", 0, 2)

    # Another zone's enterprise is refused row by row; nothing is written.
    job = imports.import_file(
        session,
        actor,
        reg,
        "需求.csv",
        csv_bytes(DEMAND_HEADER, [[*bad[3][:4], "", "技术咨询", ""]]),
    )
    assert job.status == "rejected"
    assert session.scalar(select(func.count()).select_from(Demand)) == 2


def test_university_imports_its_supply_list(session: Session) -> None:
    uni = create_university(session, name="导入大学")
    actor = Actor(role=Role.UNIVERSITY_ADMIN, user_id=4, username="ua", university_id=uni.id)
    header = [
        "*所属高校",
        "*类型",
        "*名称",
        "负责人",
        "关键词",
        "成熟度",
        "转化方式",
        "价格下限（元）",
    ]
    rows = [
        [
            "导入大学",
            "科技成果",
            "固态电解质制备",
            "王老师",
            "固态电池；电解质",
            "中试",
            "许可；转让",
            "200000",
        ],
        ["导入大学", "专家团队", "电池安全团队", "李老师", "", "", "", ""],
    ]
    reg = get_register("supply_items")
    job = imports.import_file(session, actor, reg, "供给.xlsx", xlsx(header, rows))
    assert (job.status, job.created_count, job.errors) == ("applied", 2, [])
    items = session.scalars(select(SupplyItem).order_by(SupplyItem.id)).all()
    assert [(i.kind, i.maturity, i.transfer_modes) for i in items] == [
        ("achievement", "pilot", ["license", "transfer"]),
        ("expert", None, []),
    ]
    other = create_university(session, name="别的大学")
    rows[0][0] = other.name
    job = imports.import_file(session, actor, reg, "供给.xlsx", xlsx(header, rows[:1]))
    assert job.status == "rejected"
    assert session.scalar(select(func.count()).select_from(SupplyItem)) == 2
