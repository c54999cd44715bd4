"""``shuanggao reference load`` on a fresh, committed database, through the real CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.audit.models import AuditEvent
from shuanggao.cli import reference as reference_cli
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.programme.models import PolicyItem, ProgrammeFact, ProgrammeFactUniversity
from shuanggao.reference.models import Discipline, Industry
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone
from tests.dbs import fresh_database

MODELS: tuple[Any, ...] = (
    Industry,
    Discipline,
    University,
    Zone,
    Pairing,
    PairingUniversity,
    ProgrammeFact,
    ProgrammeFactUniversity,
    PolicyItem,
)
EXPECTED_ROWS = {
    "industry": 1972,
    "discipline": 198,
    "university": 2919,
    "zone": 28,
    "pairing": 9,
    "pairing_university": 14,
    "programme_fact": 61,
    "programme_fact_university": 58,
    "policy_item": 4,
}


@pytest.fixture
def db_url_fresh(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        yield url


def _run_load(url: str) -> Any:
    root = typer.Typer()
    root.add_typer(reference_cli.app, name="reference")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            root, ["reference", "load"], env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        get_settings.cache_clear()


def _state(url: str) -> dict[str, tuple[int, int, dt.datetime | None]]:
    """Per table: rows, sum of versions and the latest updated_at (link tables: rows only)."""
    engine = build_engine(url)
    try:
        with make_session_factory(engine)() as session:
            out: dict[str, tuple[int, int, dt.datetime | None]] = {}
            for model in MODELS:
                rows = session.scalar(select(func.count()).select_from(model)) or 0
                if hasattr(model, "version"):
                    versions = session.scalar(select(func.sum(model.version))) or 0
                    latest = session.scalar(select(func.max(model.updated_at)))
                else:
                    versions, latest = 0, None
                out[model.__tablename__] = (rows, versions, latest)
            return out
    finally:
        engine.dispose()


def _audit_count(url: str) -> int:
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    finally:
        engine.dispose()


def test_load_twice_on_a_fresh_database(db_url_fresh: str) -> None:
    first = _run_load(db_url_fresh)
    assert first.exit_code == 0, first.output
    assert "新增 5191, 更新 0, 未变 0" in first.output
    state = _state(db_url_fresh)
    assert {table: rows for table, (rows, _, _) in state.items()} == EXPECTED_ROWS
    # One audit event per loaded kind (6) and one per pairing created through the service (9).
    audits = _audit_count(db_url_fresh)
    assert audits == 15

    second = _run_load(db_url_fresh)
    assert second.exit_code == 0, second.output
    assert "参考数据已是最新，未做修改：新增 0, 更新 0, 未变 5191" in second.output
    assert _state(db_url_fresh) == state
    assert _audit_count(db_url_fresh) == audits


def test_refused_load_exits_non_zero_and_writes_nothing(
    db_url_fresh: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shuanggao.programme import data

    bad = tmp_path / "pairs.csv"
    text = data.PAIRS_CSV.read_text(encoding="utf-8").replace("江苏海洋大学", "江苏海洋学院", 1)
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setattr(data, "PAIRS_CSV", bad)
    result = _run_load(db_url_fresh)
    assert result.exit_code == 1
    assert "pairs.csv 第 6 行：高校“江苏海洋学院”不在教育部普通高等学校名单中" in result.output
    assert all(rows == 0 for rows, _, _ in _state(db_url_fresh).values())
