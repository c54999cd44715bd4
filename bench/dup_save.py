"""What saving a demand costs as the register grows: the duplicate check at N stored needs.

    nice .venv/bin/shuanggao bench dup-save [--sizes 1000,10000,50000] [--saves 40]
    nice .venv/bin/python bench/dup_save.py  (same options)

For each size N it builds (once; later runs reuse it) a SQLite database under ``--dir`` with N
demands in 13 zones and N/20 enterprises, every visibility, written from real CSL paper titles,
abstract clauses and keywords (``../shared/data/csl``); one need in fifty is a reworded copy
of an earlier one (another firm entering the same problem). Then it saves needs, half of them
near-copies of stored needs (so the check has something to flag), half new, interleaved
path by path, as a province administrator (who reads every need: the worst case) and as a zone
administrator:

- ``save_no_hook`` (the baseline): ``kit.service.create_record`` on the demand register, as the
  API calls it, with the register's ``warn`` hooks removed; rolled back;
- ``save``: the same with the duplicate check (``matches.triage.check_duplicates``);
- ``save_full_scan``: the same with the check answered by the full scan over every need in
  scope (``triage.scan_similar``: what every save did before the duplicate index), measured on
  the first ``--scan-saves`` saves only (it takes seconds at 50k);
- ``http_no_hook`` / ``http``: ``POST /api/v1/demands`` through Starlette's TestClient (routing,
  validation, session, commit, JSON), without and with the check; each need saved is deleted
  afterwards (untimed), so N stays N. The background match job a saved need queues is not
  installed: its cost is the matcher's, measured by ``bench app``.

Printed per N and actor: p50/p95 wall time and p95 CPU time (ms), and each path's p95 divided by
its baseline's p95 measured in the same run (``save*`` by ``save_no_hook``, ``http`` by
``http_no_hook``). ``agree`` counts the saves where the index's warning named the same needs
with the same scores as the full scan's. Cold costs (the first check after the process starts:
the index reads and tokenises every need once) are printed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from shuanggao import domains
from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.db import migrate
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.enterprises.credit_code import make_credit_code
from shuanggao.enterprises.models import Enterprise
from shuanggao.kit import service as kit_service
from shuanggao.matches import duplicates as dup
from shuanggao.matches import search as match_search
from shuanggao.matches import triage
from shuanggao.zones.models import Zone

ROOT = Path(__file__).resolve().parents[1]
CSL = Path("shared") / "data" / "csl" / "csl_benchmark_2000.jsonl"
DATA = next((p / CSL for p in ROOT.parents if (p / CSL).exists()), ROOT.parent / CSL)
CITIES = ["南京", "苏州", "无锡", "常州", "镇江", "南通", "扬州", "泰州", "徐州", "连云港", "淮安",
          "盐城", "宿迁"]  # fmt: skip
CODES = ["C2664", "C3562", "C3976", "C3841", "C2710", "C3744", "I6513", "C3990", "C2761", "M7320"]
VISIBILITY = ["public"] * 7 + ["anonymous", "paired", "admins"]
PATHS = ("save_no_hook", "save", "save_full_scan", "http_no_hook", "http")
BASELINE = {"save": "save_no_hook", "save_full_scan": "save_no_hook", "http": "http_no_hook"}


def _papers() -> list[dict[str, Any]]:
    path = Path(os.environ.get("SHUANGGAO_BENCH_CSL", DATA))
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _clauses(papers: list[dict[str, Any]]) -> list[str]:
    out: set[str] = set()
    for paper in papers:
        for part in str(paper["abstract"]).replace("；", "。").replace(".", "。").split("。"):
            part = part.strip(" ,，")
            if 8 <= len(part) <= 80:
                out.add(part)
    return sorted(out)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


class Texts:
    """Need texts from real paper titles, abstract clauses and keywords."""

    def __init__(self, papers: list[dict[str, Any]], seed: int) -> None:
        self.papers = papers
        self.clauses = _clauses(papers)
        self.rng = random.Random(seed)

    def need(self) -> dict[str, Any]:
        rng = self.rng
        paper = self.papers[rng.randrange(len(self.papers))]
        title = str(paper["title"])
        if rng.random() < 0.6:  # most needs are not paper titles: a clause's head instead
            title = self.clauses[rng.randrange(len(self.clauses))][: rng.randint(12, 30)]
        lead = "希望联合高校开展攻关，" if rng.random() < 0.5 else "需要"
        body = "。".join(self.clauses[rng.randrange(len(self.clauses))] for _ in range(3))
        return {
            "title": title[:200],
            "description": (lead + body)[:800],
            "keywords": [str(k) for k in (paper.get("keywords") or [])][:4],
            "industry_code": CODES[rng.randrange(len(CODES))],
        }

    def reworded(self, need: dict[str, Any]) -> dict[str, Any]:
        """The same problem entered by someone else: a word added, the text shortened."""
        rng = self.rng
        cut = need["description"].split("。")
        return {
            **need,
            "title": need["title"] + rng.choice(("攻关", "技术需求", "国产化", "研究")),
            "description": "。".join(cut[: max(1, len(cut) - 1)]) + "。",
        }


def _build(factory: sessionmaker[Session], n: int, texts: Texts) -> None:
    rng = random.Random(n)
    with factory() as session:
        zones = [
            Zone(name=f"{c}基准高新区", level="national", city=f"{c}市", industry_codes=[],
                 emerging_codes=[])
            for c in CITIES
        ]  # fmt: skip
        session.add_all(zones)
        session.flush()
        firms = max(50, n // 20)
        session.execute(
            insert(Enterprise),
            [
                {
                    "name": f"基准企业{i}",
                    "credit_code": make_credit_code(f"9132{i:013d}"),
                    "zone_id": zones[i % len(zones)].id,
                }
                for i in range(firms + 1)
            ],
        )
        ents = list(session.execute(select(Enterprise.id, Enterprise.zone_id)))
        ents.sort()
        stored: list[dict[str, Any]] = []
        seen: set[tuple[int, str]] = set()
        rows = []
        for i in range(n):
            ent_id, zone_id = ents[1 + i % firms]  # the first enterprise saves the bench's needs
            need = texts.reworded(rng.choice(stored)) if stored and i % 50 == 49 else texts.need()
            while (ent_id, need["title"]) in seen:
                need = texts.need()
            seen.add((ent_id, need["title"]))
            stored.append(need)
            rows.append(
                {
                    **need,
                    "enterprise_id": ent_id,
                    "zone_id": zone_id,
                    "cooperation_mode": "development",
                    "visibility": VISIBILITY[rng.randrange(len(VISIBILITY))],
                    "triage_state": "pending",
                }
            )
            if len(rows) == 5000:
                session.execute(insert(Demand), rows)
                rows = []
        if rows:
            session.execute(insert(Demand), rows)
        session.commit()


def _database(workdir: Path, n: int, texts: Texts, log: TextIO) -> str:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"dup-{n}.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url=url)
    engine = build_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            have = session.scalar(select(func.count()).select_from(Demand)) or 0
        if have != n:
            if have:
                raise SystemExit(f"{url} holds {have} demands, not {n}: remove it first")
            start = time.perf_counter()
            _build(factory, n, texts)
            log.write(f"[{n}] database built in {time.perf_counter() - start:.1f} s\n")
    finally:
        engine.dispose()
    return url


def _full_scan_hook(
    session: Session, actor: Actor, values: dict[str, Any], current: Any
) -> list[dict[str, Any]]:
    """The check as every save ran it before the duplicate index (the same scoring)."""
    mine = dup.features(triage._need_text(values))
    found = triage.scan_similar(session, actor, mine, current.id if current else None)
    return [{"scan": [(s.score, d.id) for s, d in found[: triage.WARN_LIMIT]]}]


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, out


def _measure(
    url: str, n: int, saves: int, scan_saves: int, texts: Texts, workdir: Path, log: TextIO
) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from shuanggao.kit.http import deps
    from shuanggao.main import create_app

    settings = Settings(
        var_dir=workdir / f"var-{n}", database_url=url, encoder="none",
        secret_key=secrets.token_hex(32),
    )  # fmt: skip
    engine = build_engine(url)
    factory = make_session_factory(engine)
    app = create_app(settings)
    app.state.session_factory = factory
    # The background match job is the matcher's cost (bench app), not this bench's.
    if match_search.queue_matching in demand_register.after_save:
        demand_register.after_save.remove(match_search.queue_matching)
    hooks = list(demand_register.warn)
    with factory() as session:
        ent_id, zone_id = session.execute(
            select(Enterprise.id, Enterprise.zone_id).order_by(Enterprise.id).limit(1)
        ).one()
        columns = (Demand.title, Demand.description, Demand.keywords, Demand.industry_code)
        stored = list(session.execute(select(*columns).order_by(Demand.id)))
    actors = {
        "province": Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="bench"),
        "zone": Actor(role=Role.ZONE_ADMIN, user_id=2, username="bench-zone", zone_id=zone_id),
    }
    rng = random.Random(n + 1)
    payloads = []
    for i in range(saves):
        if i % 2 == 0:
            s = stored[rng.randrange(len(stored))]
            base = {"title": s[0], "description": s[1], "keywords": s[2], "industry_code": s[3]}
            need = texts.reworded(base)
        else:
            need = texts.need()
        payloads.append({**need, "enterprise_id": ent_id, "cooperation_mode": "技术开发",
                         "title": f"{need['title'][:190]}"})  # fmt: skip
    results = []
    client = TestClient(app).__enter__()
    try:
        for who, actor in actors.items():
            app.dependency_overrides[deps.get_actor] = lambda actor=actor: actor

            def service_save(payload: dict[str, Any], warn: list[Any], actor: Actor = actor) -> Any:
                demand_register.warn[:] = warn
                try:
                    with factory() as session:
                        kit_service.create_record(session, actor, demand_register, payload)
                        out = kit_service.take_warnings(session)
                        session.rollback()
                        return out
                finally:
                    demand_register.warn[:] = hooks

            def http_save(payload: dict[str, Any], warn: list[Any]) -> Any:
                demand_register.warn[:] = warn
                try:
                    resp = client.post("/api/v1/demands", json=payload)
                finally:
                    demand_register.warn[:] = hooks
                assert resp.status_code == 201, resp.text
                return resp.json()

            def forget(demand_id: int) -> None:
                with factory() as session:
                    session.execute(delete(Demand).where(Demand.id == demand_id))
                    session.commit()

            # Cold: the first check of the process reads and tokenises every need once.
            cold = {}
            for path, warn in (("save", hooks), ("save_full_scan", [_full_scan_hook])):
                wall, cpu, _ = _timed(lambda warn=warn: service_save(payloads[0], warn))
                cold[path] = round(wall, 1)
            lat: dict[str, list[float]] = {p: [] for p in PATHS}
            cpus: dict[str, list[float]] = {p: [] for p in PATHS}
            agree = compared = warned = 0
            for i, payload in enumerate(payloads):
                calls: list[tuple[str, Callable[[], Any]]] = [
                    ("save_no_hook", lambda p=payload: service_save(p, [])),
                    ("save", lambda p=payload: service_save(p, hooks)),
                    ("http_no_hook", lambda p=payload: http_save(p, [])),
                    ("http", lambda p=payload: http_save(p, hooks)),
                ]
                if i < scan_saves:
                    calls.append(
                        ("save_full_scan", lambda p=payload: service_save(p, [_full_scan_hook]))
                    )
                outs: dict[str, Any] = {}
                for path, fn in calls:
                    wall, cpu, out = _timed(fn)
                    lat[path].append(wall)
                    cpus[path].append(cpu)
                    outs[path] = out
                    if path.startswith("http"):
                        forget(out["id"])
                named = [
                    (s["score"], s["demand_id"])
                    for w in outs["save"] for s in w.get("similar", [])
                ]  # fmt: skip
                warned += bool(named)
                if "save_full_scan" in outs:
                    compared += 1
                    agree += named == [tuple(x) for x in outs["save_full_scan"][0]["scan"]]
            rows = {
                p: {
                    "p50_ms": round(statistics.median(v), 1),
                    "p95_ms": round(_pct(v, 95), 1),
                    "cpu_p95_ms": round(_pct(cpus[p], 95), 1),
                    "saves": len(v),
                }
                for p, v in lat.items()
                if v
            }
            for p, base in BASELINE.items():
                if p in rows:
                    rows[p]["ratio_p95"] = round(rows[p]["p95_ms"] / rows[base]["p95_ms"], 2)
            results.append(
                {
                    "size": n,
                    "actor": who,
                    "cold_ms": cold,
                    "saves_warned": warned,
                    "agree_with_full_scan": f"{agree}/{compared}",
                    "load_avg_1m": round(os.getloadavg()[0], 2),
                    "paths": rows,
                }
            )
            log.write(f"[{n} {who}] done\n")
    finally:
        client.__exit__(None, None, None)
        engine.dispose()
    return results


def _table(results: list[dict[str, Any]], out: TextIO) -> None:
    out.write(
        f"{'N':>7} {'actor':9} {'path':15} {'p50 ms':>9} {'p95 ms':>9} {'cpu p95':>9} "
        f"{'×base p95':>9}\n"
    )
    for r in results:
        for path, row in r["paths"].items():
            ratio = row.get("ratio_p95")
            out.write(
                f"{r['size']:>7} {r['actor']:9} {path:15} {row['p50_ms']:>9.1f} "
                f"{row['p95_ms']:>9.1f} {row['cpu_p95_ms']:>9.1f} "
                f"{'' if ratio is None else f'{ratio:.2f}':>9}\n"
            )
        out.write(
            f"{'':>7} {r['actor']:9} cold ms {r['cold_ms']}; warned {r['saves_warned']}/"
            f"{r['paths']['save']['saves']}; agree with full scan "
            f"{r['agree_with_full_scan']}; load {r['load_avg_1m']}\n"
        )


def run_dup_bench(
    sizes: list[int], saves: int, scan_saves: int, workdir: Path, out: TextIO, fmt: str
) -> list[dict[str, Any]]:
    domains.load()
    papers = _papers()
    results: list[dict[str, Any]] = []
    for n in sizes:
        texts = Texts(papers, n)
        url = _database(workdir, n, texts, sys.stderr)
        results += _measure(url, n, saves, scan_saves, texts, workdir, sys.stderr)
    if fmt == "json":
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        _table(results, out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--scan-saves", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=Path("var/bench-dup"))
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    run_dup_bench(sizes, args.saves, args.scan_saves, args.dir, sys.stdout, args.format)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
