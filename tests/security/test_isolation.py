"""Tenant-isolation matrix: every role × every register endpoint × own/other tenant.

Generated from the one table in ``tests/security/permissions.py``. For each register two tenant
groups each get a row; every role (acting as group A) then lists, gets, patches, posts (for group
B) and deletes, and the answers and the database are compared with the table: other tenants'
rows answer 404 and are never listed; a denied write answers 403/404 and changes nothing.

The bulk runs through ``client_for(actor)`` (fast); ``test_matrix_with_real_sign_in`` repeats
it for three tenant roles through the real sign-in (session cookie + CSRF header).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.accounts.ratelimit import SlidingWindowLimiter
from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.kit import service as kit
from shuanggao.kit.register import Register, all_registers, get_register
from tests.conftest import ClientFor
from tests.factories import (
    TEST_PASSWORD,
    create_enterprise,
    create_pairing,
    create_university,
    create_user,
    create_zone,
)
from tests.security.permissions import ALL, NONE, OWN, PERMISSIONS, Cell, Group, expectations

REGISTERS = sorted(r.name for r in all_registers())


@dataclass
class World:
    a: Group
    b: Group
    users: dict[Role, Any]


def build_world(session: Session) -> World:
    groups = []
    researchers = []
    for _ in range(2):
        zone = create_zone(session)
        uni = create_university(session)
        ent = create_enterprise(session, zone)
        pairing = create_pairing(session, zone, [uni])
        researcher = create_user(session, Role.RESEARCHER, university_id=uni.id, is_demo=True)
        researchers.append(researcher)
        groups.append(Group(zone, uni, ent, pairing, researcher.id))
    a = groups[0]
    tenant = {"zone": a.zone.id, "university": a.university.id, "enterprise": a.enterprise.id}
    users: dict[Role, Any] = {Role.RESEARCHER: researchers[0]}
    for role in Role:
        if role is Role.RESEARCHER:
            continue
        kind = ROLE_TENANT[role]
        extra = {f"{kind}_id": tenant[kind]} if kind else {}
        users[role] = create_user(session, role, is_demo=True, **extra)
    return World(a, groups[1], users)


def state(session: Session, reg: Register[Any], obj_id: int) -> dict[str, Any] | None:
    """The row as the system reads it (None when gone)."""
    session.expire_all()
    try:
        obj = kit.get_record(session, Actor.system(), reg, obj_id)
    except Exception:  # NotFound
        return None
    return kit.snapshot(reg, obj)


def count(session: Session, reg: Register[Any]) -> int:
    return session.scalar(select(func.count()).select_from(reg.model)) or 0


def create_payload(session: Session, reg: Register[Any], obj_id: int) -> dict[str, Any]:
    """A create body copied from an existing row (the other tenant's)."""
    snap = state(session, reg, obj_id) or {}
    fields = reg.create_schema.model_fields
    return {k: v for k, v in snap.items() if k in fields and v is not None}


@dataclass
class Probe:
    """Runs one role's requests against one register and collects mismatches."""

    client: TestClient
    session: Session
    reg: Register[Any]
    a_id: int
    b_id: int
    role: Role
    failures: list[str]
    foreign_create: tuple[int, ...]

    def expect(self, what: str, got: int, allowed: tuple[int, ...]) -> None:
        if got not in allowed:
            self.failures.append(
                f"{self.reg.name} {self.role.value} {what}: {got}, expected {allowed}"
            )

    def move_own_into_other_tenant(self, sees_other: bool) -> None:
        """Existence leak: moving one's own row into the other tenant under the name of that
        tenant's row is refused (403) before any check (validation, the natural key) can answer
        with — or about — the other tenant's row; the own row is unchanged."""
        own = state(self.session, self.reg, self.a_id)
        other = state(self.session, self.reg, self.b_id)
        assert own is not None and other is not None
        fields = self.reg.update_schema.model_fields
        payload = {k: v for k, v in other.items() if k in fields and v is not None}
        payload["version"] = own["version"]
        resp = self.client.patch(f"/api/v1/{self.reg.name}/{self.a_id}", json=payload)
        # A row the actor may read anyway (public registers) may answer duplicate/validation;
        # registers whose tenant is a parent (a fund, a pairing) refuse a foreign parent on that
        # field as if it did not exist (422), as they do on create.
        hidden = tuple(sorted({403, *self.foreign_create} - {404}))
        allowed = (403, 409, 422) if sees_other else hidden
        self.expect("PATCH own into other tenant", resp.status_code, allowed)
        other_title = self.reg.title_of(
            kit.get_record(self.session, Actor.system(), self.reg, self.b_id)
        )
        if not sees_other and other_title in resp.text:
            self.failures.append(f"{self.reg.name} {self.role.value} move named the other row")
        if not sees_other and resp.status_code == 403 and resp.json()["error"] != "forbidden":
            self.failures.append(f"{self.reg.name} {self.role.value} move: {resp.text}")
        if state(self.session, self.reg, self.a_id) != own:
            self.failures.append(f"{self.reg.name} {self.role.value} move changed the own row")

    def run(self, cell: Cell) -> None:
        base = f"/api/v1/{self.reg.name}"
        sees = {self.a_id: cell.read in (ALL, OWN), self.b_id: cell.read is ALL}
        writes = {self.a_id: cell.write in (ALL, OWN), self.b_id: cell.write is ALL}
        deletes = {
            self.a_id: cell.delete_access in (ALL, OWN),
            self.b_id: cell.delete_access is ALL,
        }
        # Reads: get and list.
        for obj_id, tag in ((self.a_id, "own"), (self.b_id, "other")):
            resp = self.client.get(f"{base}/{obj_id}")
            self.expect(f"GET {tag}", resp.status_code, (200,) if sees[obj_id] else (404,))
        listed = self.client.get(base, params={"page_size": 200})
        if listed.status_code != 200:
            self.failures.append(f"{self.reg.name} {self.role.value} list: {listed.status_code}")
        else:
            ids = {item["id"] for item in listed.json()["items"]}
            for obj_id, tag in ((self.a_id, "own"), (self.b_id, "other")):
                if (obj_id in ids) != sees[obj_id]:
                    self.failures.append(
                        f"{self.reg.name} {self.role.value} list {tag}: listed={obj_id in ids}"
                    )
        # Writes: the other tenant's row first (denied unless ALL), then the own row.
        for obj_id, tag in ((self.b_id, "other"), (self.a_id, "own")):
            before = state(self.session, self.reg, obj_id)
            version = before["version"] if before else 1
            resp = self.client.patch(f"{base}/{obj_id}", json={"version": version})
            if writes[obj_id]:
                self.expect(f"PATCH {tag}", resp.status_code, (200,))
            else:
                self.expect(
                    f"PATCH {tag}", resp.status_code, (403,) if sees[obj_id] else (404, 403)
                )
                if state(self.session, self.reg, obj_id) != before:
                    self.failures.append(
                        f"{self.reg.name} {self.role.value} PATCH {tag} changed the row"
                    )
        if cell.write is OWN:
            self.move_own_into_other_tenant(sees[self.b_id])
        if cell.write is not ALL:
            payload = create_payload(self.session, self.reg, self.b_id)
            rows = count(self.session, self.reg)
            resp = self.client.post(base, json=payload)
            self.expect("POST for other tenant", resp.status_code, self.foreign_create)
            if count(self.session, self.reg) != rows:
                self.failures.append(f"{self.reg.name} {self.role.value} POST created a row")
        for obj_id, tag in ((self.b_id, "other"), (self.a_id, "own")):
            if deletes[obj_id]:
                continue
            before = state(self.session, self.reg, obj_id)
            resp = self.client.delete(f"{base}/{obj_id}")
            self.expect(f"DELETE {tag}", resp.status_code, (403,) if sees[obj_id] else (404, 403))
            if state(self.session, self.reg, obj_id) != before:
                self.failures.append(
                    f"{self.reg.name} {self.role.value} DELETE {tag} changed the row"
                )


def run_register(
    name: str,
    session: Session,
    client_of: Callable[[Role, Any], TestClient],
    roles: list[Role],
) -> list[str]:
    reg = get_register(name)
    table = expectations(name, reg.policy)
    world = build_world(session)
    spec = PERMISSIONS[name]
    a_id = spec.make(session, world.a).id
    b_id = spec.make(session, world.b).id
    assert a_id != b_id
    session.flush()
    failures: list[str] = []
    for role in roles:
        client = client_of(role, world.users[role])
        probe = Probe(client, session, reg, a_id, b_id, role, failures, spec.foreign_create)
        probe.run(table[role])
    return failures


def test_every_register_has_an_entry() -> None:
    missing = [name for name in REGISTERS if name not in PERMISSIONS]
    assert missing == [], f"add these registers to tests/security/permissions.py: {missing}"
    for name in REGISTERS:
        expectations(name, get_register(name).policy)


def test_matrix(session: Session, client_for: ClientFor) -> None:
    """Every register × every role through ``client_for`` (one app, a savepoint per register)."""
    failures: list[str] = []
    for name in REGISTERS:
        with session.begin_nested():
            failures += run_register(
                name, session, lambda role, user: client_for(user.actor()), list(Role)
            )
    assert not failures, "\n".join(failures)


REAL_SIGN_IN_ROLES = [Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN, Role.ENTERPRISE_USER]


def test_matrix_with_real_sign_in(app: FastAPI, session: Session) -> None:
    """Three tenant roles through real sessions (cookie + CSRF), on every register."""
    clients: list[TestClient] = []
    # 57 sign-ins from one test client: lift the per-IP sign-in rate limit for this test.
    app.state.login_limiter = SlidingWindowLimiter(10_000, 300)

    def signed_in(role: Role, user: Any) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        resp = client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}
        )
        assert resp.status_code == 200, resp.text
        client.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
        return client

    failures: list[str] = []
    try:
        for name in REGISTERS:
            with session.begin_nested():
                failures += run_register(name, session, signed_in, REAL_SIGN_IN_ROLES)
    finally:
        for c in clients:
            c.close()
    assert not failures, "\n".join(failures)


def test_patch_without_csrf_is_refused_before_any_tenancy_check(
    app: FastAPI, session: Session
) -> None:
    zone = create_zone(session)
    admin = create_user(session, Role.ZONE_ADMIN, zone_id=zone.id, is_demo=True)
    with TestClient(app) as client:
        client.post(
            "/api/v1/auth/login", json={"username": admin.username, "password": TEST_PASSWORD}
        )
        resp = client.patch(f"/api/v1/zones/{zone.id}", json={"managing_body": "无令牌"})
    assert resp.status_code == 403 and resp.json()["error"] == "csrf_failed"
    session.expire_all()
    assert zone.managing_body is None
    assert NONE is not OWN  # the table's values are distinct members
