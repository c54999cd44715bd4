"""The audit trail: who reads it, filters, exports, append-only, and no secrets in it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Iterator

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.audit.guard import AuditImmutable, ensure_append_only
from shuanggao.audit.models import AuditEvent
from tests.conftest import ClientFor
from tests.factories import TEST_PASSWORD, create_university, create_user, create_zone

AUDITOR = Actor(role=Role.AUDITOR, user_id=901, username="auditor1")


def seed(session: Session) -> None:
    system = Actor.system("cli:test")
    audit.record(session, system, "create", "zones", 1, summary="新增高新区：甲")
    audit.record(session, system, "update", "zones", 1, summary='=HYPERLINK("http://x")')
    audit.record(
        session,
        Actor(role=Role.ZONE_ADMIN, user_id=5, username="zone-wang"),
        "delete",
        "enterprises",
        7,
        summary="删除企业",
        before={"name": "某企业", "phone": "13812345678"},
    )
    session.flush()


@pytest.mark.parametrize("role", [Role.AUDITOR])
def test_readers_list_and_filter(client_for: ClientFor, session: Session, role: Role) -> None:
    seed(session)
    client = client_for(Actor(role=role, user_id=900, username="reader"))
    body = client.get("/api/v1/audit", params={"entity": "zones"}).json()
    assert body["total"] == 2
    assert [e["action"] for e in body["items"]] == ["update", "create"]  # newest first
    assert body["items"][1]["action_label"] == "新增"
    by_actor = client.get("/api/v1/audit", params={"actor": "wang"}).json()
    assert [e["entity"] for e in by_actor["items"]] == ["enterprises"]
    assert by_actor["items"][0]["before"] == {"name": "某企业", "phone": "138******78"}
    today = dt.datetime.now(audit.BEIJING).date()
    in_range = client.get(
        "/api/v1/audit", params={"from": str(today), "to": str(today), "action": "delete"}
    )
    assert in_range.json()["total"] == 1
    past = client.get("/api/v1/audit", params={"to": str(today - dt.timedelta(days=1))})
    assert past.json()["total"] == 0
    bad = client.get(
        "/api/v1/audit", params={"from": str(today), "to": str(today - dt.timedelta(days=2))}
    )
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"to"}


@pytest.mark.parametrize(
    "role",
    [
        Role.PROVINCE_ADMIN,  # separation of duties: administrators do not audit themselves
        Role.ZONE_ADMIN,
        Role.UNIVERSITY_ADMIN,
        Role.ENTERPRISE_USER,
        Role.RESEARCHER,
        Role.STUDENT,
        Role.MENTOR,
    ],
)
def test_others_cannot_read_or_export(client_for: ClientFor, session: Session, role: Role) -> None:
    seed(session)
    client = client_for(Actor(role=role, user_id=77, username="someone", zone_id=1))
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/api/v1/audit/export").status_code == 403
    exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert exports == []


def test_csv_export_has_chinese_headers_escapes_formulas_and_is_audited(
    client_for: ClientFor, session: Session
) -> None:
    seed(session)
    resp = client_for(AUDITOR).get("/api/v1/audit/export", params={"format": "csv"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/csv")
    assert "filename*=UTF-8''" in resp.headers["content-disposition"]
    text_body = resp.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text_body)))
    assert table[0][:5] == ["时间（北京时间）", "操作人", "角色", "IP 地址", "操作"]
    assert len(table) == 4
    assert table[2][7] == '\'=HYPERLINK("http://x")'
    assert table[3][4] == "删除" and table[3][2] == "高新区管理员"
    exported = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert exported.actor_name == "auditor1" and exported.entity == "audit"
    assert exported.after == {"rows": 3}


def test_csv_export_names_actions_objects_fields_enums_and_references_in_chinese(
    client_for: ClientFor, session: Session
) -> None:
    first = create_university(session, name="南京工程学院")
    second = create_university(session, name="常州大学")
    audit.record(
        session,
        Actor.system("cli:test"),
        "update",
        "supply_items",
        3,
        summary="修改技术供给清单条目",
        before={"university_id": first.id, "kind": "achievement", "maturity": "trl7"},
        after={"university_id": second.id, "kind": "expert", "maturity": "pilot"},
    )
    audit.record(session, Actor.system("cli:test"), "triage", "demands", 4, summary="梳理")
    session.flush()
    resp = client_for(AUDITOR).get("/api/v1/audit/export", params={"format": "csv"})
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    by_summary = {row[7]: row for row in table[1:]}
    row = by_summary["修改技术供给清单条目"]
    assert row[4:7] == ["修改", "技术供给清单条目", "3"]
    assert row[8] == "所属高校：南京工程学院；类型：科技成果；成熟度：TRL7 实际环境演示"
    assert row[9] == "所属高校：常州大学；类型：专家团队；成熟度：中试"
    assert by_summary["梳理"][4:6] == ["需求梳理", "产业需求"]


def test_xlsx_export(client_for: ClientFor, session: Session) -> None:
    seed(session)
    resp = client_for(AUDITOR).get("/api/v1/audit/export", params={"entity": "zones"})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content), read_only=True)
    ws = wb["审计日志"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][7] == "摘要"
    assert [v[4] for v in values[1:]] == ["新增", "修改"]


def test_orm_refuses_to_change_or_delete_audit_events(session: Session) -> None:
    seed(session)
    event = session.scalars(select(AuditEvent)).first()
    assert event is not None
    event.summary = "篡改"
    with pytest.raises(AuditImmutable):
        session.flush()
    session.rollback()
    seed(session)
    event = session.scalars(select(AuditEvent)).first()
    assert event is not None
    session.delete(event)
    with pytest.raises(AuditImmutable):
        session.flush()
    session.rollback()
    with pytest.raises(AuditImmutable):
        session.execute(update(AuditEvent).values(summary="x"))
    with pytest.raises(AuditImmutable):
        session.execute(delete(AuditEvent))


def test_database_trigger_refuses_raw_sql(engine: Engine, session: Session) -> None:
    assert ensure_append_only(engine)
    seed(session)
    for sql in ("UPDATE audit_event SET summary = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError) as err, session.begin_nested():
            session.execute(text(sql))
        assert "append-only" in str(err.value)
    assert session.scalar(select(AuditEvent.summary).order_by(AuditEvent.id)) == "新增高新区：甲"


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_no_secret_reaches_the_audit_trail_or_the_log(
    client: TestClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = create_user(session, "province_admin", is_demo=True)
    zone = create_zone(session)
    initial = "Initial-银杏-Canary-5501"
    changed = "Changed-银杏-Canary-5502"
    wrong = "Wrong-银杏-Canary-5503"
    csrf = client.post(
        "/api/v1/auth/login", json={"username": admin.username, "password": TEST_PASSWORD}
    ).json()["csrf_token"]
    session_cookie = client.cookies["sg_session"]
    h = {"X-CSRF-Token": csrf}
    created = client.post(
        "/api/v1/users",
        json={
            "username": "canary.user",
            "role": "高新区管理员",
            "zone_id": zone.id,
            "password": initial,
        },
        headers=h,
    )
    assert created.status_code == 201, created.text
    token = client.post("/api/v1/auth/tokens", json={"name": "t"}, headers=h).json()["token"]
    client.post("/api/v1/auth/logout", headers=h)
    with TestClient(client.app) as other:  # type: ignore[arg-type]
        assert (
            other.post(
                "/api/v1/auth/login", json={"username": "canary.user", "password": wrong}
            ).status_code
            == 401
        )
        # A password typed into the username field is not logged in clear either.
        other.post("/api/v1/auth/login", json={"username": wrong, "password": wrong})
        body = other.post(
            "/api/v1/auth/login", json={"username": "canary.user", "password": initial}
        ).json()
        h2 = {"X-CSRF-Token": body["csrf_token"]}
        changed_resp = other.post(
            "/api/v1/auth/password",
            json={"current_password": initial, "new_password": changed},
            headers=h2,
        )
        assert changed_resp.status_code == 200
        h2 = {"X-CSRF-Token": changed_resp.json()["csrf_token"]}
        enrol = other.post("/api/v1/auth/totp/enrol", json={"password": changed}, headers=h2)
        secret = enrol.json()["secret"]
        other.post("/api/v1/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=h2)
    rows = session.scalars(select(AuditEvent)).all()
    assert {
        "create",
        "permission",
        "sign_in",
        "sign_in_failed",
        "password_change",
        "totp_enrol",
    } <= {r.action for r in rows}
    dump = json.dumps(
        [
            [
                r.actor_name,
                r.actor_role,
                r.ip,
                r.action,
                r.entity,
                r.entity_id,
                r.summary,
                r.before,
                r.after,
            ]
            for r in rows
        ],
        ensure_ascii=False,
    )
    logged = caplog.text
    for secret_text in (initial, changed, wrong, "Canary-55", secret, token, session_cookie, csrf):
        assert secret_text not in dump
        assert secret_text not in logged
