"""``shuanggao events`` on a committed database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from shuanggao import domains
from shuanggao.cli import _load_areas, root
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.matches.index import forget_index
from tests.dbs import fresh_database
from tests.events.conftest import build_world, make_event, register_all


@pytest.fixture
def event_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("SHUANGGAO_ENCODER", "hashing")
        get_settings.cache_clear()
        domains.load()
        engine = build_engine(url)
        with Session(engine) as session:
            world = build_world(session)
            event = make_event(session, world)
            register_all(session, world, event)
            session.commit()
            eid = event.id
        engine.dispose()
        _load_areas()
        try:
            yield eid
        finally:
            forget_index(get_settings())
            get_settings.cache_clear()


def _run(*args: str) -> Result:
    return CliRunner().invoke(root, list(args), env={"COLUMNS": "200"})


def test_schedule_json_starts_with_the_four_figures(event_id: int, tmp_path: Path) -> None:
    result = _run("events", "schedule", str(event_id), "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert list(body)[:4] == ["meetings", "total_score", "greedy_total_score", "clashes"]
    assert body["clashes"] == 0
    assert body["meetings"] == 3  # storage × two storage researchers, vision × vision
    assert body["total_score"] >= body["greedy_total_score"] > 0
    again = json.loads(_run("events", "schedule", str(event_id), "--format", "json").stdout)
    assert again["total_score"] == body["total_score"]
    xlsx, pdf = tmp_path / "a.xlsx", tmp_path / "a.pdf"
    printed = _run("events", "agenda", str(event_id), "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert printed.exit_code == 0, printed.output
    assert len(load_workbook(xlsx).sheetnames) == 7 + 2
    assert pdf.read_bytes().startswith(b"%PDF")
    report = json.loads(_run("events", "report", str(event_id), "--format", "json").stdout)
    assert report["meetings"] == body["meetings"]


def test_unknown_event_fails_in_chinese(event_id: int) -> None:
    result = _run("events", "schedule", str(event_id + 100), "--format", "json")
    assert result.exit_code == 1
    assert "不存在" in result.output
