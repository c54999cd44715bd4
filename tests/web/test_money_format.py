"""One money rule everywhere, checked on the demo data: a figure in 万元 with at most two
decimals (``yuan``), a record's amount in 元 with two decimals (``yuan_exact``); exports hold
yuan with two decimals. Walks every register page (list and a few records), the dashboards, the
data-quality page, the 填报 sheets and records pages, and every register export with money."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.actor import Actor, Role
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.imports.fields import field_specs
from shuanggao.kit.register import all_registers
from shuanggao.reports.models import PeriodicReport
from shuanggao.zones.models import Zone
from tests.dbs import copy_of
from tests.harness import app_on, clients_for, engine_for, rolled_back_sessions, settings_for

pytestmark = pytest.mark.slow

# An amount as the money filters write it: digits, then one space, then the unit.
MONEY = re.compile(r"(?<![\d,.])(-?\d[\d,]*(?:\.\d+)?) (元|万元|亿元)")
EXACT = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")
WAN = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d{1,2})?$")
RECORDS_PER_REGISTER = 5


@pytest.fixture(scope="module")
def demo_url(demo_template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's copy of the session's demo database (the reminder job writes to it)."""
    with copy_of(demo_template_url, tmp_path_factory.mktemp("moneydemo")) as url:
        yield url


@pytest.fixture
def demo(demo_url: str, tmp_path: Path) -> Iterator[tuple[Any, Session]]:
    with engine_for(demo_url) as engine, rolled_back_sessions(engine) as factory:
        app = app_on(settings_for(tmp_path, demo_url), factory)
        with clients_for(app) as make, factory() as session:
            yield make, session


def bad_amounts(html: str) -> list[str]:
    """Every amount in the page that breaks the rule."""
    text = re.sub(r"<[^>]+>", " ", html)
    bad = []
    for number, unit in MONEY.findall(text):
        ok = (unit == "元" and EXACT.match(number)) or (unit == "万元" and WAN.match(number))
        if not ok:
            bad.append(f"{number} {unit}")
    return bad


def money_registers() -> list[Any]:
    return [reg for reg in all_registers() if any(s.money for s in field_specs(reg))]


def test_every_page_with_money_follows_one_rule(demo: tuple[Any, Session]) -> None:
    make, session = demo
    province: TestClient = make(Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"))
    zones = list(session.scalars(select(Zone).where(Zone.is_pilot.is_(True)).order_by(Zone.id)))
    reports = list(session.scalars(select(PeriodicReport.id)))
    pages = ["/dashboard", "/dashboard?as_of=2025-11-30", "/dashboard/quality", "/reports"]
    pages += [f"/dashboard/cities/{city}" for city in sorted({z.city for z in zones})]
    pages += [f"/dashboard/zones/{z.id}" for z in zones]
    pages += [f"/reports/{rid}" for rid in reports]
    pages += [f"/reports/records/funding_yuan?zone_id={z.id}" for z in zones[:3]]
    for reg in money_registers():
        pages.append(f"/r/{reg.name}")
        ids = session.scalars(select(reg.model.id).limit(RECORDS_PER_REGISTER))  # type: ignore[attr-defined]
        pages += [f"/r/{reg.name}/{i}" for i in ids]
    amounts = 0
    problems: dict[str, list[str]] = {}
    for path in pages:
        response = province.get(path)
        assert response.status_code == 200, path
        amounts += len(MONEY.findall(re.sub(r"<[^>]+>", " ", response.text)))
        bad = bad_amounts(response.text)
        if bad:
            problems[path] = bad
    assert problems == {}
    # The walk did see money: the demo data has funding on every pilot zone's pages.
    assert amounts > len(zones)
    # The column of the city table that once mixed "2,361.0002 万元" and "0.00 元".
    city = province.get(f"/dashboard/cities/{zones[0].city}").text
    assert "万元" in city and " 元<" not in city


def test_every_export_with_money_holds_yuan_with_two_decimals(demo: tuple[Any, Session]) -> None:
    make, _ = demo
    province: TestClient = make(Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"))
    checked = 0
    for reg in money_registers():
        headers = [s.header for s in field_specs(reg) if s.money]
        response = province.get(f"/r/{reg.name}/export.csv")
        assert response.status_code == 200, reg.name
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        for row in rows:
            for header in headers:
                value = row[header]
                assert value == "" or re.fullmatch(r"-?\d+\.\d{2}", value), (reg.name, value)
                checked += bool(value)
        book = load_workbook(io.BytesIO(province.get(f"/r/{reg.name}/export.xlsx").content))
        sheet = book.worksheets[0]
        titles = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
        for header in headers:
            col = titles.index(header)
            for cells in sheet.iter_rows(min_row=2):
                if cells[col].value is not None:
                    assert cells[col].number_format == "0.00", (reg.name, header)
    assert checked > 0


def test_report_remind_job_writes_each_reminder_once(demo_url: str) -> None:
    """``shuanggao report remind --as-of`` on the demo data: every pilot zone owes the four
    periods ended by then, except the two demo reports already approved or submitted."""
    from shuanggao.cli import report as report_cli
    from shuanggao.reports.models import ReportReminder

    root = typer.Typer()
    root.add_typer(report_cli.app, name="report")
    env = {"SHUANGGAO_DATABASE_URL": demo_url, "COLUMNS": "200"}
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(root, ["report", "remind", "--as-of", "2026-11-05"], env=env)
        again = CliRunner().invoke(root, ["report", "remind", "--as-of", "2026-11-05"], env=env)
        bad = CliRunner().invoke(root, ["report", "remind", "--as-of", "2026-13-05"], env=env)
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    engine = build_engine(demo_url)
    try:
        with Session(engine) as session:
            pilots = len(list(session.scalars(select(Zone.id).where(Zone.is_pilot.is_(True)))))
            kinds = list(session.scalars(select(ReportReminder.kind)))
    finally:
        engine.dispose()
    expected = 4 * pilots - 2
    assert f"新写入提醒 {expected} 条" in first.output
    assert kinds == ["overdue"] * expected
    assert again.exit_code == 0 and "新写入提醒 0 条" in again.output
    assert bad.exit_code == 2
