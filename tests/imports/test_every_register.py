"""Every register: its template opens with its columns, and its export re-imports unchanged."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.imports import exports
from shuanggao.imports import service as imports
from shuanggao.imports.fields import field_specs
from shuanggao.kit.register import all_registers, get_register
from shuanggao.programme.enums import PolicyListKind
from shuanggao.programme.models import PolicyItem
from tests import factories as f
from tests.imports.sheets import read_xlsx

SYSTEM = Actor.system("tester")
KINDS = sorted(r.name for r in all_registers())
# National standards change only through ``shuanggao reference load``: imports refuse every row.
READ_ONLY = frozenset({"industries", "disciplines"})


def _populate(session: Session) -> None:
    """A little of everything, linked the way the programme links it."""
    zone = f.create_zone(session, name="全量高新区", industry_codes=["C39"])
    first = f.create_university(session)
    second = f.create_university(session, discipline_codes=["0812"])
    pairing = f.create_pairing(session, zone=zone, universities=[first, second])
    f.create_pilot_element(session, pairing=pairing)
    enterprise = f.create_enterprise(session, zone=zone)
    f.create_enterprise_service(session, enterprise=enterprise, university=first)
    project = f.create_project(session, zone=zone, university=first, enterprises=[enterprise])
    f.create_platform(session, zone=zone, universities=[first, second])
    f.create_resident(session, zone=zone, university=first)
    fund = f.create_conversion_fund(session, zone=zone)
    f.create_fund_investment(session, fund=fund)
    f.create_funding(session, zone=zone, university=first)
    f.create_report(session)
    f.create_industry(session)
    f.create_discipline(session)
    f.create_programme_fact(session, zone=zone)
    f.create_supply_item(session, university=first)
    f.create_demand(session, enterprise=enterprise)
    chain = f.create_industry_chain(session, zone=zone)
    f.create_chain_node(session, chain, [enterprise])
    researcher = f.create_user(session, "researcher", university_id=first.id)
    f.create_conflict_declaration(session, researcher, enterprise)
    f.create_conflict_declaration(
        session, researcher, enterprise_name="未登记的近亲属企业", kind="relative"
    )
    f.create_consortium(session, zone, enterprise, [first])
    del project
    kind = next(iter(PolicyListKind)).value
    session.add(PolicyItem(list_kind=kind, no=1, title="测试政策", issuer="省科技厅"))
    session.flush()


@pytest.mark.parametrize("kind", KINDS)
def test_template_lists_the_columns(kind: str) -> None:
    reg = get_register(kind)
    specs = field_specs(reg)
    workbook = load_workbook(io.BytesIO(exports.export_template(reg).content))
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header == [f"*{s.header}" if s.column.required else s.header for s in specs]
    assert workbook.sheetnames[1] == "填写说明"


@pytest.mark.parametrize("kind", KINDS)
def test_export_reimports_unchanged(session: Session, kind: str) -> None:
    _populate(session)
    reg = get_register(kind)
    for fmt in ("xlsx", "csv"):
        file = exports.export_records(session, SYSTEM, reg, fmt=fmt)
        if fmt == "xlsx":
            count = len(read_xlsx(file.content)) - 1
        else:
            count = len(file.content.decode("utf-8-sig").splitlines()) - 1
        job = imports.import_file(session, SYSTEM, reg, f"{kind}.{fmt}", file.content)
        assert count > 0, f"{kind}: nothing exported"
        if kind in READ_ONLY:
            assert job.status == "rejected"
            assert {e["code"] for e in job.errors} == {"forbidden"}
            assert job.error_count == count
            continue
        got: tuple[Any, ...] = (job.status, job.created_count, job.updated_count)
        assert (*got, job.unchanged_count, job.errors) == ("applied", 0, 0, count, []), fmt


def test_linked_rows_are_updated_through_the_register(session: Session) -> None:
    """A pairing's 结对高校 (many-to-many) is a set, changed through ``apply_extra``."""
    zone = f.create_zone(session, name="联动高新区")
    first = f.create_university(session, name="联动甲大学")
    second = f.create_university(session, name="联动乙大学")
    pairing = f.create_pairing(session, zone=zone, universities=[first, second])
    reg = get_register("pairings")

    def with_members(text: str) -> bytes:
        file = exports.export_records(session, SYSTEM, reg, fmt="xlsx")
        workbook = load_workbook(io.BytesIO(file.content))
        sheet = workbook.worksheets[0]
        column = [c.value for c in sheet[1]].index("结对高校") + 1
        assert sheet.cell(row=2, column=column).value == "联动甲大学；联动乙大学"
        sheet.cell(row=2, column=column).value = text
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    reordered = imports.import_file(
        session, SYSTEM, reg, "p.xlsx", with_members("联动乙大学、联动甲大学")
    )
    assert (reordered.updated_count, reordered.unchanged_count) == (0, 1)
    assert pairing.version == 1
    fewer = with_members("联动甲大学")
    job = imports.import_file(session, SYSTEM, reg, "p.xlsx", fewer)
    assert (job.status, job.updated_count, job.errors) == ("applied", 1, [])
    session.expire_all()
    again = exports.export_records(session, SYSTEM, reg, fmt="csv")
    assert ",联动甲大学," in again.content.decode("utf-8-sig").splitlines()[1]
    twice = imports.import_file(session, SYSTEM, reg, "p.xlsx", fewer)
    assert (twice.updated_count, twice.unchanged_count) == (0, 1)
