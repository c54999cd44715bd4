"""Residents and funding through the generic import: Chinese headers, references by name."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.funds.models import Funding
from shuanggao.talent.models import Resident
from tests.factories import create_pairing, create_project, create_university, create_zone
from tests.imports.sheets import csv_bytes

RESIDENT_HEADER = [
    "姓名",
    "身份",
    "所在高校",
    "驻在高新区",
    "所属结对",
    "入园日期",
    "离园日期",
    "驻园角色",
]


def _upload(client: TestClient, kind: str, header: list[str], rows: list[list[object]]) -> dict:
    resp = client.post(
        f"/api/v1/imports/{kind}", files={"file": (f"{kind}.csv", csv_bytes(header, rows))}
    )
    return {"status": resp.status_code, "body": resp.json()}


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_resident_import_refuses_bad_rows_then_writes_and_is_idempotent(
    admin_client: TestClient, session: Session
) -> None:
    zone = create_zone(session, name="盐城环保高新区")
    uni = create_university(session, name="盐城工学院")
    create_pairing(session, zone=zone, universities=[uni])
    good = [
        "张明",
        "学生",
        "盐城工学院",
        "盐城环保高新区",
        "盐城环保高新区（2025 首批试点）",
        "2025-09-01",
        "",
        "研究生工作站",
    ]
    rows = [
        good,
        ["李华", "教师", "不存在大学", "盐城环保高新区", "", "2025-09-01", "", "产业教授"],
        ["王强", "教师", "盐城工学院", "盐城环保高新区", "", "2025-09-01", "2025-08-01", ""],
    ]
    bad = _upload(admin_client, "residents", RESIDENT_HEADER, rows)
    assert bad["status"] == 422
    assert [(e["row"], e["column"]) for e in bad["body"]["errors"]] == [
        (3, "所在高校"),
        (4, "离园日期"),
    ]
    assert _count(session, Resident) == 0

    rows[1][2] = "盐城工学院"
    rows[2][6] = "2026-08-01"
    ok = _upload(admin_client, "residents", RESIDENT_HEADER, rows)
    assert ok["status"] == 200, ok
    assert ok["body"]["created"] == 3
    first = session.scalars(select(Resident).where(Resident.person_name == "张明")).one()
    assert first.pairing_id is not None
    assert first.kind == "student"
    again = _upload(admin_client, "residents", RESIDENT_HEADER, rows)
    assert (again["body"]["created"], again["body"]["unchanged"]) == (0, 3)
    assert _count(session, Resident) == 3


def test_funding_import_names_the_project_within_its_zone(
    admin_client: TestClient, session: Session
) -> None:
    a, b = create_zone(session, name="甲高新区"), create_zone(session, name="乙高新区")
    uni = create_university(session, name="甲大学")
    create_project(session, zone=a, university=uni, title="储能安全预警")
    own = create_project(session, zone=b, university=uni, title="储能安全预警")
    header = [
        "经费事项",
        "高新区",
        "高校",
        "关联项目",
        "出资方类型",
        "出资方",
        "金额（元）",
        "到位日期",
    ]
    row = ["首期经费", "乙高新区", "甲大学", "储能安全预警", "企业", "某企业", "0.10", "2025-09-01"]
    ambiguous = _upload(admin_client, "fundings", header, [row])
    assert ambiguous["status"] == 422
    assert [e["column"] for e in ambiguous["body"]["errors"]] == ["关联项目"]
    row[3] = "乙高新区/储能安全预警"
    second = [
        "二期经费",
        "乙高新区",
        "甲大学",
        "",
        "高新区",
        "乙高新区管委会",
        "0.20",
        "2025-10-01",
    ]
    ok = _upload(admin_client, "fundings", header, [row, second])
    assert ok["status"] == 200, ok
    funded = session.scalars(select(Funding).order_by(Funding.title)).all()
    assert [f.project_id for f in funded] == [None, own.id]
    assert sum((f.amount for f in funded), Decimal(0)) == Decimal("0.30")
    over_precise = _upload(admin_client, "fundings", header, [[*second[:6], "0.001", "2025-10-01"]])
    assert over_precise["status"] == 422
    assert [e["column"] for e in over_precise["body"]["errors"]] == ["金额（元）"]
