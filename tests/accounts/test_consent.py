"""Consent at first sign-in (PIPL 14–17; checklist PI-03): until the account accepts the current
notice it reaches only the consent step (pages redirect there, the API answers 403
``consent_required``); the notice is required, being matched is optional; every decision is a
record with its version and time."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts.core import NOTICE_VERSION
from shuanggao.accounts.models import ConsentRecord, User
from shuanggao.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, create_user


def _records(session: Session, user_id: int) -> list[tuple[str, str, bool]]:
    session.expire_all()
    rows = session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)
    ).all()
    return [(r.purpose, r.notice_version, r.granted) for r in rows]


def test_api_first_sign_in_asks_for_consent(app: FastAPI, session: Session) -> None:
    user = create_user(session, "researcher", privacy_notice_version=None)
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as c:
        login = c.post(
            "/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}
        )
        assert login.status_code == 200 and login.json()["restriction"] == "consent"
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        blocked = c.get("/api/v1/zones")
        assert blocked.status_code == 403 and blocked.json()["error"] == "consent_required"
        refused = c.post("/api/v1/auth/consent", json={"processing": False}, headers=headers)
        assert refused.status_code == 422 and "processing" in refused.json()["fields"]
        assert _records(session, user.id) == []
        given = c.post(
            "/api/v1/auth/consent", json={"processing": True, "matching": False}, headers=headers
        )
        assert given.status_code == 200, given.text
        assert given.json()["accepted_version"] == NOTICE_VERSION
        assert given.json()["matching_allowed"] is False
        assert c.get("/api/v1/zones").status_code == 200
    assert _records(session, user.id) == [
        ("processing", NOTICE_VERSION, True),
        ("matching", NOTICE_VERSION, False),
    ]
    stored = session.get(User, user.id)
    assert stored is not None and stored.matching_opt_out is True
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))
    ).all()
    assert "consent" in events


def test_pages_redirect_to_the_notice_and_come_back(app: FastAPI, session: Session) -> None:
    user = create_user(session, "enterprise_user", privacy_notice_version=None)
    session.commit()
    html = {"Accept": "text/html"}
    with TestClient(app, raise_server_exceptions=False, headers=html) as c:
        c.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
        page = c.get("/r/demands", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/account/consent?next=%2Fr%2Fdemands"
        form = c.get(page.headers["location"])
        assert form.status_code == 200 and "个人信息处理规则" in form.text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form.text)
        assert token is not None
        missing = c.post(
            "/account/consent", data={"csrf_token": token.group(1), "next": "/r/demands"}
        )
        assert missing.status_code == 422
        done = c.post(
            "/account/consent",
            data={
                "csrf_token": token.group(1),
                "processing": "yes",
                "matching": "yes",
                "next": "/r/demands",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/r/demands"
        assert c.get("/r/demands", follow_redirects=False).status_code == 200
    assert _records(session, user.id) == [
        ("processing", NOTICE_VERSION, True),
        ("matching", NOTICE_VERSION, True),
    ]


def test_a_new_notice_version_asks_again(app: FastAPI, session: Session) -> None:
    user = create_user(session, "student", privacy_notice_version="2020.01")
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as c:
        login = c.post(
            "/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}
        )
        assert login.json()["restriction"] == "consent"
