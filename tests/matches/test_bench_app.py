"""``shuanggao bench app`` runs end to end on a small database (its figures are not asserted:
tests never assert on time)."""

from __future__ import annotations

import json
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
    assert sorted(latency) == ["http", "library", "match_demand", "match_text"]
    assert all(v["p95_ms"] >= v["p50_ms"] > 0 for v in latency.values())
    assert set(latency["http"]) == {"p50_ms", "p95_ms", "ratio_p95"}
    # Nothing changed while measuring: no search compared every row.
    assert rows[0]["full_syncs_during_measurement"] == {"supply": 0, "demand": 0}
    assert (tmp_path / "app-40.sqlite3").exists()
