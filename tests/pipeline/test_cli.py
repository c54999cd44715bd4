"""``shuanggao pipeline`` on a committed database: start, advance to 签订合同 (a project with its
origin), decline, list and the funnel as JSON and xlsx; bad calls exit non-zero."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from shuanggao.cli import _load_areas, root
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from tests.dbs import fresh_database
from tests.factories import create_supply_item
from tests.pipeline.world import build


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        get_settings.cache_clear()
        engine = build_engine(url)
        with Session(engine) as session:
            w = build(session)
            other = create_supply_item(session, w.university, title="储能算法")
            ids = {"match": w.match.id, "demand": w.demand.id, "other": other.id}
            session.commit()
        engine.dispose()
        _load_areas()
        try:
            yield ids
        finally:
            get_settings.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(root, list(args), env={"COLUMNS": "200"})


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_pipeline_commands(committed: dict[str, int], tmp_path: Path) -> None:
    started = _json(_run("pipeline", "start", "--match", str(committed["match"])))
    cid = str(started["id"])
    assert started["stage"] == "intent"
    for stage in ("已联系", "已对接", "签订意向"):
        assert _json(_run("pipeline", "advance", cid, "--stage", stage))["stage"] != "intent"
    signed = _json(_run("pipeline", "advance", cid, "--owner", "陈钊", "--note", "合同签订"))
    assert signed["stage"] == "contract_signed" and signed["project_id"] is not None
    stale = _run("pipeline", "advance", cid, "--version", "1")
    assert stale.exit_code == 1
    other = _json(
        _run(
            "pipeline",
            "start",
            "--demand",
            str(committed["demand"]),
            "--supply",
            str(committed["other"]),
        )
    )
    declined = _json(_run("pipeline", "decline", str(other["id"]), "--reason", "技术路线不合适"))
    assert declined["status"] == "declined"
    listed = _json(_run("pipeline", "list", "--format", "json"))
    assert listed["total"] == 2
    assert _json(_run("pipeline", "list", "--stage", "签订合同", "--format", "json"))["total"] == 1
    xlsx = tmp_path / "funnel.xlsx"
    result = _json(
        _run("pipeline", "funnel", "--by", "zone", "--format", "json", "--xlsx", str(xlsx))
    )
    assert [s["reached"] for s in result["overall"]["stages"]] == [2, 1, 1, 1, 1, 0]
    assert result["overall"]["decline_reasons"] == [{"reason": "技术路线不合适", "count": 1}]
    assert xlsx.stat().st_size > 0
    assert _run("pipeline", "funnel").exit_code == 0
    assert _run("pipeline", "funnel", "--by", "nope").exit_code == 1
    assert _run("pipeline", "advance", "999999").exit_code == 1
    assert _run("pipeline", "funnel", "--as-of", "2025-13-01").exit_code == 2
