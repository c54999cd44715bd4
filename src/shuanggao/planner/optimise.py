"""Assign universities to zones: every zone gets its partners, no university exceeds its
remaining capacity, total affinity is maximal (integer programme, ``scipy.optimize.milp``); and
the greedy plan a meeting would make (best remaining pair first) for comparison.

Pure functions over arrays: no database, no web.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix


@dataclass(frozen=True)
class Problem:
    """``affinity`` is Z × U; ``need[z]`` partners to give zone z; ``capacity[u]`` new zones
    university u may still take; ``allowed[z, u]`` False for pairs that may not be proposed
    (already paired); ``fixed`` pairs (z, u) must be in the plan."""

    affinity: npt.NDArray[np.float64]
    need: npt.NDArray[np.int64]
    capacity: npt.NDArray[np.int64]
    allowed: npt.NDArray[np.bool_]
    fixed: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Solution:
    pairs: tuple[tuple[int, int], ...]
    total: float
    feasible: bool

    def zones_covered(self) -> int:
        return len({z for z, _ in self.pairs})


def _total(problem: Problem, pairs: Sequence[tuple[int, int]]) -> float:
    return round(float(sum(problem.affinity[z, u] for z, u in pairs)), 6)


def optimal(problem: Problem) -> Solution:
    """The assignment of maximal total affinity (None feasible → ``feasible=False``, no pairs).

    Variables x[z, u] ∈ {0, 1} for allowed pairs; Σ_u x[z, u] = need[z]; Σ_z x[z, u] ≤
    capacity[u]; fixed pairs have x = 1.
    """
    zones, unis = problem.affinity.shape
    allowed = problem.allowed.copy()
    for z, u in problem.fixed:
        allowed[z, u] = True
    var = [(z, u) for z in range(zones) for u in range(unis) if allowed[z, u]]
    if not var:
        ok = bool((problem.need == 0).all())
        return Solution((), 0.0, ok)
    col = {p: k for k, p in enumerate(var)}
    cost = -np.array([problem.affinity[z, u] for z, u in var])
    rows = lil_matrix((zones + unis, len(var)))
    for k, (z, u) in enumerate(var):
        rows[z, k] = 1
        rows[zones + u, k] = 1
    lower = np.concatenate([problem.need, np.zeros(unis)])
    upper = np.concatenate([problem.need, problem.capacity])
    lb = np.zeros(len(var))
    for p in problem.fixed:
        lb[col[p]] = 1
    result = milp(
        cost,
        constraints=LinearConstraint(rows.tocsr(), lower, upper),
        integrality=np.ones(len(var)),
        bounds=Bounds(lb, np.ones(len(var))),
    )
    if result.x is None or not result.success:
        return Solution((), 0.0, False)
    chosen = tuple(sorted(var[k] for k, x in enumerate(result.x) if x > 0.5))
    return Solution(chosen, _total(problem, chosen), True)


def greedy(problem: Problem) -> Solution:
    """Fixed pairs first, then the best remaining allowed pair while its zone needs a partner
    and its university has capacity (ties: lower zone, then lower university index)."""
    zones, unis = problem.affinity.shape
    need = problem.need.copy()
    capacity = problem.capacity.copy()
    chosen: list[tuple[int, int]] = []
    for z, u in problem.fixed:
        chosen.append((z, u))
        need[z] -= 1
        capacity[u] -= 1
    order = sorted(
        ((z, u) for z in range(zones) for u in range(unis) if problem.allowed[z, u]),
        key=lambda p: (-problem.affinity[p], p[0], p[1]),
    )
    taken = set(chosen)
    for z, u in order:
        if need[z] > 0 and capacity[u] > 0 and (z, u) not in taken:
            chosen.append((z, u))
            taken.add((z, u))
            need[z] -= 1
            capacity[u] -= 1
    feasible = bool((need <= 0).all() and (capacity >= 0).all())
    pairs = tuple(sorted(chosen))
    return Solution(pairs, _total(problem, pairs), feasible)
