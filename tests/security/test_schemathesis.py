"""schemathesis against the app's OpenAPI document: no operation answers 5xx.

In-process (ASGI), signed in as a province administrator through the real sign-in (session
cookie + CSRF header), on the migrated test database holding two tenant groups of data (the
isolation matrix's world, with demands and supply items). Examples per operation are bounded
(``EXAMPLES``) and the run is derandomised, so it is reproducible and takes about a minute or
two on a loaded 2-core machine. Marked ``slow``: it runs in the SQLite leg of ``make test``
(the PostgreSQL leg skips slow tests; the API's answers do not depend on the engine).

Operations that would end the administrator's own session or credentials (sign-out, own
password change, resetting an account's password, revoking tokens) are left out so that the
rest keep running signed in; they have their own tests in ``tests/accounts``.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy.orm import Session

from shuanggao.accounts.ratelimit import SlidingWindowLimiter
from shuanggao.actor import Role
from tests.factories import TEST_PASSWORD, create_demand, create_supply_item, create_user
from tests.security.test_isolation import build_world

EXAMPLES = 6
SKIP = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/password"),
    ("POST", "/api/v1/users/{user_id}/password"),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"),
}


def sign_in(app: FastAPI, session: Session) -> dict[str, str]:
    admin = create_user(session, Role.PROVINCE_ADMIN, is_demo=True)
    with TestClient(app) as client:
        resp = client.post(
            "/api/v1/auth/login", json={"username": admin.username, "password": TEST_PASSWORD}
        )
        assert resp.status_code == 200, resp.text
        cookie = client.cookies["sg_session"]
    return {"Cookie": f"sg_session={cookie}", "X-CSRF-Token": resp.json()["csrf_token"]}


def run_operation(operation: Any, auth: dict[str, str], failures: list[str]) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        try:
            response = case.call(headers=dict(auth))
        except Exception as exc:  # the in-process transport re-raises what would be a 500
            failures.append(f"{label} → {type(exc).__name__}: {exc}"[:300])
            return
        if response.status_code >= 500:
            failures.append(
                f"{label} → {response.status_code}: "
                f"{case.path_parameters} {case.query} {str(case.body)[:200]}"
            )

    check()


@pytest.mark.slow
def test_no_server_errors(app: FastAPI, session: Session) -> None:
    world = build_world(session)
    for group in (world.a, world.b):
        create_demand(session, group.enterprise, visibility="anonymous")
        create_supply_item(session, group.university, owner_user_id=group.researcher_id)
    # Generated sign-in attempts must not lock the run out through the per-IP limit.
    app.state.login_limiter = SlidingWindowLimiter(1_000_000, 60)
    auth = sign_in(app, session)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0

    for result in schema.get_all_operations():
        operation: Any = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        operations += 1

        run_operation(operation, auth, failures)
        with TestClient(app) as probe:
            if probe.get("/api/v1/auth/me", headers=auth).status_code != 200:
                failures.append(f"the administrator's session ended after {operation.path}")
                auth = sign_in(app, session)
    assert operations > 60
    assert not failures, "\n".join(failures[:40])
