"""``shuanggao bench app`` runs end to end on a small database (its figures are not asserted:
tests never assert on time)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from shuanggao.cli import _load_areas, root


def test_bench_app_reports_every_path_next_to_the_library(tmp_path: Path) -> None:
    _load_areas()
    result = CliRunner().invoke(
        root,
        [
            "bench",
            "app",
            "--sizes",
            "40",
            "--encoders",
            "none",
            "--queries",
            "4",
            "--dir",
            str(tmp_path),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["size"], r["encoder"], r["method"], r["queries"]) for r in rows] == [
        (40, "none", "lexical", 4)
    ]
    latency = rows[0]["latency"]
    assert sorted(latency) == ["http", "library", "library_demand", "match_demand", "match_text"]
    assert all(v["p95_ms"] >= v["p50_ms"] > 0 for v in latency.values())
    assert set(latency["http"]) == {
        "p50_ms",
        "p95_ms",
        "ratio_p95",
        "cpu_p95_ms",
        "cpu_ratio_p95",
    }
    # Each app path against its own library figure: match_demand against the demand's query.
    lib = {k: latency[k]["p95_ms"] for k in ("library", "library_demand")}
    for path, base in (("match_text", "library"), ("match_demand", "library_demand")):
        assert latency[path]["ratio_p95"] == round(latency[path]["p95_ms"] / lib[base], 2)
        cpu_lib = latency[base]["cpu_p95_ms"]
        if cpu_lib:  # a tiny database's library search can take under the timer's resolution
            want = round(latency[path]["cpu_p95_ms"] / cpu_lib, 2) or None
            assert latency[path]["cpu_ratio_p95"] == want
    targets = rows[0]["targets"]
    ratios = targets["ratio"]["ratios"]
    assert ratios == {k: latency[k]["ratio_p95"] for k in ("match_text", "match_demand", "http")}
    assert targets["ratio"]["pass"] == all(r <= 1.5 for r in ratios.values())
    worst = max(latency[k]["p95_ms"] for k in ratios)
    assert (targets["p95_ms"]["worst"], targets["p95_ms"]["pass"]) == (worst, worst <= 100)
    assert targets["pass"] == (targets["ratio"]["pass"] and targets["p95_ms"]["pass"])
    # Nothing changed while measuring: no search compared every row.
    assert rows[0]["full_syncs_during_measurement"] == {"supply": 0, "demand": 0}
    assert (tmp_path / "app-40.sqlite3").exists()


def test_bench_app_says_pass_or_fail_and_exits_1_on_fail_only_when_asked(tmp_path: Path) -> None:
    """A target no app path can meet (its p95 below the library's own) fails: the table says
    FAIL, and the exit code is 1 only with ``--check``."""
    _load_areas()
    args = ["bench", "app", "--sizes", "40", "--encoders", "none", "--queries", "3"]
    args += ["--dir", str(tmp_path), "--target-ratio", "0.01"]
    plain = CliRunner().invoke(root, args)
    assert plain.exit_code == 0, plain.output
    lines = [line.strip() for line in plain.stdout.splitlines() if "TARGET" in line]
    assert lines[0].startswith("TARGET app p95 <= 0.01 x library p95: FAIL (match_text ")
    assert lines[1].startswith("TARGET app p95 <= 100 ms: ")
    checked = CliRunner().invoke(root, [*args, "--check"])
    assert checked.exit_code == 1, checked.output


def test_a_bench_database_built_for_another_schema_is_rebuilt(tmp_path: Path) -> None:
    """The single initial migration is regenerated in place until the first release, so a
    changed model keeps the Alembic revision: a database built before the change is detected
    by its tables and columns, rebuilt, and the log says so."""
    from shuanggao.cli.bench import _load_app_bench

    bench = _load_app_bench()
    papers = bench._papers()
    log = io.StringIO()
    path = tmp_path / "app-40.sqlite3"
    with bench._database(tmp_path, 40, papers, log):
        pass
    assert "rebuilding" not in log.getvalue()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE supply_item ADD COLUMN left_over INTEGER")
    with bench._database(tmp_path, 40, papers, log) as url:
        assert url == f"sqlite:///{path}"
    assert "app-40.sqlite3 was built for another schema" in log.getvalue()
    assert "rebuilding" in log.getvalue()
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(supply_item)")]
        count = conn.execute("SELECT count(*) FROM supply_item").fetchone()[0]
    assert "left_over" not in columns
    assert count == 40
    # An unchanged database is reused as it is.
    log = io.StringIO()
    with bench._database(tmp_path, 40, papers, log):
        pass
    assert log.getvalue() == ""
