"""``shuanggao bench scale`` exits 1, naming the size, when the dense index's recall@10 by
distance is below the floor (0.95) at any size, and 0 otherwise; ``--ef-search`` reaches the
bench."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shuanggao_matching_bench
from typer.testing import CliRunner

from shuanggao.cli import _load_areas, root


def _row(items: int, by_distance: float) -> dict[str, Any]:
    return {
        "items": items,
        "vectors": "synthetic",
        "dense_kind": "hnsw",
        "recall_at_10_by_id": by_distance,
        "recall_at_10_by_distance": by_distance,
    }


@pytest.mark.parametrize(
    ("recalls", "code"),
    [((0.991, 0.95), 0), ((0.991, 0.9499), 1)],
)
def test_bench_scale_exits_1_below_the_recall_floor(
    monkeypatch: pytest.MonkeyPatch, recalls: tuple[float, float], code: int
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(sizes: list[int], **kwargs: Any) -> dict[str, Any]:
        seen.update(kwargs, sizes=sizes)
        rows = [_row(n, r) for n, r in zip(sizes, recalls, strict=True)]
        return {"encoder": "fake", "cpu_count": 2, "sizes": rows}

    monkeypatch.setattr(shuanggao_matching_bench, "run_scale_bench", fake_run)
    _load_areas()
    args = ["bench", "scale", "--sizes", "100000,1000000", "--format", "json"]
    result = CliRunner().invoke(root, [*args, "--ef-search", "64"])
    assert result.exit_code == code, result.output
    assert seen["sizes"] == [100_000, 1_000_000] and seen["ef_search"] == 64
    assert [r["items"] for r in json.loads(result.stdout)["sizes"]] == [100_000, 1_000_000]
    named = "1000000 items (synthetic vectors, hnsw): recall@10 by distance 0.9499 < 0.95"
    assert (named in result.stderr) == (code == 1)
