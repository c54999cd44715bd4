"""``shuanggao matching map``: the batch two-way map of a zone, a university or the province
as a workbook, on a committed database."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from shuanggao.cli import _load_areas, root
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.matches.index import forget_index
from tests.dbs import fresh_database
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_supply_item,
    create_university,
    create_zone,
    pair_zone_with,
)


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("SHUANGGAO_ENCODER", "hashing")
        get_settings.cache_clear()
        engine = build_engine(url)
        with Session(engine) as session:
            zone = create_zone(session, name="甲高新区")
            uni = create_university(session, name="结对大学")
            create_university(session, name="空白大学")
            pair_zone_with(session, zone, uni)
            ent = create_demand_enterprise(session, zone, name="甲储能有限公司")
            create_supply_item(
                session,
                uni,
                title="储能电站热失控安全预警算法",
                abstract="锂电池储能电站热失控早期安全预警",
                owner_name="李老师",
            )
            create_supply_item(session, uni, title="茶叶加工工艺", abstract="绿茶杀青与揉捻")
            create_demand(
                session,
                ent,
                title="储能电站热失控安全预警",
                description="锂电池储能电站热失控早期安全预警",
            )
            create_demand(session, ent, title="光刻胶树脂国产化", description="ArF 光刻胶树脂合成")
            session.commit()
        engine.dispose()
        _load_areas()
        try:
            yield tmp_path
        finally:
            forget_index(get_settings())
            get_settings.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(root, list(args), env={"COLUMNS": "200"})


def _rows(path: Path, sheet: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(path.read_bytes()))
    return [[c.value for c in row] for row in book[sheet].iter_rows(min_row=2)]


def test_zone_map_workbook(committed: Path) -> None:
    out = committed / "zone.xlsx"
    result = _run("matching", "map", "--zone", "甲高新区", "--out", str(out))
    assert result.exit_code == 0, result.output
    needs = {r[1]: r for r in _rows(out, "需求→供给")}
    assert set(needs) == {"储能电站热失控安全预警", "光刻胶树脂国产化"}
    safety = needs["储能电站热失控安全预警"]
    assert (safety[5], safety[6], safety[7]) == (
        "是",
        "储能电站热失控安全预警算法",
        "李老师（结对大学）",
    )
    assert "共同关键词" in str(safety[11])
    assert [r[1] for r in _rows(out, "缺口")] == ["光刻胶树脂国产化"]
    supply = {r[1]: r for r in _rows(out, "供给→需求")}
    assert supply["储能电站热失控安全预警算法"][4] == "储能电站热失控安全预警"
    assert [r[1] for r in _rows(out, "未被需要的供给")] == ["茶叶加工工艺"]


def test_university_and_province_maps(committed: Path) -> None:
    out = committed / "uni.xlsx"
    result = _run("matching", "map", "--university", "结对大学", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(_rows(out, "需求→供给")) == 2 and len(_rows(out, "供给→需求")) == 2
    everything = committed / "all.xlsx"
    result = _run("matching", "map", "--all", "--out", str(everything))
    assert result.exit_code == 0, result.output
    notes = {r[0]: r[1] for r in _rows(everything, "说明")}
    assert (notes["范围"], notes["产业需求"], notes["技术供给"]) == ("江苏省", 2, 2)
    # A university paired with no zone: no needs to answer, all its (zero) items unused.
    empty = committed / "empty.xlsx"
    assert _run("matching", "map", "--university", "空白大学", "--out", str(empty)).exit_code == 0
    assert _rows(empty, "需求→供给") == []


def test_bad_arguments(committed: Path) -> None:
    both = _run(
        "matching", "map", "--zone", "甲高新区", "--all", "--out", str(committed / "x.xlsx")
    )
    assert both.exit_code == 1 and "三选一" in both.output
    unknown = _run("matching", "map", "--zone", "没有高新区", "--out", str(committed / "x.xlsx"))
    assert unknown.exit_code == 1 and "没有名为“没有高新区”的高新区" in unknown.output
    wrong = _run("matching", "map", "--all", "--out", str(committed / "x.csv"))
    assert wrong.exit_code == 1
    assert not (committed / "x.xlsx").exists()
