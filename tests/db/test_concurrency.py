"""Concurrent writes against a real server, on SQLite and PostgreSQL (``SHUANGGAO_TEST_DB``).

- Two PATCHes with the same version sent at once: exactly one 200, the other 409 ``conflict``,
  and the row holds the winner's change (the UPDATE itself is conditional on the version).
- Several clients interleave reads, edits and creates on a few shared rows: no answer is a 5xx,
  every acknowledged write is in the database, every refused one left nothing.
- Two imports at once: each is applied or refused cleanly (409/503), never a 500, and the
  database holds exactly the applied files' rows.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.demand.models import Demand
from shuanggao.universities.models import University
from tests.db.live import Live, live_server, row
from tests.imports.sheets import UNIVERSITY_HEADER, csv_bytes


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("live")) as server:
        yield server


def _version(client: httpx.Client, demand_id: int) -> int:
    resp = client.get(f"/api/v1/demands/{demand_id}")
    assert resp.status_code == 200, resp.text
    version: int = resp.json()["version"]
    return version


def test_two_patches_with_the_same_version_exactly_one_wins(live: Live) -> None:
    demand_id = live.demand_ids[0]
    clients = [live.client(), live.client()]
    try:
        for round_ in range(10):
            version = _version(clients[0], demand_id)
            barrier = threading.Barrier(2)

            def send(
                i: int,
                version: int = version,
                round_: int = round_,
                gate: threading.Barrier = barrier,
            ) -> httpx.Response:
                gate.wait()
                return clients[i].patch(
                    f"/api/v1/demands/{demand_id}",
                    json={"note": f"client{i}-round{round_}", "version": version},
                )

            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(send, [0, 1]))
            assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
            winner = next(i for i, a in enumerate(answers) if a.status_code == 200)
            loser = answers[1 - winner]
            assert loser.json()["error"] == "conflict"
            stored = row(live.engine, Demand, demand_id)
            assert (stored.note, stored.version) == (f"client{winner}-round{round_}", version + 1)
    finally:
        for c in clients:
            c.close()


def test_a_patch_without_version_is_refused_with_428(live: Live) -> None:
    demand_id = live.demand_ids[1]
    before = row(live.engine, Demand, demand_id)
    with live.client() as client:
        resp = client.patch(f"/api/v1/demands/{demand_id}", json={"note": "无版本号"})
    assert resp.status_code == 428
    assert resp.json()["error"] == "version_required"
    assert resp.json()["current_version"] == before.version
    after = row(live.engine, Demand, demand_id)
    assert (after.note, after.version) == (before.note, before.version)


@dataclass
class Ledger:
    """What the clients were told: acknowledged and refused writes, and every status seen."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    # (demand id, note written, version the server answered)
    edits: list[tuple[int, str, int]] = field(default_factory=list)
    refused_edits: list[tuple[int, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    refused_creates: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


def _client_run(live: Live, ledger: Ledger, who: int, ops: int, shared: list[int]) -> None:
    rnd = random.Random(who)  # noqa: S311 - a test schedule
    with live.client() as client:
        for op in range(ops):
            marker = f"c{who}-op{op}"
            if rnd.random() < 0.25:
                resp = client.post(
                    "/api/v1/demands",
                    json={
                        "enterprise_id": live.enterprise_id,
                        "zone_id": live.zone_id,
                        "title": f"并发新增{marker}",
                        "cooperation_mode": "development",
                    },
                )
                with ledger.lock:
                    ledger.statuses.append(resp.status_code)
                    if resp.status_code == 201:
                        ledger.created[marker] = resp.json()["id"]
                    else:
                        ledger.refused_creates.append(marker)
                continue
            demand_id = rnd.choice(shared)
            got = client.get(f"/api/v1/demands/{demand_id}")
            with ledger.lock:
                ledger.statuses.append(got.status_code)
            if got.status_code != 200:
                continue
            resp = client.patch(
                f"/api/v1/demands/{demand_id}",
                json={"note": marker, "version": got.json()["version"]},
            )
            with ledger.lock:
                ledger.statuses.append(resp.status_code)
                if resp.status_code == 200:
                    ledger.edits.append((demand_id, marker, resp.json()["version"]))
                else:
                    ledger.refused_edits.append((demand_id, marker))


def test_interleaved_clients_lose_nothing_and_never_fail(live: Live) -> None:
    shared = live.demand_ids[2:4]
    start = {i: row(live.engine, Demand, i).version for i in shared}
    ledger = Ledger()
    clients, ops = 6, 20
    with ThreadPoolExecutor(clients) as pool:
        for f in [
            pool.submit(_client_run, live, ledger, who, ops, shared) for who in range(clients)
        ]:
            f.result()

    assert [s for s in ledger.statuses if s >= 500] == []
    assert set(ledger.statuses) <= {200, 201, 409, 503}, sorted(set(ledger.statuses))
    assert ledger.edits, "no edit was acknowledged"
    assert ledger.refused_edits, "no two edits raced: the test did not interleave"
    for demand_id in shared:
        acked = sorted((v, note) for d, note, v in ledger.edits if d == demand_id)
        versions = [v for v, _ in acked]
        # Each acknowledged edit made its own version: none silently overwrote another.
        assert versions == list(range(start[demand_id] + 1, start[demand_id] + 1 + len(acked)))
        stored = row(live.engine, Demand, demand_id)
        assert stored.version == versions[-1] if versions else start[demand_id]
        if acked:
            assert stored.note == acked[-1][1]
    with Session(live.engine) as session:
        titles = dict(
            session.execute(
                select(Demand.title, Demand.id).where(Demand.title.like("并发新增%"))
            ).all()
        )
        notes = set(session.scalars(select(Demand.note)).all())
    # Every acknowledged create is there under its id; every refused one left nothing.
    assert titles == {f"并发新增{m}": i for m, i in ledger.created.items()}
    assert not {note for _, note in ledger.refused_edits} & notes


def _import(live: Live, name: str, data: bytes) -> httpx.Response:
    with live.client() as client:
        return client.post("/api/v1/imports/universities", files={"file": (name, data)})


def test_two_imports_at_once_are_both_clean(live: Live, tmp_path: Path) -> None:
    files = []
    for n in range(2):
        rows = [
            [f"48{n}{i:07d}", f"并发导入大学{n}-{i}", "南京市", "江苏省", "本科", None]
            for i in range(150)
        ]
        files.append((f"高校{n}.csv", csv_bytes(UNIVERSITY_HEADER, rows)))
    barrier = threading.Barrier(2)

    def send(i: int) -> httpx.Response:
        barrier.wait()
        return _import(live, *files[i])

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, [0, 1]))
    for answer in answers:
        assert answer.status_code in (200, 409, 503), answer.text
        if answer.status_code == 200:
            assert (answer.json()["status"], answer.json()["created"]) == ("applied", 150)
        else:
            assert answer.json()["error"] in ("conflict", "database_busy")
    with Session(live.engine) as session:
        stored = set(
            session.scalars(select(University.name).where(University.name.like("并发导入大学%")))
        )
    expected = {
        f"并发导入大学{n}-{i}"
        for n, answer in enumerate(answers)
        if answer.status_code == 200
        for i in range(150)
    }
    assert stored == expected
    assert any(a.status_code == 200 for a in answers)
