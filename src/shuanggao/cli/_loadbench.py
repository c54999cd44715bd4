"""``shuanggao bench load``: many signed-in users at once against a real server, on loopback.

Each virtual user (an asyncio task sharing one of the demo accounts' sessions) loops until the
time is up, choosing by weight: a page (HTML), a register list (JSON), a match query, or a write.
Writes are an edit of one of a few shared demands (read it, PATCH its note with the version read,
so users race for the same rows) or a new demand. Afterwards the database is read back through
the API: every acknowledged write must be there (an edit is the latest of its row or was
followed by a later acknowledged edit; each acknowledged edit made its own version), and no
refused write may have left anything. Counts and times are bounded (``MAX_USERS``,
``MAX_SECONDS``) and only the loopback address is contacted.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from shuanggao.cli.user import DEMO_PASSWORD

MAX_USERS = 500
MAX_SECONDS = 3600
# The accounts users sign in as (demo accounts; ``shuanggao user demo-accounts``) and whether
# they write. The province and the zone share the zone's demands, so their edits race.
ACCOUNTS = (
    ("demo.province", True),
    ("demo.zone", True),
    ("demo.university", False),
    ("demo.enterprise", False),
    ("demo.researcher", False),
    ("demo.auditor", False),
)
PAGES = ("/", "/r/demands", "/r/supply_items", "/r/enterprises", "/r/projects", "/dashboard")
LISTS = ("demands", "supply_items", "enterprises", "projects", "pairings", "platforms")
QUERIES = (
    "锂电池热失控预警",
    "工业机器视觉缺陷检测",
    "储能系统电池管理",
    "新能源汽车电机控制",
    "生物医药抗体筛选",
    "智能制造数字孪生",
)
KINDS = ("page", "list", "match", "edit", "create")
WEIGHTS = (0.25, 0.3, 0.15, 0.2, 0.1)
HOT_ROWS = 8


@dataclass
class Account:
    username: str
    writes: bool
    client: httpx.AsyncClient
    csrf: str = ""
    user: dict[str, Any] = field(default_factory=dict)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    # (demand id, note, version answered) of acknowledged edits; notes of refused ones.
    edits: list[tuple[int, str, int]] = field(default_factory=list)
    refused_edits: list[tuple[int, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    refused_creates: list[str] = field(default_factory=list)
    unknown_writes: int = 0  # no answer (timeout, reset): neither acknowledged nor refused
    seconds: float = 0.0

    def note(self, kind: str, started: float, status: str) -> None:
        self.latencies[kind].append((time.perf_counter() - started) * 1000)
        self.statuses[kind][status] += 1


async def _request(
    results: Results, kind: str, account: Account, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    headers = {"X-CSRF-Token": account.csrf} if method != "GET" else {}
    try:
        resp = await account.client.request(method, url, headers=headers, **kw)
    except httpx.TimeoutException:
        results.note(kind, started, "timeout")
        return None
    except httpx.TransportError:
        results.note(kind, started, "reset")
        return None
    results.note(kind, started, str(resp.status_code))
    return resp


async def sign_in(base_url: str, username: str, writes: bool, users: int) -> Account:
    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(30.0),
        limits=httpx.Limits(max_connections=users, max_keepalive_connections=users),
    )
    resp = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
    )
    if resp.status_code != 200:
        await client.aclose()
        raise RuntimeError(f"{username} could not sign in: {resp.status_code} {resp.text[:200]}")
    body = resp.json()
    csrf = body.get("csrf_token", "")
    if body.get("restriction") == "consent":
        # A new account accepts the privacy notice first, as its user would on the notice page
        # (until then every other call answers 403 consent_required).
        resp = await client.post(
            "/api/v1/auth/consent",
            json={"processing": True, "matching": True},
            headers={"X-CSRF-Token": csrf},
        )
        if resp.status_code != 200:
            await client.aclose()
            raise RuntimeError(
                f"{username} could not accept the privacy notice: {resp.status_code} "
                f"{resp.text[:200]}"
            )
    elif body.get("restriction"):
        await client.aclose()
        raise RuntimeError(f"{username} must first do {body['restriction']!r}: it cannot be used")
    return Account(username, writes, client, csrf, body.get("user", {}))


@dataclass
class Workload:
    accounts: list[Account]
    hot: list[int]
    zone_id: int
    enterprise_id: int
    results: Results = field(default_factory=Results)
    seq: int = 0
    # Markers are unique across runs too (a repeated run against one server must not collide).
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    def marker(self, who: int) -> str:
        self.seq += 1
        return f"压测{self.run}-u{who}-{self.seq}"

    async def user(self, who: int, deadline: float, seed: int) -> None:
        rnd = random.Random(seed * 1000 + who)  # noqa: S311 - a load mix, not a secret
        account = self.accounts[who % len(self.accounts)]
        while time.monotonic() < deadline:
            kind = rnd.choices(KINDS, WEIGHTS)[0]
            if kind in ("edit", "create") and not account.writes:
                kind = "list"
            await getattr(self, kind)(account, rnd, who)

    async def page(self, account: Account, rnd: random.Random, who: int) -> None:
        await _request(self.results, "page", account, "GET", rnd.choice(PAGES))

    async def list(self, account: Account, rnd: random.Random, who: int) -> None:
        params = {"page": rnd.randint(1, 3), "page_size": 20}
        await _request(
            self.results, "list", account, "GET", f"/api/v1/{rnd.choice(LISTS)}", params=params
        )

    async def match(self, account: Account, rnd: random.Random, who: int) -> None:
        params = {"text": rnd.choice(QUERIES), "top": 10}
        await _request(self.results, "match", account, "GET", "/api/v1/matches/text", params=params)

    async def edit(self, account: Account, rnd: random.Random, who: int) -> None:
        demand_id = rnd.choice(self.hot)
        got = await _request(self.results, "read", account, "GET", f"/api/v1/demands/{demand_id}")
        if got is None or got.status_code != 200:
            return
        note = self.marker(who)
        body = {"note": note, "version": got.json()["version"]}
        resp = await _request(
            self.results, "edit", account, "PATCH", f"/api/v1/demands/{demand_id}", json=body
        )
        if resp is None:
            self.results.unknown_writes += 1
        elif resp.status_code == 200:
            self.results.edits.append((demand_id, note, resp.json()["version"]))
        else:
            self.results.refused_edits.append((demand_id, note))

    async def create(self, account: Account, rnd: random.Random, who: int) -> None:
        title = self.marker(who)
        body = {
            "enterprise_id": self.enterprise_id,
            "zone_id": self.zone_id,
            "title": title,
            "description": "压测新增的需求",
            "cooperation_mode": "development",
        }
        resp = await _request(self.results, "create", account, "POST", "/api/v1/demands", json=body)
        if resp is None:
            self.results.unknown_writes += 1
        elif resp.status_code == 201:
            self.results.created[title] = resp.json()["id"]
        else:
            self.results.refused_creates.append(title)


async def _shared_rows(zone: Account) -> tuple[list[int], int, int]:
    """The zone's own first demands (the zone and the province may both edit them, so their
    edits race) and the zone and an enterprise of it for new demands."""
    zone_id = zone.user.get("zone_id")
    resp = await zone.client.get("/api/v1/demands", params={"page_size": 200, "sort": "id"})
    resp.raise_for_status()
    items = [d for d in resp.json()["items"] if d.get("enterprise_id") and d["zone_id"] == zone_id]
    if zone_id is None or not items:
        raise RuntimeError("the demo zone has no demands of its own to edit")
    hot = [d["id"] for d in items[:HOT_ROWS]]
    return hot, int(zone_id), int(items[0]["enterprise_id"])


async def run_load(base_url: str, users: int, seconds: float, seed: int = 0) -> dict[str, Any]:
    users = max(1, min(users, MAX_USERS))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    accounts = [await sign_in(base_url, name, writes, users) for name, writes in ACCOUNTS]
    try:
        hot, zone_id, enterprise_id = await _shared_rows(accounts[1])
        work = Workload(accounts, hot, zone_id, enterprise_id)
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(*(work.user(i, deadline, seed) for i in range(users)))
        work.results.seconds = time.monotonic() - started
        check = await verify(accounts[0], work.results)
    finally:
        for account in accounts:
            await account.client.aclose()
    return summarise(work.results, check, users)


async def verify(admin: Account, results: Results) -> dict[str, int]:
    """Read back every written row as the province: lost and phantom writes."""
    lost = phantom = 0
    by_row: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for demand_id, note, version in results.edits:
        by_row[demand_id].append((version, note))
    refused_notes = {note for _, note in results.refused_edits}
    rows = {d for d, _ in results.refused_edits} | set(by_row)
    for demand_id in sorted(rows):
        resp = await admin.client.get(f"/api/v1/demands/{demand_id}")
        resp.raise_for_status()
        stored = resp.json()
        acked = sorted(by_row.get(demand_id, []))
        versions = [v for v, _ in acked]
        # Two acknowledged edits answered with one version: one of them was overwritten.
        lost += len(versions) - len(set(versions))
        if acked and (stored["note"] != acked[-1][1] or stored["version"] < versions[-1]):
            lost += 1
        if stored["note"] in refused_notes:
            phantom += 1
    for title, obj_id in results.created.items():
        resp = await admin.client.get(f"/api/v1/demands/{obj_id}")
        if resp.status_code != 200 or resp.json()["title"] != title:
            lost += 1
    for title in results.refused_creates:
        resp = await admin.client.get("/api/v1/demands", params={"q": title, "page_size": 5})
        resp.raise_for_status()
        if any(item["title"] == title for item in resp.json()["items"]):
            phantom += 1
    return {"lost": lost, "phantom": phantom}


def _pct(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def summarise(results: Results, check: dict[str, int], users: int) -> dict[str, Any]:
    total = sum(len(v) for v in results.latencies.values())
    statuses: Counter[str] = Counter()
    for counter in results.statuses.values():
        statuses.update(counter)
    kinds = {
        kind: {
            "requests": len(lat),
            "p50_ms": _pct(lat, 50),
            "p95_ms": _pct(lat, 95),
            "p99_ms": _pct(lat, 99),
            "statuses": dict(sorted(results.statuses[kind].items())),
        }
        for kind, lat in sorted(results.latencies.items())
    }
    server_errors = sum(n for s, n in statuses.items() if s.isdigit() and int(s) >= 500)
    return {
        "users": users,
        "seconds": round(results.seconds, 1),
        "requests": total,
        "requests_per_second": round(total / results.seconds, 1) if results.seconds else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "server_errors": server_errors,
        "transport_errors": statuses.get("timeout", 0) + statuses.get("reset", 0),
        "kinds": kinds,
        "writes": {
            "acknowledged": len(results.edits) + len(results.created),
            "refused": len(results.refused_edits) + len(results.refused_creates),
            "unanswered": results.unknown_writes,
            "lost": check["lost"],
            "phantom": check["phantom"],
        },
    }
