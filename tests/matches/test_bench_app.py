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
    assert sorted(latency) == [
        "http",
        "http_floor",
        "library",
        "library_demand",
        "match_demand",
        "match_text",
    ]
    # The repeat views (query caches warm) are reported beside the first searches.
    assert sorted(rows[0]["latency_repeat"]) == sorted(latency)
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
    # The floor is measured and shown, never judged.
    assert latency["http_floor"]["p95_ms"] >= latency["http_floor"]["p50_ms"] > 0
    assert "ratio_p95" not in latency["http_floor"]
    # Nothing changed while measuring: no search compared every row.
    assert rows[0]["full_syncs_during_measurement"] == {"supply": 0, "demand": 0}
    assert (tmp_path / "app-40.sqlite3").exists()
    _assert_served_to_a_signed_in_user(tmp_path, queries=4)


def _assert_served_to_a_signed_in_user(tmp_path: Path, queries: int) -> None:
    """The ``http`` path went through a real server (its access log has every request) and a
    real sign-in: a province administrator made through the accounts service, with TOTP and
    the notice done, whose API token was created, used by the server and revoked afterwards."""
    log = (tmp_path / "var-40-none" / "bench-server.log").read_text(encoding="utf-8")
    searches = [line for line in log.splitlines() if "GET /api/v1/matches/text?" in line]
    floors = [line for line in log.splitlines() if '"GET /api/v1/auth/me HTTP/1.1"' in line]
    # Warm-up (3), then every query twice timed and once more to warm the repeat case.
    assert len(searches) == len(floors) == 3 + 3 * queries
    assert all(line.endswith(" 200") for line in searches + floors)
    with sqlite3.connect(tmp_path / "app-40.sqlite3") as conn:
        users = conn.execute(
            "SELECT id, role, totp_enabled, privacy_notice_version IS NOT NULL,"
            " must_change_password FROM app_user WHERE username = 'bench-app'"
        ).fetchall()
        assert [u[1:] for u in users] == [("province_admin", 1, 1, 0)]
        tokens = conn.execute(
            "SELECT last_used_at IS NOT NULL, revoked_at IS NOT NULL FROM api_token"
            " WHERE user_id = ?",
            (users[0][0],),
        ).fetchall()
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_event ORDER BY id")]
    assert tokens == [(1, 1)]
    assert actions[:5] == ["create", "permission", "totp_enrol", "consent", "token_create"]
    assert actions[-1] == "token_revoke"


def test_bench_app_says_pass_or_fail_and_exits_1_on_fail_only_when_asked(tmp_path: Path) -> None:
    """A target no app path can meet (its p95 below the library's own) fails: the table says
    FAIL, and the exit code is 1 only with ``--check``."""
    _load_areas()
    args = ["bench", "app", "--sizes", "40", "--encoders", "none", "--queries", "3"]
    args += ["--dir", str(tmp_path), "--target-ratio", "0.01"]
    plain = CliRunner().invoke(root, args)
    assert plain.exit_code == 0, plain.output
    lines = [line.strip() for line in plain.stdout.splitlines() if "TARGET" in line]
    first = "TARGET (first search) app p95 <= "
    assert lines[0].startswith(f"{first}0.01 x library p95: FAIL (match_text ")
    assert lines[1].startswith(f"{first}100 ms: ")
    # Both cases are printed: a text's first search and a repeat view.
    parts = [line.split() for line in plain.stdout.splitlines()]
    cases = {p[2] for p in parts if len(p) > 3 and p[3] == "library"}
    assert cases == {"first", "repeat"}
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
