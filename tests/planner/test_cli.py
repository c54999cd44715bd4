"""``shuanggao planner`` on a committed database."""

from __future__ import annotations

import json
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
from tests.planner.conftest import build_world


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("SHUANGGAO_ENCODER", "hashing")
        get_settings.cache_clear()
        engine = build_engine(url)
        with Session(engine) as session:
            build_world(session)
            session.commit()
        engine.dispose()
        _load_areas()
        try:
            yield
        finally:
            forget_index(get_settings())
            get_settings.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(root, list(args), env={"COLUMNS": "200"})


def test_plan_json_reports_coverage_and_greedy(committed: None, tmp_path: Path) -> None:
    result = _run("planner", "plan", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert {
        k: body[k] for k in ("zones", "covered", "total_affinity", "greedy_total_affinity")
    } == {
        "zones": 2,
        "covered": 2,
        "total_affinity": 1.55,
        "greedy_total_affinity": 1.55,
    }
    out = tmp_path / "plan.xlsx"
    fixed = _run(
        "planner",
        "plan",
        "--fix",
        "储能区=邻市学院",
        "--cap",
        "视觉大学=0",
        "--xlsx",
        str(out),
        "--format",
        "json",
    )
    assert fixed.exit_code == 0, fixed.output
    pairs = [(p["zone_name"], p["university_name"]) for p in json.loads(fixed.stdout)["pairs"]]
    assert pairs == [("储能区", "邻市学院"), ("视觉区", "邻市学院")]
    assert load_workbook(out)["方案"]["C2"].value == "邻市学院"


def test_recommend_and_evaluate(committed: None) -> None:
    result = _run("planner", "recommend", "--zone", "储能区", "--top", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["university_name"] for r in json.loads(result.stdout)["results"]] == ["储能大学"]
    table = _run("planner", "recommend", "--university", "视觉大学")
    assert table.exit_code == 0, table.output
    assert "已结对区" in table.stdout
    evaluation = _run("planner", "evaluate", "--format", "json")
    assert evaluation.exit_code == 0, evaluation.output
    figures = {f["name"]: f for f in json.loads(evaluation.stdout)["figures"]}
    assert (figures["total"]["recall_at_3"], figures["total"]["recall_at_5"]) == (0.5, 1.0)


def test_bad_calls_exit_non_zero(committed: None) -> None:
    assert _run("planner", "recommend").exit_code == 2
    assert _run("planner", "recommend", "--zone", "无此区").exit_code == 2
    assert _run("planner", "plan", "--fix", "储能区").exit_code == 2
    infeasible = _run("planner", "plan", "--capacity", "0", "--format", "json")
    assert infeasible.exit_code == 1
    assert infeasible.stdout == ""
