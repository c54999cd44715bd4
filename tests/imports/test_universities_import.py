"""The import engine on universities and zones: rejection, upserts, idempotency, tenancy."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.errors import Conflict, Forbidden, NotFound
from shuanggao.imports import service as imports
from shuanggao.imports.models import ImportJob
from shuanggao.kit.register import get_register
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone
from tests.factories import create_university, create_zone
from tests.imports.sheets import UNIVERSITY_HEADER, csv_bytes, university_rows, xlsx

SYSTEM = Actor.system("tester")


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _import_events(session: Session, entity: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == "import")
    return list(session.scalars(stmt))


def test_good_file_is_written_with_one_audit_event(session: Session) -> None:
    reg = get_register("universities")
    data = xlsx(UNIVERSITY_HEADER, university_rows(5))
    job = imports.import_file(session, SYSTEM, reg, "高校.xlsx", data)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
        "applied",
        5,
        0,
        0,
    )
    assert job.errors == [] and job.error_count == 0
    uni = session.scalars(select(University).where(University.code == "4900000000")).one()
    assert (uni.name, uni.level, uni.discipline_codes, uni.version) == (
        "导入测试大学0",
        "undergraduate",
        ["0812", "0809"],
        1,
    )
    second = session.scalars(select(University).where(University.code == "4900000001")).one()
    assert (second.level, second.discipline_codes, second.province) == ("vocational", [], "江苏省")
    events = _import_events(session, "universities")
    assert len(events) == 1
    assert events[0].after is not None
    assert (events[0].after["created"], events[0].after["updated"]) == (5, 0)
    assert _count(session, AuditEvent) == 1  # one event for the file, none per row


def test_bad_rows_reject_the_whole_file_and_write_nothing(session: Session) -> None:
    create_university(session, code="4900000099", name="已有大学")
    reg = get_register("universities")
    rows = university_rows(4)
    rows[1][0] = "12345"  # bad 学校标识码
    rows[2][1] = None  # missing 学校名称
    rows[2][4] = "研究生院"  # bad 办学层次
    rows[3][0] = rows[0][0]  # duplicate key inside the file
    rows.append(["4900000050", "已有大学", "南京市", "江苏省", "本科", "81"])  # dup name, bad code
    before = _count(session, University)
    job = imports.import_file(session, SYSTEM, reg, "高校.xlsx", xlsx(UNIVERSITY_HEADER, rows))
    assert job.status == "rejected"
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (3, "学校标识码", "invalid"),
        (4, "学校名称", "required"),
        (4, "办学层次", "invalid"),
        (5, "学校标识码", "duplicate_in_file"),
        (6, "一级学科代码", "invalid"),
    ]
    assert job.errors[2]["message"] == "应为以下之一：本科、专科"
    assert job.errors[3]["message"] == "与第 2 行重复（4900000000）"
    assert job.error_count == 5
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 0)
    assert _count(session, University) == before
    assert _import_events(session, "universities") == []


def test_unique_name_conflict_with_an_existing_row_is_a_row_error(session: Session) -> None:
    create_university(session, code="4900000099", name="已有大学")
    rows = [["4900000050", "已有大学", "南京市", "江苏省", "本科", None]]
    reg = get_register("universities")
    job = imports.import_file(session, SYSTEM, reg, "u.csv", csv_bytes(UNIVERSITY_HEADER, rows))
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (2, "学校名称", "duplicate")
    ]


def test_second_import_changes_nothing(session: Session) -> None:
    reg = get_register("universities")
    data = xlsx(UNIVERSITY_HEADER, university_rows(6))
    imports.import_file(session, SYSTEM, reg, "高校.xlsx", data)
    stamps = {
        u.code: (u.updated_at, u.version)
        for u in session.scalars(select(University).where(University.code.like("49%")))
    }
    again = imports.import_file(session, SYSTEM, reg, "高校.xlsx", data)
    assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == (
        "applied",
        0,
        0,
        6,
    )
    assert again.notice is not None and f"#{again.id - 1}" in again.notice
    session.expire_all()
    after = {
        u.code: (u.updated_at, u.version)
        for u in session.scalars(select(University).where(University.code.like("49%")))
    }
    assert after == stamps


def test_changed_rows_are_updated_once_and_only_where_they_differ(session: Session) -> None:
    reg = get_register("universities")
    rows = university_rows(3)
    imports.import_file(session, SYSTEM, reg, "a.xlsx", xlsx(UNIVERSITY_HEADER, rows))
    rows[1][2] = "苏州市"
    rows.append(["4900000007", "新增大学", "无锡市", "江苏省", "本科", "0812"])
    job = imports.import_file(session, SYSTEM, reg, "b.xlsx", xlsx(UNIVERSITY_HEADER, rows))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 2)
    versions = {
        u.code: (u.city, u.version)
        for u in session.scalars(select(University).where(University.code.like("49%")))
    }
    assert versions == {
        "4900000000": ("南京市", 1),
        "4900000001": ("苏州市", 2),
        "4900000002": ("南京市", 1),
        "4900000007": ("无锡市", 1),
    }


def test_columns_missing_from_the_file_are_left_alone(session: Session) -> None:
    uni = create_university(session, code="4900000001", note="保留的备注", is_pilot=True)
    header = ["学校标识码", "学校名称", "所在地", "主管部门", "办学层次"]
    rows = [["4900000001", uni.name, "南京市", "江苏省", "本科"]]
    job = imports.import_file(
        session, SYSTEM, get_register("universities"), "x.xlsx", xlsx(header, rows)
    )
    assert (job.updated_count, job.unchanged_count) == (0, 1)
    assert (uni.note, uni.is_pilot) == ("保留的备注", True)


def test_header_problems_are_reported_on_row_one(session: Session) -> None:
    header = ["学校标识码", " 学校名称 ", "所在地", "主管部门", "校长", "网址"]
    job = imports.import_file(
        session, SYSTEM, get_register("universities"), "x.xlsx", xlsx(header, [["1"] * 6])
    )
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (1, "校长", "unknown_column"),
        (1, "网址", "unknown_column"),
        (1, "办学层次", "missing_column"),
    ]


def test_header_variants_are_tolerated(session: Session) -> None:
    header = [
        "*学校标识码",
        "学校名称（必填）",
        "所　在　地",
        "主管部门",
        "办学层次",
        "一级学科代码",
    ]
    job = imports.import_file(
        session,
        SYSTEM,
        get_register("universities"),
        "x.xlsx",
        xlsx(header, university_rows(1)),
    )
    assert (job.status, job.created_count) == ("applied", 1)


def test_zone_levels_dates_booleans_and_lists(session: Session) -> None:
    header = [
        "高新区简称",
        "级别",
        "所在设区市",
        "国民经济行业代码",
        "是否双高协同试点",
        "来源日期",
    ]
    rows = [
        ["甲高新区", "国家级", "南京市", "C3973、c3562\nC3841", "是", "2025/8/4"],
        ["乙高新区", "省级（筹）", "无锡市", "C39;C40,C41", "N", "2025年8月4日"],
        ["丙高新区", "省级(筹)", "常州市", None, "true", "2025-08-04"],
    ]
    job = imports.import_file(
        session, SYSTEM, get_register("zones"), "z.csv", csv_bytes(header, rows)
    )
    assert job.status == "applied", job.errors
    zones = {z.name: z for z in session.scalars(select(Zone).where(Zone.name.like("_高新区")))}
    assert zones["甲高新区"].industry_codes == ["C3973", "C3562", "C3841"]
    assert zones["乙高新区"].industry_codes == ["C39", "C40", "C41"]
    assert [zones[n].level for n in ("甲高新区", "乙高新区", "丙高新区")] == [
        "national",
        "provincial_prep",
        "provincial_prep",
    ]
    assert [zones[n].is_pilot for n in ("甲高新区", "乙高新区", "丙高新区")] == [True, False, True]
    assert {str(z.source_date) for z in zones.values()} == {"2025-08-04"}


def test_bad_dates_and_booleans_are_row_errors(session: Session) -> None:
    header = ["高新区简称", "级别", "所在设区市", "是否双高协同试点", "来源日期"]
    rows = [["甲高新区", "国家级", "南京市", "也许", "2025-02-30"]]
    job = imports.import_file(session, SYSTEM, get_register("zones"), "z.xlsx", xlsx(header, rows))
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (2, "是否双高协同试点", "invalid"),
        (2, "来源日期", "invalid"),
    ]


def test_excel_dates_and_numbers_as_cells(session: Session) -> None:
    import datetime as dt

    header = ["学校标识码", "学校名称", "所在地", "主管部门", "办学层次", "是否民办"]
    rows = [[4900000123, "数字大学", "南京市", "江苏省", "本科", False]]
    job = imports.import_file(
        session, SYSTEM, get_register("universities"), "u.xlsx", xlsx(header, rows)
    )
    assert job.status == "applied", job.errors
    uni = session.scalars(select(University).where(University.code == "4900000123")).one()
    assert uni.is_private is False
    zheader = ["高新区简称", "级别", "所在设区市", "来源日期"]
    zrows = [["日期高新区", "国家级", "南京市", dt.date(2025, 8, 4)]]
    job = imports.import_file(
        session, SYSTEM, get_register("zones"), "z.xlsx", xlsx(zheader, zrows)
    )
    assert job.status == "applied", job.errors
    zone = session.scalars(select(Zone).where(Zone.name == "日期高新区")).one()
    assert zone.source_date == dt.date(2025, 8, 4)


def test_zone_admin_may_update_only_their_own_zone(session: Session) -> None:
    own = create_zone(session, name="本区", city="南京市")
    other = create_zone(session, name="他区", city="苏州市")
    admin = Actor(role=Role.ZONE_ADMIN, user_id=7, username="zadmin", zone_id=own.id)
    header = ["高新区简称", "级别", "所在设区市"]
    rows = [["本区", "国家级", "无锡市"], ["他区", "国家级", "无锡市"], ["新区", "省级", "常州市"]]
    job = imports.import_file(session, admin, get_register("zones"), "z.xlsx", xlsx(header, rows))
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (3, "高新区简称", "forbidden"),
        (4, "高新区简称", "forbidden"),
    ]
    assert (own.city, own.version, other.city) == ("南京市", 1, "苏州市")
    ok = imports.import_file(
        session, admin, get_register("zones"), "z.xlsx", xlsx(header, rows[:1])
    )
    assert (ok.status, ok.updated_count) == ("applied", 1)
    assert (own.city, own.version) == ("无锡市", 2)


def test_auditor_may_not_import(session: Session) -> None:
    auditor = Actor(role=Role.AUDITOR, user_id=9, username="audit")
    with pytest.raises(Forbidden):
        imports.preview_import(
            session,
            auditor,
            get_register("zones"),
            "z.xlsx",
            xlsx(["高新区简称"], [["x"]]),
        )
    assert _count(session, ImportJob) == 0


def test_preview_writes_nothing_and_apply_writes(session: Session) -> None:
    reg = get_register("universities")
    actor = Actor(role=Role.PROVINCE_ADMIN, user_id=3, username="p")
    before = _count(session, University)
    job = imports.preview_import(
        session, actor, reg, "u.xlsx", xlsx(UNIVERSITY_HEADER, university_rows(3))
    )
    assert (job.status, job.created_count) == ("previewed", 3)
    assert _count(session, University) == before
    other = Actor(role=Role.PROVINCE_ADMIN, user_id=4, username="q")
    with pytest.raises(NotFound):
        imports.apply_import(session, other, job.id)
    stored = select(ImportJob.data).where(ImportJob.id == job.id)
    assert session.scalar(stored) is not None  # kept for apply to re-validate
    applied = imports.apply_import(session, actor, job.id)
    assert (applied.status, applied.created_count) == ("applied", 3)
    assert session.scalar(stored) is None  # written: the hash and counts are kept, not the file
    assert _count(session, University) == before + 3
    with pytest.raises(Conflict):
        imports.apply_import(session, actor, job.id)
    assert _count(session, University) == before + 3


def test_apply_revalidates_against_the_database_as_it_is_now(session: Session) -> None:
    reg = get_register("universities")
    job = imports.preview_import(
        session, SYSTEM, reg, "u.xlsx", xlsx(UNIVERSITY_HEADER, university_rows(2))
    )
    assert job.status == "previewed"
    create_university(session, code="4900000077", name="导入测试大学1")  # takes a file name
    before = _count(session, University)
    applied = imports.apply_import(session, SYSTEM, job.id)
    assert applied.status == "rejected"
    assert [(e["row"], e["column"], e["code"]) for e in applied.errors] == [
        (3, "学校名称", "duplicate")
    ]
    assert _count(session, University) == before


def test_empty_file_is_rejected(session: Session) -> None:
    job = imports.import_file(
        session, SYSTEM, get_register("universities"), "u.xlsx", xlsx(UNIVERSITY_HEADER, [])
    )
    assert [(e["row"], e["code"]) for e in job.errors] == [(2, "no_rows")]


def test_row_numbers_match_excel_with_blank_rows(session: Session) -> None:
    rows: list[list[Any]] = [*university_rows(1), [None] * 6, [None] * 6]
    bad = university_rows(1, start=5)[0]
    bad[0] = "x"
    rows.append(bad)
    job = imports.import_file(
        session, SYSTEM, get_register("universities"), "u.xlsx", xlsx(UNIVERSITY_HEADER, rows)
    )
    assert [(e["row"], e["column"]) for e in job.errors] == [(5, "学校标识码")]


def test_a_write_conflict_rolls_back_the_whole_file(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone commits a clashing row between validation and writing: nothing of the file stays."""
    from sqlalchemy.exc import IntegrityError

    from shuanggao.imports import engine

    real_write = engine.write_plan

    def clashing_write(*args: Any, **kwargs: Any) -> Any:
        real_write(*args, **kwargs)  # the rows are written, then a late clash is found
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr("shuanggao.imports.service.write_plan", clashing_write)
    before = _count(session, University)
    job = imports.import_file(
        session,
        SYSTEM,
        get_register("universities"),
        "u.xlsx",
        xlsx(UNIVERSITY_HEADER, university_rows(3)),
    )
    assert (job.status, job.data) == ("failed", None)
    assert _count(session, University) == before
    assert _import_events(session, "universities") == []
