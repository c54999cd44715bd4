"""``shuanggao privacy retention [--dry-run]`` on a committed database, through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.actor import Actor, Role
from shuanggao.audit import chain
from shuanggao.audit import service as audit
from shuanggao.audit.models import AuditEvent
from shuanggao.cli import privacy as privacy_cli
from shuanggao.clock import today
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.mentoring.models import Assessment, PracticeProject, ProgressReport
from shuanggao.mentoring.models import Meeting as PracticeMeeting
from shuanggao.talent.models import Resident
from tests.dbs import fresh_database
from tests.factories import (
    create_demand_enterprise,
    create_pairing,
    create_resident,
    create_university,
    create_zone,
)
from tests.privacy.test_held import seed_person

ZONE_ADMIN = Actor(role=Role.ZONE_ADMIN, user_id=7, username="zone7")


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
        for row in (long_gone, recent):
            audit.record(
                s,
                ZONE_ADMIN,
                "create",
                "residents",
                row.id,
                summary=f"新增驻园师生：{row.person_name}",
                after={"person_name": row.person_name, "note": row.note},
            )
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
    assert after[ids[0]] == (f"（已匿名-{ids[0]}）", None)
    assert after[ids[1]][0] == "钱同学" and after[ids[2]][0] == "孙老师"
    engine = build_engine(url)
    with Session(engine) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "anonymise")).all()
        assert len(events) == 1 and events[0].entity == "residents"
        # The audit rows about the anonymised resident lost the name; the chain still verifies.
        trail = [
            json.dumps([e.actor_name, e.summary, e.before, e.after], ensure_ascii=False)
            for e in s.scalars(select(AuditEvent))
        ]
        assert not any("赵老师" in t or "联系方式见附件" in t for t in trail)
        assert any("钱同学" in t for t in trail)
        report = chain.walk(s)
        assert report.ok and report.erased == 1
    engine.dispose()
    # Run again: nothing left to do.
    assert "0 条" in run(url, "retention", "--days", "365").output


def test_retention_anonymises_residents_sharing_university_zone_and_start(url: str) -> None:
    """Two residents of one university and zone who started the same day stay distinct after
    anonymisation (the resident's unique key holds the name)."""
    engine = build_engine(url)
    with Session(engine) as s:
        uni, zone = create_university(s), create_zone(s)
        first, second = (
            create_resident(
                s, zone, uni, person_name=name, to_date=today() - dt.timedelta(days=400)
            )
            for name in ("周老师", "吴老师")
        )
        s.commit()
        ids = (first.id, second.id)
    engine.dispose()
    real = run(url, "retention", "--days", "365")
    assert real.exit_code == 0, real.output
    after = names(url)
    assert after[ids[0]] == (f"（已匿名-{ids[0]}）", None)
    assert after[ids[1]] == (f"（已匿名-{ids[1]}）", None)


def _practice(url: str) -> dict[str, tuple[str | None, list[str]]]:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            out: dict[str, tuple[str | None, list[str]]] = {}
            for p in s.scalars(select(PracticeProject)):
                texts = [
                    r.content
                    for r in s.scalars(
                        select(ProgressReport).where(ProgressReport.project_id == p.id)
                    )
                ]
                texts += [
                    m.minutes
                    for m in s.scalars(
                        select(PracticeMeeting).where(PracticeMeeting.project_id == p.id)
                    )
                ]
                texts += [
                    a.comment
                    for a in s.scalars(select(Assessment).where(Assessment.project_id == p.id))
                ]
                out[p.title] = (p.plan, texts)
            return out
    finally:
        engine.dispose()


def test_retention_anonymises_practice_projects_decided_before_the_period(url: str) -> None:
    engine = build_engine(url)
    with Session(engine) as s:
        uni = create_university(s)
        pairing = create_pairing(s, universities=[uni])
        ent = create_demand_enterprise(s)
        seed_person(s, uni, pairing, ent, "甲", "张三丰")
        seed_person(s, uni, pairing, ent, "乙", "李四光")
        now = dt.datetime.now(dt.UTC)
        for p in s.scalars(select(PracticeProject)):
            p.state = "decided"
            p.decided_at = now - dt.timedelta(days=400 if p.title.startswith("甲") else 10)
            audit.record(
                s,
                ZONE_ADMIN,
                "update",
                "practice_projects",
                p.id,
                summary=f"修改实践计划：{p.plan}",
                after={"plan": p.plan},
            )
        s.commit()
    engine.dispose()
    before = _practice(url)
    assert before["甲的实践项目"] == ("甲的计划", ["甲的进展", "甲的纪要", "甲的评语"])

    dry = run(url, "retention", "--dry-run", "--practice-days", "365")
    assert dry.exit_code == 0, dry.output
    assert "实践项目 1 项" in dry.output
    assert _practice(url) == before

    real = run(url, "retention", SHUANGGAO_RETENTION_PRACTICE_DAYS="365")
    assert real.exit_code == 0, real.output
    assert "已匿名化实践项目 1 项" in real.output
    after = _practice(url)
    assert after["甲的实践项目"] == ("（已匿名）", ["（已匿名）"] * 3)
    assert after["乙的实践项目"] == before["乙的实践项目"]
    assert len(after) == len(before)
    engine = build_engine(url)
    with Session(engine) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "anonymise")).all()
        assert len(events) == 1 and events[0].entity == "practice_projects"
        # The audit row about 甲's project lost its text, 乙's kept it; the chain still verifies.
        trail = [
            json.dumps([e.summary, e.before, e.after], ensure_ascii=False)
            for e in s.scalars(select(AuditEvent))
        ]
        assert not any("甲的计划" in t for t in trail)
        assert any("乙的计划" in t for t in trail)
        report = chain.walk(s)
        assert report.ok and report.erased == 1
    engine.dispose()
    assert "实践项目 0 项" in run(url, "retention", "--practice-days", "365").output
