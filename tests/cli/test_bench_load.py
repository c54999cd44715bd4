"""``shuanggao bench load`` runs end to end: its own demo server, every demo role signed in
(accepting the privacy notice first, as a new user does), a mixed load, then the write check.
It broke once unseen: the demo accounts came to need the notice accepted, and every call of
the bench answered 403 before any load ran."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from shuanggao.cli import _load_areas, root

ALLOWED = {"200", "201", "303", "409"}


@pytest.mark.slow
def test_bench_load_runs_every_kind_without_errors_or_lost_writes() -> None:
    _load_areas()
    result = CliRunner().invoke(
        root,
        [
            "bench",
            "load",
            "--users",
            "6",
            "--seconds",
            "5",
            "--database",
            "sqlite",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["requests"] > 0
    assert out["server_errors"] == 0
    assert out["server_tracebacks"] == 0
    assert out["shutdown_seconds"] <= 10
    for kind, row in out["kinds"].items():
        assert set(row["statuses"]) <= ALLOWED, (kind, row["statuses"])
    assert set(out["kinds"]) >= {"page", "list", "match", "read"}
    writes = out["writes"]
    assert writes["acknowledged"] > 0
    assert writes["lost"] == 0
    assert writes["phantom"] == 0


def test_a_server_that_stops_answering_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shuanggao.cli import bench_load

    def timed_out(*_args: object) -> dict[str, object]:
        raise httpx.ReadTimeout("timed out")

    monkeypatch.setattr(bench_load, "_own_server", timed_out)
    _load_areas()
    result = CliRunner().invoke(root, ["bench", "load", "--users", "1", "--seconds", "1"])
    assert result.exit_code == 2
    assert "服务器没有应答（ReadTimeout" in result.output
    assert "Traceback" not in result.output
