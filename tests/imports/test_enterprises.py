"""The headline: a 10,000-row enterprise import with bad rows is refused whole with every bad row
listed and nothing written; the corrected file is written whole; a second import changes nothing.
Also enterprise tenancy: a zone administrator imports and exports only their zone's rows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.enterprises.credit_code import ALPHABET, make_credit_code
from shuanggao.enterprises.models import Enterprise
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.kit.register import get_register
from tests.conftest import ClientFor
from tests.factories import create_enterprise, create_zone
from tests.imports.sheets import csv_bytes, read_xlsx, xlsx

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所属高新区",
    "国民经济行业代码",
    "是否高新技术企业",
    "地址",
    "联系人",
    "联系电话",
    "备注",
]


def _code(n: int) -> str:
    return make_credit_code(f"91320100{n:09d}")


def _bad_check_digit(code: str) -> str:
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    return code[:-1] + wrong


def _rows(zones: list[str], count: int) -> list[list[Any]]:
    return [
        [
            f"批量导入科技{n}有限公司",
            _code(n),
            zones[n % len(zones)],
            "C3841" if n % 2 else "I6513",
            "是" if n % 3 == 0 else "否",
            f"测试路 {n} 号",
            None,
            None,
            None,
        ]
        for n in range(count)
    ]


def _xlsx_fast(header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _count(session: Session) -> int:
    stmt = select(func.count()).select_from(Enterprise).where(Enterprise.name.like("批量导入%"))
    return int(session.scalar(stmt) or 0)


def _state(session: Session) -> set[tuple[int, Any, int]]:
    session.expire_all()
    stmt = select(Enterprise.id, Enterprise.updated_at, Enterprise.version).where(
        Enterprise.name.like("批量导入%")
    )
    return {(int(i), u, int(v)) for i, u, v in session.execute(stmt)}


@pytest.mark.parametrize(
    "rows",
    [
        # The PostgreSQL leg skips slow tests; it runs the same scenario on a smaller file.
        pytest.param(10_000, marks=pytest.mark.slow, id="10000"),
        pytest.param(400, id="400"),
    ],
)
def test_bad_rows_refused_then_written_then_unchanged(
    admin_client: TestClient, session: Session, rows: int
) -> None:
    zones = [create_zone(session, name=f"批量区{i}") for i in range(3)]
    good = _rows([z.name for z in zones], rows)
    bad = [list(r) for r in good]
    a, b, c, d, e = 10, rows // 4, rows // 2, rows * 7 // 10, rows - 2  # file rows are +2
    bad[a][1] = _bad_check_digit(bad[a][1])
    bad[b][2] = "不存在的高新区"
    bad[c][0] = None
    bad[d][1] = bad[d - 1][1]  # repeats the row above
    bad[e][1] = _bad_check_digit(bad[e][1])
    bad[e][2] = "另一个不存在的区"
    events_before = session.scalar(select(func.count()).select_from(AuditEvent))

    # The bad file as Chinese Excel saves CSV (GB18030); the corrected one as a workbook.
    resp = admin_client.post(
        "/api/v1/imports/enterprises",
        files={"file": ("企业.csv", csv_bytes(HEADER, bad, encoding="gb18030"))},
    )
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert body["error"] == "import_rejected"
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (a + 2, "统一社会信用代码", "invalid"),
        (b + 2, "所属高新区", "unknown_ref"),
        (c + 2, "企业名称", "required"),
        (d + 2, "统一社会信用代码", "duplicate_in_file"),
        (e + 2, "统一社会信用代码", "invalid"),
        (e + 2, "所属高新区", "unknown_ref"),
    ]
    messages = {(e["row"], e["column"]): e["message"] for e in body["errors"]}
    assert messages[(a + 2, "统一社会信用代码")] == "统一社会信用代码校验位不正确"
    assert messages[(b + 2, "所属高新区")] == "未找到名为“不存在的高新区”的高新区"
    assert messages[(d + 2, "统一社会信用代码")] == f"与第 {d + 1} 行重复（{good[d - 1][1]}）"
    assert (body["job"]["row_count"], body["job"]["error_count"]) == (rows, 6)
    assert _count(session) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before

    good_file = _xlsx_fast(HEADER, good)
    resp = admin_client.post(
        "/api/v1/imports/enterprises", files={"file": ("企业.xlsx", good_file)}
    )
    assert resp.status_code == 200, resp.text[:2000]
    assert (resp.json()["created"], resp.json()["updated"], resp.json()["unchanged"]) == (
        rows,
        0,
        0,
    )
    assert _count(session) == rows
    sample = session.scalars(select(Enterprise).where(Enterprise.credit_code == _code(3))).one()
    assert (sample.name, sample.zone_id, sample.industry_code, sample.is_high_tech) == (
        "批量导入科技3有限公司",
        zones[0].id,
        "C3841",
        True,
    )
    state = _state(session)

    resp = admin_client.post(
        "/api/v1/imports/enterprises", files={"file": ("企业.xlsx", good_file)}
    )
    assert resp.status_code == 200
    assert (resp.json()["created"], resp.json()["updated"], resp.json()["unchanged"]) == (
        0,
        0,
        rows,
    )
    assert _state(session) == state
    imports_logged = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "enterprises", AuditEvent.action == "import")
    ).all()
    assert len(imports_logged) == 2


def test_zone_admin_imports_only_their_zone(session: Session) -> None:
    own = create_zone(session, name="自家区")
    other = create_zone(session, name="别家区")
    theirs = create_enterprise(session, zone=other, name="别家企业", credit_code=_code(900))
    admin = Actor(role=Role.ZONE_ADMIN, user_id=5, username="zone5", zone_id=own.id)
    rows = [
        ["自家新企业", _code(901), "自家区", None, "否", None, None, None, None],
        ["别家新企业", _code(902), "别家区", None, "否", None, None, None, None],
        ["改名企业", _code(900), "自家区", None, "否", None, None, None, None],
    ]
    before = int(session.scalar(select(func.count()).select_from(Enterprise)) or 0)
    job = imports.import_file(
        session, admin, get_register("enterprises"), "e.xlsx", xlsx(HEADER, rows)
    )
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (3, "所属高新区", "forbidden"),
        (4, "所属高新区", "forbidden"),
    ]
    assert int(session.scalar(select(func.count()).select_from(Enterprise)) or 0) == before
    assert (theirs.name, theirs.zone_id, theirs.version) == ("别家企业", other.id, 1)
    ok = imports.import_file(
        session, admin, get_register("enterprises"), "e.xlsx", xlsx(HEADER, rows[:1])
    )
    assert (ok.status, ok.created_count) == ("applied", 1)


def test_zone_admin_export_holds_only_their_zone(client_for: ClientFor, session: Session) -> None:
    own = create_zone(session, name="导出自家区")
    other = create_zone(session, name="导出别家区")
    create_enterprise(session, zone=own, name="自家企业甲", credit_code=_code(800))
    create_enterprise(session, zone=own, name="自家企业乙", credit_code=_code(801))
    create_enterprise(session, zone=other, name="别家企业丙", credit_code=_code(802))
    admin = Actor(role=Role.ZONE_ADMIN, user_id=6, username="zone6", zone_id=own.id)
    resp = client_for(admin).get("/api/v1/exports/enterprises")
    assert resp.status_code == 200
    rows = read_xlsx(resp.content)
    assert list(rows[0]) == HEADER
    assert sorted((r[0], r[1], r[2]) for r in rows[1:]) == [
        ("自家企业乙", _code(801), "导出自家区"),
        ("自家企业甲", _code(800), "导出自家区"),
    ]
    csv_resp = client_for(admin).get(
        "/api/v1/exports/enterprises", params={"format": "csv", "zone_id": str(other.id)}
    )
    assert csv_resp.content.decode("utf-8-sig").splitlines() == [",".join(HEADER)]


def test_enterprise_export_round_trip(session: Session) -> None:
    zone = create_zone(session, name="往返区")
    create_enterprise(
        session,
        zone=zone,
        name="往返企业",
        credit_code=_code(700),
        is_high_tech=True,
        phone="025-12345678",
    )
    reg = get_register("enterprises")
    system = Actor.system("tester")
    file = exports.export_records(session, system, reg, fmt="xlsx", q="往返企业")
    rows = read_xlsx(file.content)
    assert rows[1][:5] == ("往返企业", _code(700), "往返区", "C3841", "是")
    job = imports.import_file(session, system, reg, file.filename, file.content)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
        "applied",
        0,
        0,
        1,
    )
