"""The 1:1 meeting schedule of a matchmaking event, as pure functions over arrays.

The optimum: choose the meetings (enterprise i, researcher j) of maximal total match score such
that nobody meets more people than their cap or than there are slots, the meetings fit the
tables (at most ``slots × tables``), requested pairs are in and excluded pairs (conflicts of
interest) are out. That is a maximum-weight b-matching with a total bound — a network-flow
problem. Its constraint matrix is totally unimodular, so the linear programme's optimal vertex
(HiGHS dual simplex, ``scipy.optimize.linprog``) is the integer optimum; should numerics ever
give a fractional answer, the integer programme is solved (``scipy.optimize.milp``).

Then the slots: a bipartite graph whose degrees are at most S has a proper edge colouring with S
colours (König), found with alternating paths; colour classes are then balanced (de Werra) so
no slot holds more meetings than there are tables. Every chosen meeting therefore gets a slot
and a table, and the schedule's score is the global optimum over all clash-free schedules.

The greedy baseline (best remaining pair first, earliest slot where both are free) is computed
in the same run for comparison. No database, no web.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, vstack

# Scores are compared after rounding to this many decimals (what the page and the CLI show).
DECIMALS = 6


@dataclass(frozen=True)
class Problem:
    """``score`` is E × R (enterprises × researchers), a pair with score ≤ 0 is not proposed;
    ``enterprise_cap[i]`` / ``researcher_cap[j]`` meetings at most; ``forced`` pairs must be
    in the schedule (requested by either side); ``excluded`` pairs never are."""

    score: npt.NDArray[np.float64]
    slots: int
    tables: int
    enterprise_cap: npt.NDArray[np.int64]
    researcher_cap: npt.NDArray[np.int64]
    forced: tuple[tuple[int, int], ...] = ()
    excluded: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Meeting:
    enterprise: int
    researcher: int
    slot: int
    table: int
    score: float
    forced: bool = False


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]
    total_score: float
    # Requested pairs that could not be honoured (excluded as conflicted).
    dropped_requests: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Result:
    optimal: Schedule
    greedy: Schedule


class Infeasible(ValueError):
    """The requested pairs alone break a cap or exceed the tables."""

    def __init__(self, reason: str, pair: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pair = pair


@dataclass
class _Caps:
    enterprise: npt.NDArray[np.int64]
    researcher: npt.NDArray[np.int64]
    total: int
    forced: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[tuple[int, int]] = field(default_factory=list)


def _total(problem: Problem, pairs: Iterable[tuple[int, int]]) -> float:
    return round(float(sum(problem.score[i, j] for i, j in pairs)), DECIMALS)


def _check(problem: Problem) -> _Caps:
    """Caps left after the requested pairs (which must fit), and the requests kept."""
    e_count, r_count = problem.score.shape
    if problem.slots < 1 or problem.tables < 1:
        raise Infeasible("no_slots")
    ecap = np.minimum(np.asarray(problem.enterprise_cap, dtype=np.int64), problem.slots)
    rcap = np.minimum(np.asarray(problem.researcher_cap, dtype=np.int64), problem.slots)
    if ecap.shape != (e_count,) or rcap.shape != (r_count,):
        raise ValueError("caps do not match the score matrix")
    caps = _Caps(ecap.copy(), rcap.copy(), problem.slots * problem.tables)
    for pair in dict.fromkeys(problem.forced):
        i, j = pair
        if not (0 <= i < e_count and 0 <= j < r_count):
            raise ValueError(f"requested pair {pair} is out of range")
        if pair in problem.excluded:
            caps.dropped.append(pair)
            continue
        caps.enterprise[i] -= 1
        caps.researcher[j] -= 1
        caps.total -= 1
        if caps.enterprise[i] < 0 or caps.researcher[j] < 0:
            raise Infeasible("cap", pair)
        if caps.total < 0:
            raise Infeasible("tables", pair)
        caps.forced.append(pair)
    return caps


def _candidates(problem: Problem, caps: _Caps) -> tuple[npt.NDArray[np.int64], ...]:
    score = problem.score
    mask = score > 0
    for i, j in caps.forced:
        mask[i, j] = False
    for i, j in problem.excluded:
        if 0 <= i < mask.shape[0] and 0 <= j < mask.shape[1]:
            mask[i, j] = False
    mask &= (caps.enterprise > 0)[:, None]
    mask &= (caps.researcher > 0)[None, :]
    rows, cols = np.nonzero(mask)
    return rows.astype(np.int64), cols.astype(np.int64)


def choose_pairs(problem: Problem, method: str = "lp") -> tuple[list[tuple[int, int]], _Caps]:
    """The meetings of the optimal schedule (requested ones first), before slots. ``method``
    "lp" solves the relaxation (integral by total unimodularity), "milp" the integer programme."""
    caps = _check(problem)
    rows, cols = _candidates(problem, caps)
    chosen = list(caps.forced)
    if len(rows) == 0 or caps.total == 0:
        return chosen, caps
    n = len(rows)
    e_count, r_count = problem.score.shape
    weights = problem.score[rows, cols]
    idx = np.arange(n)
    a_rows = csr_matrix((np.ones(n), (rows, idx)), shape=(e_count, n))
    a_cols = csr_matrix((np.ones(n), (cols, idx)), shape=(r_count, n))
    a_all = csr_matrix(np.ones((1, n)))
    constraints = [
        LinearConstraint(a_rows, -np.inf, caps.enterprise.astype(float)),
        LinearConstraint(a_cols, -np.inf, caps.researcher.astype(float)),
        LinearConstraint(a_all, -np.inf, float(caps.total)),
    ]
    x = _lp_vertex(weights, a_rows, a_cols, a_all, caps) if method == "lp" else None
    if x is None:
        res = milp(
            c=-weights,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"presolve": True},
        )
        if res.x is None:  # pragma: no cover - x = 0 is always feasible
            raise Infeasible("solver")
        x = np.asarray(res.x)
    picked = np.nonzero(x > 0.5)[0]
    chosen.extend((int(rows[k]), int(cols[k])) for k in picked)
    return chosen, caps


def _lp_vertex(
    weights: npt.NDArray[np.float64],
    a_rows: csr_matrix,
    a_cols: csr_matrix,
    a_all: csr_matrix,
    caps: _Caps,
) -> npt.NDArray[np.float64] | None:
    """The LP relaxation by dual simplex. Its constraint matrix (bipartite incidence plus the
    all-ones row) is totally unimodular — rows of one side, of the other side and the all-ones
    row split as (ones | −enterprises, −researchers) in Ghouila-Houri's test — so an optimal
    vertex is integral and is the integer optimum. ``None`` if the answer is not integral
    (numerics), and the caller solves the integer programme instead."""
    res = linprog(
        c=-weights,
        A_ub=vstack([a_rows, a_cols, a_all]).tocsr(),
        b_ub=np.concatenate(
            [caps.enterprise.astype(float), caps.researcher.astype(float), [float(caps.total)]]
        ),
        bounds=(0, 1),
        method="highs-ds",
    )
    if res.status != 0 or res.x is None:
        return None
    x = np.asarray(res.x)
    if np.abs(x - np.round(x)).max(initial=0.0) > 1e-6:
        return None
    return np.round(x)


# --------------------------------------------------------------------------- slots and tables


def colour_edges(
    pairs: Sequence[tuple[int, int]], colours: int, tables: int
) -> dict[tuple[int, int], int]:
    """A slot per pair: no one twice in a slot, at most ``tables`` pairs a slot.

    Needs every vertex's degree ≤ ``colours`` and ``len(pairs) ≤ colours × tables``.
    """
    # Vertices: ("e", i) and ("r", j) as signed ints: enterprise i → i, researcher j → ~j.
    at: dict[int, dict[int, int]] = {}
    colour: dict[tuple[int, int], int] = {}

    def key(u: int, v: int) -> tuple[int, int]:
        return (u, ~v) if u >= 0 else (v, ~u)

    def free(v: int) -> int:
        used = at.setdefault(v, {})
        for c in range(colours):
            if c not in used:
                return c
        raise ValueError("degree exceeds the number of slots")

    for i, j in pairs:
        u, v = i, ~j
        a, b = free(u), free(v)
        if a not in at[v]:
            b = a
        else:
            # Flip the a/b alternating path starting at v: a becomes free at v (bipartite: the
            # path never reaches u, where a is free).
            path = []
            x, c = v, a
            while c in at.setdefault(x, {}):
                y = at[x][c]
                path.append((x, y, c))
                x, c = y, (b if c == a else a)
            for x, y, c in path:
                del at[x][c]
                del at[y][c]
            for x, y, c in path:
                nc = b if c == a else a
                at[x][nc] = y
                at[y][nc] = x
                colour[key(x, y)] = nc
        at[u][a] = v
        at[v][a] = u
        colour[key(u, v)] = a
    _balance(at, colour, colours, tables)
    return colour


def _balance(
    at: dict[int, dict[int, int]], colour: dict[tuple[int, int], int], colours: int, tables: int
) -> None:
    """Swap two colours along a path until no colour class exceeds ``tables`` (de Werra)."""
    if len(colour) > colours * tables:
        raise ValueError("more meetings than slots × tables")
    sizes = [0] * colours
    for c in colour.values():
        sizes[c] += 1
    while max(sizes) > tables:
        a = max(range(colours), key=lambda c: sizes[c])
        b = min(range(colours), key=lambda c: sizes[c])
        seen: set[int] = set()
        for start in list(at):
            if start in seen or a not in at[start] or b in at[start]:
                continue
            # ``start`` ends an a/b path that begins with an a-edge: walk it.
            path = []
            x, c = start, a
            seen.add(x)
            while c in at[x]:
                y = at[x][c]
                path.append((x, y, c))
                seen.add(y)
                x, c = y, (b if c == a else a)
            count_a = sum(1 for *_, c in path if c == a)
            if count_a > len(path) - count_a:
                for x, y, c in path:
                    del at[x][c]
                    del at[y][c]
                for x, y, c in path:
                    nc = b if c == a else a
                    at[x][nc] = y
                    at[y][nc] = x
                    colour[(x, ~y) if x >= 0 else (y, ~x)] = nc
                sizes[a] -= 1
                sizes[b] += 1
                break
        else:  # pragma: no cover - impossible when |a| > |b| (a path with more a-edges exists)
            raise ValueError("could not balance the slots")


def assign_tables(slotted: dict[tuple[int, int], int], tables: int) -> dict[tuple[int, int], int]:
    """A table per meeting: an enterprise keeps its own table across slots where it can."""
    home = {i: n % tables for n, i in enumerate(sorted({i for i, _ in slotted}))}
    by_slot: dict[int, list[tuple[int, int]]] = {}
    for pair, slot in slotted.items():
        by_slot.setdefault(slot, []).append(pair)
    table: dict[tuple[int, int], int] = {}
    for pairs in by_slot.values():
        pairs.sort()
        taken: set[int] = set()
        rest = []
        for pair in pairs:
            t = home[pair[0]]
            if t not in taken:
                taken.add(t)
                table[pair] = t
            else:
                rest.append(pair)
        free = (t for t in range(tables) if t not in taken)
        for pair in rest:
            table[pair] = next(free)
    return table


def optimal(problem: Problem, method: str = "lp") -> Schedule:
    pairs, caps = choose_pairs(problem, method)
    slotted = colour_edges(pairs, problem.slots, problem.tables)
    tables = assign_tables(slotted, problem.tables)
    forced = set(caps.forced)
    meetings = tuple(
        sorted(
            (
                Meeting(
                    i,
                    j,
                    slotted[(i, j)],
                    tables[(i, j)],
                    float(problem.score[i, j]),
                    (i, j) in forced,
                )
                for i, j in pairs
            ),
            key=lambda m: (m.slot, m.table),
        )
    )
    return Schedule(meetings, _total(problem, pairs), tuple(caps.dropped))


def greedy(problem: Problem) -> Schedule:
    """Requested pairs first, then the best remaining pair, each in the earliest slot where both
    sides are free and a table is left."""
    caps = _check(problem)
    ecap = np.minimum(np.asarray(problem.enterprise_cap, dtype=np.int64), problem.slots).copy()
    rcap = np.minimum(np.asarray(problem.researcher_cap, dtype=np.int64), problem.slots).copy()
    rows, cols = _candidates(problem, _Caps(ecap, rcap, caps.total))
    order = np.lexsort((cols, rows, -problem.score[rows, cols]))
    queue = [(p, True) for p in caps.forced] + [
        ((int(rows[k]), int(cols[k])), False) for k in order
    ]
    busy_e: set[tuple[int, int]] = set()
    busy_r: set[tuple[int, int]] = set()
    used = [0] * problem.slots
    meetings: list[Meeting] = []
    taken: set[tuple[int, int]] = set()
    for (i, j), forced in queue:
        if (i, j) in taken or ecap[i] <= 0 or rcap[j] <= 0:
            continue
        for s in range(problem.slots):
            if used[s] < problem.tables and (i, s) not in busy_e and (j, s) not in busy_r:
                meetings.append(Meeting(i, j, s, used[s], float(problem.score[i, j]), forced))
                used[s] += 1
                busy_e.add((i, s))
                busy_r.add((j, s))
                ecap[i] -= 1
                rcap[j] -= 1
                taken.add((i, j))
                break
    meetings.sort(key=lambda m: (m.slot, m.table))
    return Schedule(
        tuple(meetings),
        _total(problem, ((m.enterprise, m.researcher) for m in meetings)),
        tuple(caps.dropped),
    )


def solve(problem: Problem) -> Result:
    return Result(optimal(problem), greedy(problem))


def clashes(
    meetings: Iterable[tuple[int, int, int, int]],
    enterprise_cap: dict[int, int] | None = None,
    researcher_cap: dict[int, int] | None = None,
    excluded: Iterable[tuple[int, int]] = (),
) -> int:
    """How many rules a schedule of (enterprise, researcher, slot, table) breaks: a person or a
    table twice in a slot, a pair met twice, a cap exceeded, an excluded pair present."""
    count = 0
    seen_e: set[tuple[int, int]] = set()
    seen_r: set[tuple[int, int]] = set()
    seen_t: set[tuple[int, int]] = set()
    seen_p: set[tuple[int, int]] = set()
    per_e: dict[int, int] = {}
    per_r: dict[int, int] = {}
    banned = set(excluded)
    for e, r, slot, table in meetings:
        for seen, item in (
            (seen_e, (e, slot)),
            (seen_r, (r, slot)),
            (seen_t, (table, slot)),
            (seen_p, (e, r)),
        ):
            if item in seen:
                count += 1
            seen.add(item)
        if (e, r) in banned:
            count += 1
        per_e[e] = per_e.get(e, 0) + 1
        per_r[r] = per_r.get(r, 0) + 1
    for per, cap in ((per_e, enterprise_cap), (per_r, researcher_cap)):
        if cap is not None:
            count += sum(max(0, n - cap.get(k, n)) for k, n in per.items())
    return count
