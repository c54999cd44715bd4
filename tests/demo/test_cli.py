"""``shuanggao db upgrade`` → ``reference load`` → ``demo load`` → ``stats`` on a fresh, committed
database, through the real CLI: the article's figures come out with source "reports" and the
record counts beside them; loading the demo twice changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import func, select, text
from typer.testing import CliRunner, Result

import shuanggao.domains  # noqa: F401  (every models module, for the table list)
from shuanggao.audit.models import AuditEvent
from shuanggao.cli import db as db_cli
from shuanggao.cli import demo as demo_cli
from shuanggao.cli import mentoring as mentoring_cli
from shuanggao.cli import reference as reference_cli
from shuanggao.cli import stats as stats_cli
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.demo.programme import demo_credit_code, organisation_code
from shuanggao.demo.repository import demo_models
from shuanggao.enterprises.credit_code import is_valid_credit_code
from shuanggao.enterprises.models import Enterprise
from shuanggao.pairings.models import Pairing, PairingUniversity
from tests.dbs import fresh_database

ARTICLE = {
    "zones": 18,
    "universities": 37,
    "pairings": 51,
    "projects": 342,
    "platforms": 58,
    "residents": 1000,
    "enterprises_served": 560,
    "funding_yuan": 750000000,
}
AS_OF = "2025-11-30"

# The record counts, computed here with plain SQL, independently of the statistics service.
RECORD_SQL = {
    "zones": """SELECT COUNT(*) FROM (
        SELECT zone_id AS z FROM pairing WHERE start_date <= :d
        UNION SELECT id FROM zone WHERE is_pilot) AS t""",
    "universities": """SELECT COUNT(*) FROM (
        SELECT pu.university_id AS u FROM pairing_university pu
          JOIN pairing p ON p.id = pu.pairing_id WHERE p.start_date <= :d
        UNION SELECT id FROM university WHERE is_pilot) AS t""",
    "pairings": """SELECT COUNT(*) FROM pairing_university pu
        JOIN pairing p ON p.id = pu.pairing_id WHERE p.start_date <= :d""",
    "projects": "SELECT COUNT(*) FROM project WHERE start_date <= :d",
    "platforms": "SELECT COUNT(*) FROM platform WHERE established_date <= :d",
    "residents": """SELECT COUNT(*) FROM resident
        WHERE from_date <= :d AND (to_date IS NULL OR to_date >= :d)""",
    "enterprises_served": """SELECT COUNT(DISTINCT enterprise_id) FROM enterprise_service
        WHERE service_date <= :d""",
    "funding_yuan": "SELECT COALESCE(SUM(amount), 0) FROM funding WHERE funding_date <= :d",
}


def _root() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(db_cli.app, name="db")
    root.add_typer(reference_cli.app, name="reference")
    root.add_typer(demo_cli.app, name="demo")
    root.add_typer(mentoring_cli.app, name="mentoring")
    stats_cli.register(root)
    return root


def run(url: str, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            _root(), list(args), env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        get_settings.cache_clear()


def _scalar(url: str, sql: str, **params: Any) -> Any:
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _state(url: str) -> dict[str, Any]:
    """Rows, summed versions and the latest update of every table with demo rows; audit rows."""
    engine = build_engine(url)
    try:
        with make_session_factory(engine)() as session:
            out: dict[str, Any] = {}
            for model in demo_models():
                version = getattr(model, "version", None)
                updated = getattr(model, "updated_at", None)
                out[model.__tablename__] = (
                    session.scalar(select(func.count()).select_from(model)),
                    session.scalar(select(func.sum(version))) if version is not None else None,
                    session.scalar(select(func.max(updated))) if updated is not None else None,
                )
            out["pairing_university"] = session.scalar(
                select(func.count()).select_from(PairingUniversity)
            )
            out["audit_event"] = session.scalar(select(func.count()).select_from(AuditEvent))
            return out
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("demo")
    with fresh_database(tmp, migrated=False) as url:
        for args in (("db", "upgrade"), ("reference", "load")):
            result = run(url, *args)
            assert result.exit_code == 0, result.output
        baseline = _scalar(url, "SELECT COUNT(*) FROM pairing")
        baseline_links = _scalar(url, "SELECT COUNT(*) FROM pairing_university")
        first = run(url, "demo", "load")
        assert first.exit_code == 0, first.output
        yield {
            "url": url,
            "first": first,
            "baseline_pairings": baseline,
            "baseline_links": baseline_links,
        }


def test_stats_json_shows_the_article_figures_beside_the_records(loaded: dict[str, Any]) -> None:
    url = loaded["url"]
    result = run(url, "stats", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"as_of", "figures", "talent", "project_origins"}
    # The demo's 澄测科技—无锡学院 collaboration reached 签订合同 in 2025-07: its project counts.
    origins = body["project_origins"]
    assert origins["total"] == body["figures"]["projects"]["records"]
    assert (origins["manual"], origins["match"], origins["meeting"]) == (1, 0, 0)
    assert origins["direct"] == origins["total"] - 1
    # The talent section counts the same residents as the figure.
    assert body["talent"]["residents"] == body["figures"]["residents"]["records"]
    assert body["as_of"] == AS_OF
    assert list(body["figures"]) == list(ARTICLE)
    for name, reported in ARTICLE.items():
        fig = body["figures"][name]
        recorded = _scalar(url, RECORD_SQL[name], d=AS_OF)
        if name == "funding_yuan":
            # Money columns hold fen.
            recorded = Decimal(recorded) / 100
            assert Decimal(str(fig["records"])) == recorded
        else:
            assert fig["records"] == recorded, name
        assert (fig["value"], fig["source"]) == (reported, "reports"), name
    assert body["figures"]["residents"]["qualifier"] == "多"
    assert body["figures"]["enterprises_served"]["qualifier"] == "超"
    assert body["figures"]["zones"]["records"] == 18
    # Records are generated around the reported figures, never above them on that date.
    assert all(body["figures"][n]["records"] <= ARTICLE[n] for n in ARTICLE)


def test_stats_before_the_report_come_from_records(loaded: dict[str, Any]) -> None:
    result = run(loaded["url"], "stats", "--as-of", "2025-10-31", "--format", "json")
    body = json.loads(result.stdout)
    assert {f["source"] for f in body["figures"].values()} == {"records"}
    assert all(f["value"] == f["records"] for f in body["figures"].values())


def test_stats_table_and_zone(loaded: dict[str, Any]) -> None:
    table = run(loaded["url"], "stats", "--as-of", AS_OF)
    assert table.exit_code == 0, table.output
    assert "数说双高协同：全省，截至 2025-11-30" in table.stdout
    assert "750,000,000.00" in table.stdout
    zone = run(
        loaded["url"], "stats", "--as-of", "2026-01-31", "--zone", "江阴高新区", "--format", "json"
    )
    assert zone.exit_code == 0, zone.output
    figures = json.loads(zone.stdout)["figures"]
    # 江阴's approved zone report (as of 2025-12-31) answers for the zone.
    assert figures["pairings"] == {**figures["pairings"], "value": 1, "source": "reports"}
    unknown = run(loaded["url"], "stats", "--zone", "不存在高新区")
    assert unknown.exit_code == 1
    assert "不存在" in unknown.output


def test_demo_reuses_the_baseline_and_marks_its_rows(loaded: dict[str, Any]) -> None:
    url = loaded["url"]
    # One pairing per pilot zone: the baseline's are reused, demo ones fill the other zones.
    assert _scalar(url, "SELECT COUNT(*) FROM pairing") == 18
    assert _scalar(url, "SELECT COUNT(DISTINCT zone_id) FROM pairing") == 18
    real = _scalar(url, "SELECT COUNT(*) FROM pairing WHERE NOT is_demo")
    assert real == loaded["baseline_pairings"] == 9
    real_links = _scalar(
        url,
        "SELECT COUNT(*) FROM pairing_university pu JOIN pairing p ON p.id = pu.pairing_id"
        " WHERE NOT p.is_demo",
    )
    assert real_links == loaded["baseline_links"]
    for table in (
        "enterprise",
        "enterprise_service",
        "project",
        "platform",
        "resident",
        "conversion_fund",
        "fund_investment",
        "funding",
        "periodic_report",
        "pilot_element",
    ):
        assert _scalar(url, f"SELECT COUNT(*) FROM {table} WHERE is_demo") > 0, table
        assert _scalar(url, f"SELECT COUNT(*) FROM {table} WHERE NOT is_demo") == 0, table
    assert _scalar(url, "SELECT COUNT(*) FROM enterprise") >= 200
    engine = build_engine(url)
    try:
        with make_session_factory(engine)() as session:
            codes = session.scalars(select(Enterprise.credit_code)).all()
            assert all(is_valid_credit_code(c) for c in codes)
            names = session.scalars(
                select(Enterprise.name).where(Enterprise.name.like("江苏%有限公司"))
            ).all()
            assert {"江苏澄测科技有限公司", "江苏林洋储能技术有限公司"} <= set(names)
            assert session.scalar(select(func.count()).select_from(Pairing)) == 18
    finally:
        engine.dispose()
    # Dates spread over the programme so that trends show.
    months = _scalar(
        url,
        "SELECT COUNT(DISTINCT start_date) FROM project WHERE start_date BETWEEN"
        " '2025-07-01' AND '2026-11-30'",
    )
    assert months > 100
    assert _scalar(url, "SELECT COUNT(*) FROM project WHERE start_date > '2026-06-30'") > 0
    assert _scalar(url, "SELECT COUNT(*) FROM project WHERE start_date <= '2025-11-30'") > 0


def test_loading_twice_changes_nothing(loaded: dict[str, Any]) -> None:
    url = loaded["url"]
    before = _state(url)
    again = run(url, "demo", "load")
    assert again.exit_code == 0, again.output
    assert "未做修改" in again.stdout
    assert _state(url) == before
    skipped = run(url, "demo", "load", "--if-empty")
    assert skipped.exit_code == 0
    assert "已有演示数据" in skipped.stdout
    assert _state(url) == before


def test_demo_needs_the_reference_data(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        result = run(url, "demo", "load")
        assert result.exit_code == 1
        assert "reference load" in result.output
        assert _scalar(url, "SELECT COUNT(*) FROM audit_event") == 0


def test_demo_credit_codes_are_valid() -> None:
    # The organisation code inside the published example 91350100M000100Y43 (GB 32100-2015).
    assert organisation_code("M000100Y") == "M000100Y4"
    assert is_valid_credit_code("91350100" + organisation_code("M000100Y") + "3")
    codes = {demo_credit_code("无锡市", n) for n in range(1, 500)}
    assert len(codes) == 499
    assert all(is_valid_credit_code(c) and c[2:8] == "320200" for c in codes)


def test_demo_practice_projects(loaded: dict[str, Any]) -> None:
    """The article's case: a 南京工程学院 graduate at 江苏林洋储能, accepted in place of the
    thesis by the rule; a second project still in practice."""
    url = loaded["url"]
    rows = {
        state: (decision, rule)
        for state, decision, rule in _rows(
            url, "SELECT state, decision, decision_rule FROM practice_project"
        )
    }
    assert set(rows) == {"decided", "active"}
    assert rows["decided"][0] == "accepted"
    assert rows["decided"][1] == "均分 86.25 ≥ 认定分数线 75，分差 0.90 ≤ 阈值 15"
    assert _scalar(url, "SELECT COUNT(*) FROM practice_assessment WHERE signed_at IS NOT NULL") == 2
    assert _scalar(url, "SELECT COUNT(*) FROM practice_project WHERE NOT is_demo") == 0


def test_mentoring_cli_lists_and_exports_the_record(loaded: dict[str, Any], tmp_path: Path) -> None:
    url = loaded["url"]
    listed = run(url, "mentoring", "list", "--state", "decided")
    assert listed.exit_code == 0, listed.output
    assert "锂电池储能系统热失控早期预警方法研究与工程应用" in listed.stdout
    pid = _scalar(url, "SELECT id FROM practice_project WHERE state = 'decided'")
    out = tmp_path / "record.xlsx"
    result = run(url, "mentoring", "export", str(pid), "--out", str(out))
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    wb = load_workbook(out)
    decision = {r[0].value: r[1].value for r in wb["认定结论"].iter_rows()}
    assert decision["认定结论"] == "认定为学位论文替代成果"
    missing = run(url, "mentoring", "export", "999999", "--out", str(out))
    assert missing.exit_code == 1


def test_the_demo_load_sums_up_duplicate_needs_in_one_line(loaded: dict[str, Any]) -> None:
    """The demo's needs repeat on purpose (高端光刻胶国产化 in several zones): the load says so
    once, with counts, instead of a warning per need."""
    out = loaded["first"].stdout
    lines = [line for line in out.splitlines() if "重复或相近" in line]
    assert len(lines) == 1, out
    found = re.search(r"新增的 (\d+) 条需求中有 (\d+) 条与先登记的需求重复或相近", lines[0])
    assert found is not None, lines[0]
    created = _scalar(loaded["url"], "SELECT COUNT(*) FROM demand WHERE is_demo")
    new, flagged = int(found.group(1)), int(found.group(2))
    # Later modules (the events' intake) add needs of their own after this line is written.
    assert 0 < flagged < new <= created
    assert "高端光刻胶国产化" not in out
