"""The optimiser against the greedy plan on small problems with known answers."""

from __future__ import annotations

import numpy as np

from shuanggao.planner.optimise import Problem, greedy, optimal


def _problem(
    affinity: list[list[float]],
    need: list[int],
    capacity: list[int],
    fixed: tuple[tuple[int, int], ...] = (),
) -> Problem:
    a = np.array(affinity, dtype=float)
    return Problem(
        affinity=a,
        need=np.array(need, dtype=np.int64),
        capacity=np.array(capacity, dtype=np.int64),
        allowed=np.ones(a.shape, dtype=bool),
        fixed=fixed,
    )


def test_optimal_beats_greedy_when_the_best_pair_blocks_a_better_assignment() -> None:
    # Greedy takes A–X (0.9) first and leaves B with Y (0.1): 1.0. Optimal: A–Y + B–X = 1.65.
    p = _problem([[0.9, 0.8], [0.85, 0.1]], need=[1, 1], capacity=[1, 1])
    best, base = optimal(p), greedy(p)
    assert best.pairs == ((0, 1), (1, 0))
    assert best.total == 1.65
    assert base.pairs == ((0, 0), (1, 1))
    assert base.total == 1.0
    assert best.feasible and base.feasible


def test_capacity_and_partners_are_respected() -> None:
    # Everyone prefers university 0, which can take two zones; each zone needs two partners.
    p = _problem(
        [[0.9, 0.5, 0.1], [0.8, 0.2, 0.4], [0.7, 0.3, 0.3]], need=[2, 2, 2], capacity=[2, 2, 2]
    )
    best = optimal(p)
    assert best.feasible
    per_zone = [sum(1 for z, _ in best.pairs if z == i) for i in range(3)]
    per_uni = [sum(1 for _, u in best.pairs if u == j) for j in range(3)]
    assert per_zone == [2, 2, 2]
    assert per_uni == [2, 2, 2]
    assert len(set(best.pairs)) == 6
    assert best.total >= greedy(p).total


def test_fixed_pairs_are_kept_even_when_worse() -> None:
    p = _problem([[0.9, 0.1], [0.2, 0.8]], need=[1, 1], capacity=[1, 1], fixed=((0, 1),))
    best, base = optimal(p), greedy(p)
    assert best.pairs == ((0, 1), (1, 0))
    assert best.total == 0.3
    assert base.pairs == ((0, 1), (1, 0))


def test_too_little_capacity_is_infeasible() -> None:
    p = _problem([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], need=[1, 1, 1], capacity=[1, 1])
    assert optimal(p).feasible is False
    assert optimal(p).pairs == ()
    assert greedy(p).feasible is False
    assert greedy(p).zones_covered() == 2
