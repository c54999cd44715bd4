"""``shuanggao serve`` exits within 10 s of SIGTERM, also while clients keep it busy writing."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx

from tests.db.live import Live, live_server

LIMIT_SECONDS = 10.0


def _hammer(live: Live, demand_id: int, stop: threading.Event, seen: list[int]) -> None:
    with live.client() as client:
        while not stop.is_set():
            try:
                got = client.get(f"/api/v1/demands/{demand_id}")
                seen.append(got.status_code)
                if got.status_code == 200:
                    resp = client.patch(
                        f"/api/v1/demands/{demand_id}",
                        json={
                            "note": f"负载{time.monotonic_ns()}",
                            "version": got.json()["version"],
                        },
                    )
                    seen.append(resp.status_code)
                client.get("/api/v1/demands", params={"page_size": 50})
            except httpx.HTTPError:
                return  # the server went away: what we wait for


def test_serve_exits_within_ten_seconds_of_sigterm_under_load(tmp_path: Path) -> None:
    with live_server(tmp_path) as live:
        stop = threading.Event()
        seen: list[int] = []
        workers = [
            threading.Thread(target=_hammer, args=(live, live.demand_ids[i % 2], stop, seen))
            for i in range(12)
        ]
        for w in workers:
            w.start()
        # Under load: answers are flowing and requests are in flight when SIGTERM arrives.
        deadline = time.monotonic() + 120
        while len(seen) < 24 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(seen) >= 24, "the load never got going"
        took = live.server.stop(limit=30)
        stop.set()
        for w in workers:
            w.join(30)
    assert took <= LIMIT_SECONDS, f"serve took {took:.1f} s to exit after SIGTERM"
    # uvicorn re-raises the SIGTERM it handled once it has shut down: the usual status for it.
    assert live.server.proc.returncode in (0, -signal.SIGTERM)
    assert [s for s in seen if s >= 500] == []
