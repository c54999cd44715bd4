"""``shuanggao match`` and ``shuanggao matching reindex`` on a committed database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from shuanggao.cli import _load_areas, root
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.matches.index import forget_index
from tests.dbs import fresh_database
from tests.factories import create_demand, create_supply_item, create_university

RESULT_KEYS = {"kind", "id", "title", "owner", "score", "reasons", "conflict", "conflict_reason"}


@dataclass
class Data:
    demand_id: int
    storage_id: int
    vision_id: int


@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Data]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("SHUANGGAO_ENCODER", "hashing")
        get_settings.cache_clear()
        engine = build_engine(url)
        with Session(engine) as session:
            uni = create_university(session, name="南京工程学院")
            storage = create_supply_item(
                session,
                uni,
                kind="data",
                title="锂电池储能安全实验数据",
                owner_name="彭纪昌",
                abstract="储能电池热失控与安全预警实验数据",
            )
            vision = create_supply_item(
                session, uni, title="工业机器视觉缺陷检测", abstract="表面缺陷自动检测"
            )
            demand = create_demand(
                session, title="锂电池储能系统安全预测与预警", description="储能场站安全预警"
            )
            data = Data(demand.id, storage.id, vision.id)
            session.commit()
        engine.dispose()
        _load_areas()
        try:
            yield data
        finally:
            forget_index(get_settings())
            get_settings.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(root, list(args), env={"COLUMNS": "200"})


def test_match_demand_json(cli_data: Data) -> None:
    result = _run("match", "demand", str(cli_data.demand_id), "--top", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"label", "model_version", "method", "note", "filters_applied", "results"}
    assert body["label"] == "机器推荐" and body["model_version"].startswith("shuanggao-matching")
    assert body["method"] == "hybrid"
    assert [r["id"] for r in body["results"]] == [cli_data.storage_id, cli_data.vision_id]
    first = body["results"][0]
    assert set(first) == RESULT_KEYS
    assert (first["kind"], first["title"], first["owner"]) == (
        "supply_item",
        "锂电池储能安全实验数据",
        "彭纪昌（南京工程学院）",
    )
    assert set(first["reasons"]) == {
        "method",
        "shared_terms",
        "shared_codes",
        "scores",
        "filters_applied",
        "evidence",
    }
    assert first["reasons"]["evidence"] == []
    assert set(first["reasons"]["scores"]) == {
        "lexical",
        "dense",
        "lexical_norm",
        "dense_norm",
        "fused",
        "coverage",
    }


def test_match_text_supply_and_table(cli_data: Data) -> None:
    result = _run("match", "demand", "--text", "机器视觉表面缺陷检测", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["id"] == cli_data.vision_id
    result = _run("match", "supply", str(cli_data.storage_id), "--format", "json")
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)["results"]
    assert [(r["kind"], r["id"]) for r in results] == [("demand", cli_data.demand_id)]
    result = _run("match", "demand", str(cli_data.demand_id))
    assert result.exit_code == 0, result.output
    assert "锂电池储能安全实验数据" in result.stdout
    assert "彭纪昌（南京工程学院）" in result.stdout


def test_bad_calls_exit_non_zero(cli_data: Data) -> None:
    assert _run("match", "demand").exit_code == 2
    assert _run("match", "demand", "1", "--text", "储能").exit_code == 2
    missing = _run("match", "demand", "99999", "--format", "json")
    assert missing.exit_code == 1
    assert missing.stdout == ""
    assert _run("match", "demand", str(cli_data.demand_id), "--top", "0").exit_code == 1


def test_reindex(cli_data: Data) -> None:
    result = _run("matching", "reindex")
    assert result.exit_code == 0, result.output
    assert "技术供给 2 条，产业需求 1 条（新增 3，更新 0，移除 0）" in result.stdout
    result = _run("matching", "reindex", "--incremental")
    assert result.exit_code == 0, result.output
    assert "（新增 0，更新 0，移除 0）" in result.stdout
