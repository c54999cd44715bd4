"""The schedule solver on generated instances: no clashes, caps, requested and excluded pairs,
score ≥ greedy, and the optimum against brute force on tiny instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from shuanggao.events import solver


def _rows(schedule: solver.Schedule) -> list[tuple[int, int, int, int]]:
    return [(m.enterprise, m.researcher, m.slot, m.table) for m in schedule.meetings]


def _problem(seed: int, e: int, r: int, slots: int, tables: int, cap: int) -> solver.Problem:
    rng = np.random.default_rng(seed)
    score = np.round(rng.random((e, r)), 3)
    score[score < 0.4] = 0.0
    return solver.Problem(
        score=score,
        slots=slots,
        tables=tables,
        enterprise_cap=np.full(e, cap, dtype=np.int64),
        researcher_cap=rng.integers(1, cap + 1, size=r).astype(np.int64),
    )


def _check_valid(p: solver.Problem, s: solver.Schedule) -> None:
    ecap = {i: int(c) for i, c in enumerate(p.enterprise_cap)}
    rcap = {j: int(c) for j, c in enumerate(p.researcher_cap)}
    assert solver.clashes(_rows(s), ecap, rcap, p.excluded) == 0
    assert all(0 <= m.slot < p.slots and 0 <= m.table < p.tables for m in s.meetings)
    assert all(m.score > 0 or m.forced for m in s.meetings)
    assert s.total_score == round(sum(p.score[m.enterprise, m.researcher] for m in s.meetings), 6)


@pytest.mark.parametrize("seed", range(12))
def test_generated_instances_are_clash_free_and_beat_greedy(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    e, r = int(rng.integers(3, 12)), int(rng.integers(3, 15))
    slots, tables = int(rng.integers(1, 5)), int(rng.integers(1, 6))
    p = _problem(seed, e, r, slots, tables, cap=int(rng.integers(1, 4)))
    result = solver.solve(p)
    _check_valid(p, result.optimal)
    _check_valid(p, result.greedy)
    assert result.optimal.total_score >= result.greedy.total_score


def test_greedy_is_beaten_where_best_first_blocks_two_good_pairs() -> None:
    # Greedy takes (0, 0) = 0.9, which leaves enterprise 1 and researcher 1 without partners
    # (cap 1 each): 0.9. The optimum pairs (0, 1) and (1, 0): 0.8 + 0.8 = 1.6.
    score = np.array([[0.9, 0.8], [0.8, 0.0]])
    p = solver.Problem(score, 1, 2, np.array([1, 1]), np.array([1, 1]))
    result = solver.solve(p)
    assert (result.optimal.total_score, result.greedy.total_score) == (1.6, 0.9)
    assert sorted((m.enterprise, m.researcher) for m in result.optimal.meetings) == [(0, 1), (1, 0)]


def test_requested_pairs_are_in_and_excluded_pairs_out() -> None:
    score = np.array([[0.9, 0.1, 0.5], [0.8, 0.7, 0.0], [0.6, 0.0, 0.9]])
    p = solver.Problem(
        score,
        slots=2,
        tables=2,
        enterprise_cap=np.array([1, 2, 2]),
        researcher_cap=np.array([2, 2, 2]),
        forced=((0, 1),),  # a low score, requested: in, and uses enterprise 0's only meeting
        excluded=frozenset({(2, 2), (1, 0)}),
    )
    result = solver.solve(p)
    for schedule in (result.optimal, result.greedy):
        pairs = {(m.enterprise, m.researcher) for m in schedule.meetings}
        assert (0, 1) in pairs
        assert not pairs & {(2, 2), (1, 0)}
        assert (0, 0) not in pairs and (0, 2) not in pairs
        assert [m.forced for m in schedule.meetings if (m.enterprise, m.researcher) == (0, 1)] == [
            True
        ]
        _check_valid(p, schedule)


def test_a_requested_pair_that_is_excluded_is_dropped_and_reported() -> None:
    p = solver.Problem(
        np.array([[0.5]]), 1, 1, np.array([1]), np.array([1]),
        forced=((0, 0),), excluded=frozenset({(0, 0)}),
    )  # fmt: skip
    result = solver.solve(p)
    assert result.optimal.meetings == () and result.optimal.dropped_requests == ((0, 0),)


def test_requests_beyond_a_cap_are_infeasible() -> None:
    p = solver.Problem(
        np.ones((1, 2)), 2, 2, np.array([1]), np.array([1, 1]), forced=((0, 0), (0, 1))
    )
    with pytest.raises(solver.Infeasible) as info:
        solver.solve(p)
    assert (info.value.reason, info.value.pair) == ("cap", (0, 1))


def _brute_force(p: solver.Problem) -> float:
    """Every assignment of each positive pair to no meeting or a slot; tables and people
    checked per slot; caps checked."""
    e, r = p.score.shape
    pairs = [(i, j) for i in range(e) for j in range(r) if p.score[i, j] > 0]
    best = 0.0
    for choice in itertools.product(range(-1, p.slots), repeat=len(pairs)):
        per_slot: dict[int, list[tuple[int, int]]] = {}
        for (i, j), s in zip(pairs, choice, strict=True):
            if s >= 0:
                per_slot.setdefault(s, []).append((i, j))
        ok = all(
            len(ms) <= p.tables
            and len({i for i, _ in ms}) == len(ms)
            and len({j for _, j in ms}) == len(ms)
            for ms in per_slot.values()
        )
        chosen = [pq for pq, s in zip(pairs, choice, strict=True) if s >= 0]
        ok = ok and all(
            sum(1 for i, _ in chosen if i == k) <= p.enterprise_cap[k] for k in range(e)
        )
        ok = ok and all(
            sum(1 for _, j in chosen if j == k) <= p.researcher_cap[k] for k in range(r)
        )
        if ok:
            best = max(best, round(float(sum(p.score[i, j] for i, j in chosen)), 6))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_optimum_equals_brute_force_on_tiny_instances(seed: int) -> None:
    p = _problem(seed, 3, 3, slots=2, tables=2, cap=2)
    result = solver.solve(p)
    _check_valid(p, result.optimal)
    assert result.optimal.total_score == _brute_force(p)


def test_slots_are_balanced_to_the_tables() -> None:
    # 4 × 4 complete, 2 slots × 2 tables: 4 meetings must spread 2 + 2 although the colouring
    # alone could put 3 in a slot... each person meets at most twice.
    score = np.full((4, 4), 0.5)
    p = solver.Problem(score, 2, 2, np.full(4, 2), np.full(4, 2))
    result = solver.solve(p)
    _check_valid(p, result.optimal)
    assert len(result.optimal.meetings) == 4
    assert sorted(m.slot for m in result.optimal.meetings) == [0, 0, 1, 1]


def test_clash_counter_counts_each_broken_rule() -> None:
    rows = [(0, 0, 0, 0), (0, 1, 0, 1), (1, 1, 1, 0), (1, 1, 2, 1), (2, 2, 1, 0)]
    # enterprise 0 twice in slot 0; table 0 twice in slot 1; pair (1, 1) twice; (2, 2) excluded;
    # researcher 1 three times with cap 2.
    assert solver.clashes(rows, None, {1: 2}, [(2, 2)]) == 5


@pytest.mark.parametrize("seed", range(6))
def test_linear_programme_and_integer_programme_agree(seed: int) -> None:
    p = _problem(seed, 25, 40, slots=4, tables=15, cap=3)
    lp, ip = solver.optimal(p, "lp"), solver.optimal(p, "milp")
    _check_valid(p, lp)
    assert lp.total_score == ip.total_score
    assert len(lp.meetings) > 0
