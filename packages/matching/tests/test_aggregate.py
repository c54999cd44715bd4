from __future__ import annotations

import pytest

from shuanggao_matching import (
    ComponentScores,
    Match,
    Reasons,
    SearchResults,
    coverage_report,
    rank_owners,
)


def _match(
    doc_id: str, owner: str | None, score: float, coverage: float = 0.6, dense: float | None = None
) -> Match:
    scores = ComponentScores(1.0, dense, 0.0, 0.0, score, coverage)
    return Match(
        doc_id, "achievement", doc_id, owner, score, 1, Reasons("hybrid", (), (), scores, ())
    )


def test_rank_owners_worked_example() -> None:
    matches = [
        _match("a1", "ann", 3.0),
        _match("b1", "bob", 2.5),
        _match("b2", "bob", 2.0),
        _match("b3", "bob", 1.5),
        _match("x", None, 2.8),
        _match("c1", "cai", 1.0),  # the weakest: counts as 0
    ]
    ranked = rank_owners(matches)
    # ann: 3.0 - 1.0 = 2.0; bob: 1.5 + 0.5 * 1.0 + 0.25 * 0.5 = 2.125; cai: 0
    assert [o.owner for o in ranked] == ["bob", "ann", "cai"]
    assert ranked[0].score == pytest.approx(2.125)
    assert ranked[0].items == ("b1", "b2", "b3")
    assert ranked[1].score == pytest.approx(2.0)
    assert rank_owners(SearchResults("hybrid", tuple(matches)), limit=1)[0].owner == "bob"
    assert rank_owners([]) == []


def test_coverage_report_finds_gaps() -> None:
    results = {
        "d1": SearchResults("hybrid", (_match("s1", "p", 2.0, coverage=0.8),)),
        "d2": SearchResults("hybrid", (_match("s2", "p", 2.0, coverage=0.2),)),
        "d3": SearchResults("hybrid", ()),
        "d4": SearchResults("hybrid", (_match("s3", "p", 1.0, coverage=0.1, dense=0.9),)),
    }
    report = coverage_report(results, min_coverage=0.5)
    assert report.covered == ("d1",)
    assert report.gaps == ("d2", "d3", "d4")
    assert report.coverage == pytest.approx(0.25)
    assert report.best["d3"] is None and report.best["d2"] is not None
    with_dense = coverage_report(results, min_coverage=0.5, min_dense=0.85)
    assert with_dense.covered == ("d1", "d4")
