"""``shuanggao privacy retention [--dry-run]`` on a committed database, through the real CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.audit.models import AuditEvent
from shuanggao.cli import privacy as privacy_cli
from shuanggao.clock import today
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.talent.models import Resident
from tests.dbs import fresh_database
from tests.factories import create_resident


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as u:
        yield u


def run(url: str, *args: str, **env: str) -> Any:
    root = typer.Typer()
    root.add_typer(privacy_cli.app, name="privacy")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            root, ["privacy", *args], env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200", **env}
        )
    finally:
        get_settings.cache_clear()


def names(url: str) -> dict[int, tuple[str, str | None]]:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            return {r.id: (r.person_name, r.note) for r in s.scalars(select(Resident))}
    finally:
        engine.dispose()


def test_retention_anonymises_only_what_is_past_its_period(url: str) -> None:
    engine = build_engine(url)
    with Session(engine) as s:
        long_gone = create_resident(
            s, person_name="赵老师", note="联系方式见附件", to_date=today() - dt.timedelta(days=400)
        )
        recent = create_resident(s, person_name="钱同学", to_date=today() - dt.timedelta(days=10))
        staying = create_resident(s, person_name="孙老师", to_date=None)
        s.commit()
        ids = (long_gone.id, recent.id, staying.id)
    engine.dispose()

    dry = run(url, "retention", "--dry-run", "--days", "365")
    assert dry.exit_code == 0, dry.output
    assert "1 条" in dry.output
    assert names(url)[ids[0]] == ("赵老师", "联系方式见附件")

    real = run(url, "retention", SHUANGGAO_RETENTION_RESIDENT_DAYS="365")
    assert real.exit_code == 0, real.output
    after = names(url)
    assert after[ids[0]] == ("（已匿名）", None)
    assert after[ids[1]][0] == "钱同学" and after[ids[2]][0] == "孙老师"
    engine = build_engine(url)
    with Session(engine) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "anonymise")).all()
        assert len(events) == 1 and events[0].entity == "residents"
    engine.dispose()
    # Run again: nothing left to do.
    assert "0 条" in run(url, "retention", "--days", "365").output
