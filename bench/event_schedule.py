"""The matchmaking event schedule at scale: the optimiser against greedy, same process.

    nice .venv/bin/python bench/event_schedule.py [--enterprises 200] [--researchers 300]
        [--slots 12] [--tables 60] [--cap 6] [--seed 7]

Scores are generated like the app's (``matches`` coverage, 0..1): every participant holds a few
of 40 topics; a pair's score is the weighted share of the enterprise's topics the researcher
covers, zero when they share none. The optimiser (``events.solver.optimal``: MILP over the pairs,
then edge colouring into slots and tables) and the greedy baseline run on the same instance; the
schedule is checked for clashes. Prints one JSON line with the times, the scores and the
machine's load average (the machine is shared: compare the ratio, not the seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import numpy.typing as npt

from shuanggao.events import solver


def instance(e: int, r: int, seed: int, topics: int = 40) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    weights = rng.random(topics) + 0.2
    need = np.zeros((e, topics))
    for i in range(e):
        need[i, rng.choice(topics, size=int(rng.integers(2, 5)), replace=False)] = 1.0
    offer = np.zeros((r, topics))
    for j in range(r):
        offer[j, rng.choice(topics, size=int(rng.integers(1, 4)), replace=False)] = 1.0
    wanted = need * weights
    score = (wanted @ offer.T) / wanted.sum(axis=1, keepdims=True)
    return np.round(score, 6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=200)
    parser.add_argument("--researchers", type=int, default=300)
    parser.add_argument("--slots", type=int, default=12)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--cap", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    score = instance(args.enterprises, args.researchers, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    problem = solver.Problem(
        score=score,
        slots=args.slots,
        tables=args.tables,
        enterprise_cap=np.full(args.enterprises, args.cap, dtype=np.int64),
        researcher_cap=rng.integers(2, args.cap + 1, size=args.researchers).astype(np.int64),
    )
    start = time.perf_counter()
    greedy = solver.greedy(problem)
    greedy_s = time.perf_counter() - start
    start = time.perf_counter()
    best = solver.optimal(problem)
    optimal_s = time.perf_counter() - start
    rows = [(m.enterprise, m.researcher, m.slot, m.table) for m in best.meetings]
    ecap = {i: int(c) for i, c in enumerate(problem.enterprise_cap)}
    rcap = {j: int(c) for j, c in enumerate(problem.researcher_cap)}
    print(
        json.dumps(
            {
                "enterprises": args.enterprises,
                "researchers": args.researchers,
                "slots": args.slots,
                "tables": args.tables,
                "candidate_pairs": int((score > 0).sum()),
                "meetings": len(best.meetings),
                "total_score": best.total_score,
                "greedy_meetings": len(greedy.meetings),
                "greedy_total_score": greedy.total_score,
                "score_ratio": round(best.total_score / greedy.total_score, 4)
                if greedy.total_score
                else None,
                "clashes": solver.clashes(rows, ecap, rcap),
                "solve_seconds": round(optimal_s, 3),
                "greedy_seconds": round(greedy_s, 3),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "cpus": os.cpu_count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
