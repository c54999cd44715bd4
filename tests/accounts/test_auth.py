"""Sign-in, sessions, CSRF, lockout, rate limit, TOTP and API tokens through the real API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts import crypto
from shuanggao.accounts.models import ApiToken, User, UserSession
from shuanggao.audit.models import AuditEvent
from shuanggao.db.types import utcnow
from tests.factories import TEST_PASSWORD, create_user


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def login(client: TestClient, username: str, password: str = TEST_PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password, **extra}
    )


def actions(session: Session, user_id: int | None = None) -> list[str]:
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if user_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == str(user_id))
    return [e.action for e in session.scalars(stmt)]


def test_sign_in_sets_a_hardened_session_cookie_and_returns_csrf(
    client: TestClient, session: Session
) -> None:
    user = create_user(session, "enterprise_user")
    resp = login(client, user.username)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["user"]["username"] == user.username
    assert body["user"]["role"] == "enterprise_user"
    assert body["restriction"] == ""
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith("sg_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = client.cookies["sg_session"]
    assert len(token) >= 43
    stored = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert [s.token_hash for s in stored] == [crypto.digest(token)]
    assert body["csrf_token"] == crypto.csrf_for("test-secret-key-" + "x" * 32, token)
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["id"] == user.id
    assert actions(session, user.id) == ["sign_in"]


def test_unsafe_request_needs_the_session_csrf_token(client: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    csrf = login(client, user.username).json()["csrf_token"]
    denied = client.post("/api/v1/auth/logout")
    assert denied.status_code == 403 and denied.json()["error"] == "csrf_failed"
    wrong = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200  # still signed in
    ok = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
    assert session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    assert actions(session, user.id) == ["sign_in", "sign_out"]


def test_csrf_token_accepted_as_form_field(client: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    csrf = login(client, user.username).json()["csrf_token"]
    resp = client.post("/api/v1/auth/logout", data={"csrf_token": csrf})
    assert resp.status_code == 204


def test_cross_origin_cookieless_post_is_refused(client: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    resp = client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": TEST_PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert resp.status_code == 403 and resp.json()["error"] == "csrf_failed"
    assert actions(session, user.id) == []


def test_five_failures_lock_the_account_with_the_unknown_user_message(
    client: TestClient, session: Session
) -> None:
    user = create_user(session, "enterprise_user")
    unknown = login(client, "nobody-here", "Wrong-password-1")
    assert unknown.status_code == 401
    for _ in range(5):
        resp = login(client, user.username, "Wrong-password-1")
        assert resp.status_code == 401
        assert resp.json() == unknown.json()
    session.expire_all()
    locked = session.get(User, user.id)
    assert locked is not None and locked.locked_until is not None
    minutes = (locked.locked_until - utcnow()).total_seconds() / 60
    assert 29 < minutes <= 30
    # Even the right password is refused while locked, with the same answer.
    resp = login(client, user.username)
    assert resp.status_code == 401 and resp.json() == unknown.json()
    assert actions(session, user.id) == ["sign_in_failed"] * 5 + ["lockout", "sign_in_failed"]
    # 30 minutes later the lock has expired.
    locked.locked_until = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    assert login(client, user.username).status_code == 200


def test_sign_in_attempts_are_rate_limited_per_ip(app: FastAPI, session: Session) -> None:
    app.state.settings.login_rate_limit = 3
    from shuanggao.accounts.ratelimit import SlidingWindowLimiter

    app.state.login_limiter = SlidingWindowLimiter(3, 300)
    with TestClient(app) as client:
        for _ in range(3):
            assert login(client, "ghost", "Wrong-password-1").status_code == 401
        resp = login(client, "ghost", "Wrong-password-1")
    assert resp.status_code == 429
    assert resp.json()["error"] == "rate_limited"
    assert 1 <= int(resp.headers["retry-after"]) <= 300


def test_session_rotates_at_sign_in_and_old_token_dies(
    client: TestClient, session: Session
) -> None:
    user = create_user(session, "enterprise_user")
    login(client, user.username)
    first = client.cookies["sg_session"]
    csrf = client.get("/api/v1/auth/me").json()["csrf_token"]
    resp = client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": TEST_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 200
    second = client.cookies["sg_session"]
    assert second != first
    hashes = [s.token_hash for s in session.scalars(select(UserSession))]
    assert crypto.digest(first) not in hashes and crypto.digest(second) in hashes


def test_idle_session_expires(client: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    login(client, user.username)
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    row.last_seen_at = utcnow() - dt.timedelta(minutes=29)
    session.flush()
    assert client.get("/api/v1/auth/me").status_code == 200  # activity extends it
    session.expire_all()
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    row.last_seen_at = utcnow() - dt.timedelta(minutes=30, seconds=1)
    session.flush()
    resp = client.get("/api/v1/auth/me")
    assert resp.status_code == 401
    assert 'sg_session=""' in resp.headers["set-cookie"]
    assert session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []


def test_disabled_user_loses_session_immediately(client: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    login(client, user.username)
    user.is_active = False
    session.flush()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_totp_is_required_once_enrolled_and_codes_are_single_use(
    client: TestClient, session: Session
) -> None:
    secret = pyotp.random_base32()
    user = create_user(session, "zone_admin", totp_secret=secret)
    resp = login(client, user.username)
    assert resp.status_code == 401 and resp.json()["error"] == "second_factor_required"
    assert "sg_session" not in client.cookies
    code = pyotp.TOTP(secret).now()
    ok = login(client, user.username, totp=code)
    assert ok.status_code == 200 and ok.json()["restriction"] == ""
    client.cookies.clear()
    replay = login(client, user.username, totp=code)
    assert replay.status_code == 401 and replay.json()["error"] == "second_factor_required"
    assert actions(session, user.id) == ["sign_in", "sign_in_failed"]


def test_admin_must_enrol_totp_before_anything_else(client: TestClient, session: Session) -> None:
    user = create_user(session, "province_admin")
    body = login(client, user.username).json()
    assert body["restriction"] == "totp"
    headers = {"X-CSRF-Token": body["csrf_token"]}
    blocked = client.get("/api/v1/zones")
    assert blocked.status_code == 403 and blocked.json()["error"] == "totp_enrolment_required"
    page = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/account/totp"
    wrong_pw = client.post("/api/v1/auth/totp/enrol", json={"password": "x" * 12}, headers=headers)
    assert wrong_pw.status_code == 422
    enrol = client.post(
        "/api/v1/auth/totp/enrol", json={"password": TEST_PASSWORD}, headers=headers
    )
    assert enrol.status_code == 200
    secret = enrol.json()["secret"]
    assert enrol.json()["otpauth_uri"].startswith("otpauth://totp/")
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored is not None and secret not in (stored.totp_secret_enc or "")
    bad = client.post("/api/v1/auth/totp/confirm", json={"code": "000000"}, headers=headers)
    assert bad.status_code == 422
    good = client.post(
        "/api/v1/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=headers
    )
    assert good.status_code == 200 and good.json()["restriction"] == ""
    assert client.get("/api/v1/zones").status_code == 200
    assert actions(session, user.id)[-1] == "totp_enrol"


def test_demo_admin_is_exempt_from_totp_enrolment(client: TestClient, session: Session) -> None:
    user = create_user(session, "province_admin", is_demo=True)
    assert login(client, user.username).json()["restriction"] == ""
    assert client.get("/api/v1/zones").status_code == 200


def test_forced_password_change(client: TestClient, session: Session) -> None:
    user = create_user(session, "researcher", must_change_password=True)
    body = login(client, user.username).json()
    assert body["restriction"] == "password"
    headers = {"X-CSRF-Token": body["csrf_token"]}
    blocked = client.get("/api/v1/zones")
    assert blocked.status_code == 403 and blocked.json()["error"] == "password_change_required"
    weak = client.post(
        "/api/v1/auth/password",
        json={"current_password": TEST_PASSWORD, "new_password": "password123"},
        headers=headers,
    )
    assert weak.status_code == 422 and weak.json()["error"] == "weak_password"
    old_cookie = client.cookies["sg_session"]
    resp = client.post(
        "/api/v1/auth/password",
        json={"current_password": TEST_PASSWORD, "new_password": "Another-长城-phrase-77"},
        headers=headers,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["restriction"] == ""
    assert client.cookies["sg_session"] != old_cookie
    assert client.get("/api/v1/zones").status_code == 200
    client.cookies.clear()
    assert login(client, user.username).status_code == 401
    assert login(client, user.username, "Another-长城-phrase-77").status_code == 200


def test_api_token_authenticates_without_csrf_and_can_be_revoked(
    client: TestClient, session: Session
) -> None:
    user = create_user(session, "province_admin", is_demo=True)
    csrf = login(client, user.username).json()["csrf_token"]
    created = client.post(
        "/api/v1/auth/tokens", json={"name": "数据同步"}, headers={"X-CSRF-Token": csrf}
    )
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("sg_")
    with TestClient(client.app) as bare:  # type: ignore[arg-type]
        auth = {"Authorization": f"Bearer {raw}"}
        assert bare.get("/api/v1/auth/me", headers=auth).json()["user"]["id"] == user.id
        resp = bare.post(
            "/api/v1/zones",
            json={"name": "令牌测试区", "level": "national", "city": "南京市"},
            headers=auth,
        )
        assert resp.status_code == 201, resp.text
        revoke = client.delete(
            f"/api/v1/auth/tokens/{created.json()['id']}", headers={"X-CSRF-Token": csrf}
        )
        assert revoke.status_code == 204
        assert bare.get("/api/v1/auth/me", headers=auth).status_code == 401
        assert (
            bare.get("/api/v1/auth/me", headers={"Authorization": "Bearer sg_x"}).status_code == 401
        )


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/api/v1/auth/me", "/api/v1/nothing-here"):
        resp = client.get(path)
        assert resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
        assert "script-src 'self';" in resp.headers["content-security-policy"]
        assert "camera=()" in resp.headers["permissions-policy"]
        assert resp.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in resp.headers


def test_hsts_and_secure_host_cookie_when_cookie_secure(app: FastAPI, session: Session) -> None:
    app.state.settings.cookie_secure = True
    user = create_user(session, "enterprise_user")
    with TestClient(app, base_url="https://testserver") as client:
        resp = login(client, user.username)
        assert resp.status_code == 200
        assert resp.headers["strict-transport-security"].startswith("max-age=31536000")
        cookie = resp.headers["set-cookie"]
        assert cookie.startswith("__Host-sg_session=") and "Secure" in cookie
        assert client.get("/api/v1/auth/me").status_code == 200


def test_login_csrf_uses_fetch_metadata_then_origin(client: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    body = {"username": user.username, "password": TEST_PASSWORD}
    cross = client.post("/api/v1/auth/login", json=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    # Behind a proxy that rewrites Host, a same-origin browser request still signs in.
    same = client.post(
        "/api/v1/auth/login",
        json=body,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "https://platform.example"},
    )
    assert same.status_code == 200
    client.cookies.clear()
    null_origin = client.post("/api/v1/auth/login", json=body, headers={"Origin": "null"})
    assert null_origin.status_code == 403


def test_wrong_totp_codes_count_towards_the_lockout(client: TestClient, session: Session) -> None:
    secret = pyotp.random_base32()
    user = create_user(session, "university_admin", totp_secret=secret)
    for _ in range(4):
        resp = login(client, user.username, totp="000000")
        assert resp.status_code == 401 and resp.json()["error"] == "second_factor_required"
    fifth = login(client, user.username, totp="000000")
    assert fifth.status_code == 401
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored is not None and stored.locked_until is not None
    locked = login(client, user.username, totp=pyotp.TOTP(secret).now())
    assert locked.status_code == 401 and locked.json()["error"] == "bad_credentials"
    assert actions(session, user.id).count("lockout") == 1


def test_auditor_cannot_mint_an_api_token(client: TestClient, session: Session) -> None:
    auditor = create_user(session, "auditor", is_demo=True)
    csrf = login(client, auditor.username).json()["csrf_token"]
    refused = client.post(
        "/api/v1/auth/tokens", json={"name": "审计导出"}, headers={"X-CSRF-Token": csrf}
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "forbidden"
    assert session.scalars(select(ApiToken).where(ApiToken.user_id == auditor.id)).all() == []
    assert "token_create" not in actions(session)
    assert client.get("/api/v1/auth/tokens").json() == []
