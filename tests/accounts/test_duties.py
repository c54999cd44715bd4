"""Separation of duties (三权分立): province administrator, security administrator, auditor.

- The security administrator manages accounts (roles, locks, authenticators, the duty roles)
  and reads no programme data — neither through the services nor through any page or API.
- The province administrator runs the programme and its accounts, but cannot create or change
  a duty role, change a role, unlock an account or reset an authenticator.
- Nobody audits themselves: the auditor reads every row but the auditors' own, the security
  administrator only the auditors' rows; neither writes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import User
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.audit.models import AuditEvent
from tests.conftest import ClientFor
from tests.factories import TEST_PASSWORD, create_user, create_zone

NEW_PW = "Lantern-orchard-2025"


def _security(session: Session) -> User:
    return create_user(session, "security_admin", is_demo=True)


def test_province_cannot_take_the_security_duties(client_for: ClientFor, session: Session) -> None:
    province = create_user(session, "province_admin", is_demo=True)
    target = create_user(session, "researcher")
    target.locked_until = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    session.flush()
    client = client_for(province.actor())
    for role in ("auditor", "security_admin", "province_admin"):
        made = client.post(
            "/api/v1/users", json={"username": f"x.{role}", "role": role, "password": NEW_PW}
        )
        assert made.status_code == 403, (role, made.text)
    assert client.patch(f"/api/v1/users/{target.id}", json={"role": "student"}).status_code == 403
    assert client.post(f"/api/v1/users/{target.id}/unlock").status_code == 403
    session.expire_all()
    stored = session.get(User, target.id)
    assert stored is not None and stored.role == "researcher" and stored.locked_until is not None
    # Duty accounts are not even listed to the province.
    auditor = create_user(session, "auditor", is_demo=True)
    listed = client.get("/api/v1/users", params={"page_size": 200}).json()
    ids = {u["id"] for u in listed["items"]}
    assert target.id in ids and auditor.id not in ids
    assert client.get(f"/api/v1/users/{auditor.id}").status_code == 404


def test_security_admin_manages_roles_and_locks(client_for: ClientFor, session: Session) -> None:
    security = _security(session)
    target = create_user(session, "researcher")
    target.locked_until = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    session.flush()
    client = client_for(security.actor())
    assert client.post(f"/api/v1/users/{target.id}/unlock").json()["locked"] is False
    auditor = client.post(
        "/api/v1/users", json={"username": "new.auditor", "role": "auditor", "password": NEW_PW}
    )
    assert auditor.status_code == 201, auditor.text
    # It may not change its own role.
    own = client.patch(f"/api/v1/users/{security.id}", json={"role": "province_admin"})
    assert own.status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/api/v1/zones", "/api/v1/demands", "/api/v1/supply_items", "/api/v1/residents"],
)
def test_security_admin_sees_no_programme_data_in_services(
    client_for: ClientFor, session: Session, path: str
) -> None:
    create_zone(session)
    client = client_for(_security(session).actor())
    resp = client.get(path)
    assert resp.status_code == 200 and resp.json()["total"] == 0, resp.text
    created = client.post(
        "/api/v1/zones", json={"name": "安全区", "city": "南京市", "level": "national"}
    )
    assert created.status_code == 403


def test_security_admin_is_refused_every_programme_path_when_signed_in(
    app: FastAPI, session: Session
) -> None:
    security = _security(session)
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as c:
        login = c.post(
            "/api/v1/auth/login", json={"username": security.username, "password": TEST_PASSWORD}
        )
        assert login.status_code == 200, login.text
        for path in ("/api/v1/zones", "/api/v1/demands", "/dashboard", "/r/zones", "/matches/map"):
            resp = c.get(path, headers={"Accept": "application/json"})
            assert resp.status_code == 403, (path, resp.status_code)
        assert c.get("/api/v1/users").status_code == 200
        assert c.get("/api/v1/auth/me").status_code == 200
        home = c.get("/", headers={"Accept": "text/html"})
        assert home.status_code == 200, home.text
        # Its menu offers accounts and the audit trail, no programme page.
        assert 'href="/users"' in home.text and 'href="/audit"' in home.text
        assert 'href="/dashboard"' not in home.text and 'href="/r/zones"' not in home.text


def _event(session: Session, role: Role, name: str) -> None:
    audit.record(session, Actor(role=role, user_id=None, username=name), "update", "zones", 1)


def test_nobody_audits_themselves(client_for: ClientFor, session: Session) -> None:
    _event(session, Role.PROVINCE_ADMIN, "p-admin")
    _event(session, Role.SECURITY_ADMIN, "s-admin")
    _event(session, Role.AUDITOR, "a-auditor")
    session.flush()
    auditor = Actor(role=Role.AUDITOR, user_id=801, username="aud")
    security = Actor(role=Role.SECURITY_ADMIN, user_id=802, username="sec")
    seen_by_auditor = {
        e["actor_name"]
        for e in client_for(auditor).get("/api/v1/audit?page_size=200").json()["items"]
    }
    assert {"p-admin", "s-admin"} <= seen_by_auditor and "a-auditor" not in seen_by_auditor
    seen_by_security = {
        e["actor_name"]
        for e in client_for(security).get("/api/v1/audit?page_size=200").json()["items"]
    }
    assert seen_by_security == {"a-auditor"}
    assert client_for(security).get("/api/v1/audit/verify").status_code == 403
    province = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=803, username="p"))
    assert province.get("/api/v1/audit").status_code == 403
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert (
        client_for(auditor)
        .post("/api/v1/zones", json={"name": "审计区", "city": "南京市", "level": "national"})
        .status_code
        == 403
    )
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
