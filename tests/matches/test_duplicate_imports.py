"""Duplicate warnings on every import path: rows of one file that repeat each other (row 3 and
row 7 of the same upload), through the API import and through ``shuanggao import``, whose output
lists the warnings (the hooks are installed by ``domains.load``, not by the web app)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.cli import transfer
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.imports.models import ImportJob
from shuanggao.matches import service as matches_service
from tests.conftest import ClientFor
from tests.dbs import fresh_database
from tests.demand.world import build_world
from tests.factories import create_demand, create_demand_enterprise, create_zone
from tests.imports.sheets import csv_bytes

HEADER = ["*企业", "*需求名称", "需求描述", "国民经济行业代码", "*合作方式"]
GAS = "需要高纯电子特气（三氟化氮）纯化与痕量杂质检测技术，满足晶圆制造要求。"
RESIST = "需要 ArF 光刻胶树脂合成与纯化技术，打破国外垄断。"


def _rows(enterprise: str) -> list[list[str]]:
    """Data rows 2–8 of the file: 3 and 7 are one need in other words; the rest differ."""
    return [
        [
            enterprise,
            "储能舱消防联动控制",
            "储能舱火灾早期探测与联动控制，降低储能电站火灾损失。",
            "C3849",
            "技术开发",
        ],
        [enterprise, "高纯电子特气纯化技术", GAS, "C2619", "技术开发"],
        [
            enterprise,
            "茶园采摘机器人",
            "名优绿茶嫩芽识别与柔性采摘机械手，提高春茶采摘效率。",
            "C3579",
            "技术开发",
        ],
        [
            enterprise,
            "风电叶片无损检测",
            "大型风电叶片内部缺陷超声与红外无损检测装置。",
            "C3415",
            "技术开发",
        ],
        [
            enterprise,
            "污水厂智能曝气",
            "市政污水处理厂曝气量智能控制，降低能耗。",
            "N7721",
            "技术开发",
        ],
        [
            enterprise,
            "电子特气纯化国产化",
            "希望突破三氟化氮等高纯电子特气的纯化与痕量杂质检测，满足晶圆厂要求。",
            "C2619",
            "技术开发",
        ],
        [enterprise, "纺织印染废水回用", "印染废水深度处理与中水回用工艺。", "C1713", "技术开发"],
    ]


def test_the_hooks_are_installed_without_the_web_app() -> None:
    assert matches_service.check_duplicates in demand_register.warn
    assert matches_service.check_duplicates_within in demand_register.warn_rows


def test_api_import_flags_two_rows_of_one_file(
    session: Session, app: FastAPI, client_for: ClientFor
) -> None:
    world = build_world(session)
    client = client_for(world.actors["zone_a"])
    count = select(func.count()).select_from(Demand).where(Demand.enterprise_id == world.ent_a.id)
    before = session.scalar(count) or 0
    data = csv_bytes(HEADER, _rows(world.ent_a.name))
    resp = client.post("/api/v1/imports/demands", files={"file": ("需求.csv", data)})
    assert resp.status_code in (200, 201), resp.text
    body = resp.json()
    assert body["status"] == "applied" and body["created"] == 7
    assert [(w["row"], w["code"]) for w in body["warnings"]] == [(7, "duplicate_in_file")]
    assert "第 3 行“高纯电子特气纯化技术”" in body["warnings"][0]["message"]
    assert session.scalar(count) == before + 7


def test_a_file_of_distinct_needs_has_no_warning(
    session: Session, app: FastAPI, client_for: ClientFor
) -> None:
    world = build_world(session)
    client = client_for(world.actors["zone_a"])
    rows = _rows(world.ent_a.name)
    distinct = [rows[0], rows[2], rows[3]]
    resp = client.post(
        "/api/v1/imports/demands?dry_run=true",
        files={"file": ("需求.csv", csv_bytes(HEADER, distinct))},
    )
    assert resp.status_code in (200, 201), resp.text
    assert resp.json()["warnings"] == []


runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        get_settings.cache_clear()
        try:
            yield url
        finally:
            get_settings.cache_clear()


def _seed(url: str) -> str:
    """A zone, an enterprise and a stored need (高端光刻胶国产化), committed."""
    engine = build_engine(url)
    try:
        with make_session_factory(engine)() as session:
            zone = create_zone(session, name="甲高新区")
            ent = create_demand_enterprise(session, zone, name="甲材料有限公司")
            create_demand(
                session, ent, title="高端光刻胶国产化", description=RESIST, industry_code="C2664"
            )
            name = str(ent.name)
            session.commit()
            return name
    finally:
        engine.dispose()


def _count(url: str) -> int:
    engine = build_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(Demand)) or 0)
    finally:
        engine.dispose()


def _cli() -> typer.Typer:
    root = typer.Typer()
    transfer.register(root)
    return root


def test_cli_import_lists_the_duplicate_warnings(cli_db: str, tmp_path: Path) -> None:
    enterprise = _seed(cli_db)
    rows: list[list[Any]] = _rows(enterprise)
    rows.append([enterprise, "ArF光刻胶国产化", RESIST, "C2664", "技术开发"])  # row 9
    path = tmp_path / "需求.csv"
    path.write_bytes(csv_bytes(HEADER, rows))
    dry = runner.invoke(_cli(), ["import", "demands", str(path), "--dry-run"], terminal_width=250)
    assert dry.exit_code == 0, dry.output
    assert "2 处提醒" in dry.output
    assert "duplicate_in_file" in dry.output and "possible_duplicate" in dry.output
    assert _count(cli_db) == 1
    result = runner.invoke(_cli(), ["import", "demands", str(path)], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "新增 8 条" in result.output and "2 处提醒" in result.output
    assert "duplicate_in_file" in result.output and "possible_duplicate" in result.output
    assert _count(cli_db) == 9
    assert _job_warnings(cli_db) == [
        (7, "duplicate_in_file", "第 3 行“高纯电子特气纯化技术”"),
        (9, "possible_duplicate", "“高端光刻胶国产化”"),
    ]


def _job_warnings(url: str) -> list[tuple[int, str, str]]:
    """The last import job's warnings: row, code, and the part of the message naming the other."""
    engine = build_engine(url)
    try:
        with make_session_factory(engine)() as session:
            job = session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
            assert job is not None
            out = []
            for w in job.warnings:
                named = w["message"].split("：", 1)[1]
                out.append((w["row"], w["code"], named.split("（")[0]))
            return out
    finally:
        engine.dispose()
