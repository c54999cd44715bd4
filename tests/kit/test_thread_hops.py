"""Thread-pool hops on the path users wait on (#8).

Each hop hands the request to a worker thread and back (CPU, and on a busy machine a wait for a
core). The accounts middleware resolves a credential in one hop and makes none when the
request carries no cookie and no token; a match endpoint then runs its whole unit of work in
one more (``kit.http.deps.in_unit_of_work``) instead of a session dependency's enter and exit,
a sync endpoint, a sync actor dependency and the response validation. The hops are observed
(every ``anyio.to_thread.run_sync`` call, passed on to the real one), nothing is replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shuanggao.accounts import service as accounts
from tests.factories import create_supply_item, create_user


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function run in the thread pool, in order."""
    seen: list[str] = []
    real = anyio.to_thread.run_sync

    async def observed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        target = getattr(func, "func", func)  # run_in_threadpool passes a partial
        seen.append(getattr(target, "__name__", repr(target)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", observed)
    return seen


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _bearer(session: Session) -> dict[str, str]:
    user = create_user(session, "province_admin", is_demo=True)
    _, raw = accounts.create_api_token(session, user, "hops", None, ip=None)
    return {"Authorization": f"Bearer {raw}"}


def test_a_request_without_credentials_takes_no_hop_and_is_still_refused(
    client: TestClient, hops: list[str]
) -> None:
    resp = client.get("/api/v1/matches/text", params={"text": "锂电池"})
    assert (resp.status_code, resp.json()["error"]) == (401, "unauthenticated")
    # A cookie-less unsafe request from another site is refused before any hop, as before.
    resp = client.post(
        "/api/v1/auth/login",
        json={"username": "nobody", "password": "x"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert (resp.status_code, resp.json()["error"]) == (403, "csrf_failed")
    assert hops == []


def test_a_signed_in_match_search_takes_two_hops(
    client: TestClient, session: Session, hops: list[str]
) -> None:
    create_supply_item(session, title="锂电池正极材料回收工艺")
    auth = _bearer(session)
    resp = client.get("/api/v1/matches/text", params={"text": "锂电池", "top": 3}, headers=auth)
    assert resp.status_code == 200, resp.text
    assert [r["title"] for r in resp.json()["results"]] == ["锂电池正极材料回收工艺"]
    # The token (one unit of work), then the search's unit of work: nothing else.
    assert hops == ["_resolve", "_run_unit"]


def test_a_bad_token_is_refused_after_its_one_hop(client: TestClient, hops: list[str]) -> None:
    resp = client.get(
        "/api/v1/matches/text", params={"text": "锂电池"}, headers={"Authorization": "Bearer sg_x"}
    )
    assert (resp.status_code, resp.json()["error"]) == (401, "unauthenticated")
    assert hops == ["_resolve"]
