"""User administration: who manages whom, validation, and the permission audit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts.models import User, UserSession
from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.zones.models import Zone
from tests.conftest import ClientFor
from tests.factories import (
    create_demand_enterprise,
    create_university,
    create_user,
    create_zone,
)

NEW_PW = "Harbor-紫金-Window-73"


def user_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def test_security_admin_creates_any_role_with_tenant_checks(
    client_for: ClientFor, session: Session
) -> None:
    admin = create_user(session, "security_admin", is_demo=True)
    client = client_for(admin.actor())
    zone = create_zone(session)
    resp = client.post(
        "/api/v1/users",
        json={
            "username": "Ｚｏｎｅ.Li",
            "role": "zone_admin",
            "zone_id": zone.id,
            "password": NEW_PW,
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["username"] == "zone.li"  # NFKC + case-folded
    assert body["must_change_password"] is True and body["role_label"] == "高新区管理员"
    dup = client.post(
        "/api/v1/users",
        json={"username": "ZONE.LI", "role": "zone_admin", "zone_id": zone.id, "password": NEW_PW},
    )
    assert dup.status_code == 409
    missing = client.post(
        "/api/v1/users", json={"username": "u.x", "role": "enterprise_user", "password": NEW_PW}
    )
    assert missing.status_code == 422 and set(missing.json()["fields"]) == {"enterprise_id"}
    wrong_kind = client.post(
        "/api/v1/users",
        json={"username": "u.y", "role": "auditor", "zone_id": zone.id, "password": NEW_PW},
    )
    assert wrong_kind.status_code == 422 and set(wrong_kind.json()["fields"]) == {"zone_id"}
    weak = client.post(
        "/api/v1/users",
        json={"username": "u.z", "role": "auditor", "password": "u.z-1234567"},
    )
    assert weak.status_code == 422 and weak.json()["error"] == "weak_password"
    extra = client.post(
        "/api/v1/users",
        json={"username": "u.w", "role": "auditor", "password": NEW_PW, "is_demo": True},
    )
    assert extra.status_code == 422
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "users").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "permission"]
    assert events[1].after == {
        "role": "zone_admin",
        "zone_id": zone.id,
        "university_id": None,
        "enterprise_id": None,
    }


def test_zone_admin_manages_enterprise_users_of_own_zone_only(
    client_for: ClientFor, session: Session
) -> None:
    zone_admin = create_user(session, "zone_admin", is_demo=True)
    own_ent = create_demand_enterprise(session, session.get(Zone, zone_admin.zone_id))
    other_ent = create_demand_enterprise(session)
    client = client_for(zone_admin.actor())
    ok = client.post(
        "/api/v1/users",
        json={
            "username": "ent.a",
            "role": "企业用户",
            "enterprise_id": own_ent.id,
            "password": NEW_PW,
        },
    )
    assert ok.status_code == 201, ok.text
    before = user_count(session)
    other = client.post(
        "/api/v1/users",
        json={
            "username": "ent.b",
            "role": "enterprise_user",
            "enterprise_id": other_ent.id,
            "password": NEW_PW,
        },
    )
    assert other.status_code == 403
    escalate = client.post(
        "/api/v1/users",
        json={
            "username": "zone.c",
            "role": "zone_admin",
            "zone_id": zone_admin.zone_id,
            "password": NEW_PW,
        },
    )
    assert escalate.status_code == 403
    assert user_count(session) == before
    foreign = create_user(session, "enterprise_user", enterprise_id=other_ent.id)
    assert client.get(f"/api/v1/users/{foreign.id}").status_code == 404
    assert client.patch(f"/api/v1/users/{foreign.id}", json={"is_active": False}).status_code == 404
    session.expire_all()
    assert session.get(User, foreign.id).is_active is True  # type: ignore[union-attr]
    listed = client.get("/api/v1/users").json()
    assert [u["username"] for u in listed["items"]] == ["ent.a"]
    # Moving an own user to another zone's enterprise is refused, nothing changes.
    own_id = ok.json()["id"]
    moved = client.patch(f"/api/v1/users/{own_id}", json={"enterprise_id": other_ent.id})
    assert moved.status_code == 403
    session.expire_all()
    assert session.get(User, own_id).enterprise_id == own_ent.id  # type: ignore[union-attr]


def test_university_admin_manages_own_university_people(
    client_for: ClientFor, session: Session
) -> None:
    uni_admin = create_user(session, "university_admin", is_demo=True)
    client = client_for(uni_admin.actor())
    ok = client.post(
        "/api/v1/users",
        json={
            "username": "stu.a",
            "role": "学生",
            "university_id": uni_admin.university_id,
            "password": NEW_PW,
        },
    )
    assert ok.status_code == 201
    other_uni = create_university(session)
    denied = client.post(
        "/api/v1/users",
        json={
            "username": "stu.b",
            "role": "student",
            "university_id": other_uni.id,
            "password": NEW_PW,
        },
    )
    assert denied.status_code == 403
    admin_role = client.post(
        "/api/v1/users",
        json={
            "username": "uadm",
            "role": "university_admin",
            "university_id": uni_admin.university_id,
            "password": NEW_PW,
        },
    )
    assert admin_role.status_code == 403


def test_other_roles_manage_nobody(client_for: ClientFor, session: Session) -> None:
    for role in (Role.ENTERPRISE_USER, Role.RESEARCHER, Role.STUDENT, Role.MENTOR, Role.AUDITOR):
        client = client_for(
            Actor(role=role, user_id=999, username="x", university_id=1, enterprise_id=1)
        )
        assert client.get("/api/v1/users").status_code == 403
        assert (
            client.post(
                "/api/v1/users", json={"username": "nn1", "role": "auditor", "password": NEW_PW}
            ).status_code
            == 403
        )


def test_role_change_deactivation_unlock_and_reset_are_audited_and_end_sessions(
    client_for: ClientFor, session: Session
) -> None:
    admin = create_user(session, "security_admin", is_demo=True)
    target = create_user(session, "researcher")
    original_university = target.university_id
    session.add(
        UserSession(
            token_hash="a" * 64, user_id=target.id, expires_at=target.created_at.replace(year=2100)
        )
    )
    session.flush()
    client = client_for(admin.actor())
    uni = create_university(session)
    resp = client.patch(
        f"/api/v1/users/{target.id}", json={"role": "mentor", "university_id": uni.id}
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["role"] == "mentor" and resp.json()["university_id"] == uni.id
    assert session.scalars(select(UserSession).where(UserSession.user_id == target.id)).all() == []
    assert client.patch(f"/api/v1/users/{target.id}", json={"is_active": False}).status_code == 200
    assert client.post(f"/api/v1/users/{target.id}/unlock").status_code == 200
    reset = client.post(f"/api/v1/users/{target.id}/password", json={"new_password": NEW_PW})
    assert reset.status_code == 200 and reset.json()["must_change_password"] is True
    session.expire_all()
    stored = session.get(User, target.id)
    assert stored is not None and passwords.verify_password(stored.password_hash, NEW_PW)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == str(target.id)).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.before, e.after) for e in events] == [
        (
            "permission",
            {"role": "researcher", "university_id": original_university},
            {"role": "mentor", "university_id": uni.id},
        ),
        ("permission", {"is_active": True}, {"is_active": False}),
        ("permission", {"locked": False}, {"locked": False}),
        ("password_reset", None, None),
    ]
    # An admin cannot demote or disable themself.
    assert client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False}).status_code == 403
