"""AUTH-05 recovery codes: single use, regenerated only after re-authentication, stored only as
salted keyed digests, wrong ones counted towards the lockout like wrong TOTP codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts import service as accounts
from shuanggao.accounts.models import RecoveryCode, User
from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.db.base import Base
from tests.conftest import ClientFor
from tests.factories import TEST_PASSWORD, create_user

CODE = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def enrolled(session: Session, role: str = "zone_admin") -> Any:
    return create_user(session, role, totp_secret=pyotp.random_base32())


def generate(client_for: ClientFor, user: Any, password: str = TEST_PASSWORD) -> Any:
    return client_for(user.actor()).post("/api/v1/auth/recovery-codes", json={"password": password})


def login(client: TestClient, user: Any, **extra: str) -> Any:
    client.cookies.clear()
    return client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": TEST_PASSWORD, **extra},
    )


def remaining(session: Session, user_id: int) -> int:
    session.expire_all()
    rows = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all()
    return sum(1 for r in rows if r.used_at is None)


def actions(session: Session, user_id: int) -> list[str]:
    stmt = select(AuditEvent).where(AuditEvent.entity_id == str(user_id)).order_by(AuditEvent.id)
    return [e.action for e in session.scalars(stmt)]


def test_generate_shows_ten_codes_once_and_counts_them(
    client_for: ClientFor, session: Session
) -> None:
    user = enrolled(session)
    resp = generate(client_for, user)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    codes = body["codes"]
    assert len(codes) == 10 == len(set(codes)) and body["remaining"] == 10
    assert all(CODE.match(c) for c in codes)
    status = client_for(user.actor()).get("/api/v1/auth/recovery-codes")
    assert status.status_code == 200
    assert status.json() == {"totp_enabled": True, "remaining": 10}
    assert actions(session, user.id) == ["recovery_codes_generate"]


def test_recovery_code_signs_in_once_and_replay_is_refused(
    client: TestClient, client_for: ClientFor, session: Session
) -> None:
    user = enrolled(session)
    codes = generate(client_for, user).json()["codes"]
    ok = login(client, user, recovery_code=codes[0])
    assert ok.status_code == 200, ok.text
    assert ok.json()["user"]["id"] == user.id and ok.json()["restriction"] == ""
    assert client.get("/api/v1/auth/me").status_code == 200
    assert remaining(session, user.id) == 9
    replay = login(client, user, recovery_code=codes[0])
    assert replay.status_code == 401 and replay.json()["error"] == "second_factor_required"
    assert "sg_session" not in client.cookies
    # Typed in lower case, without hyphens, with spaces: the same code.
    loose = codes[1].lower().replace("-", " ")
    assert login(client, user, recovery_code=loose).status_code == 200
    assert remaining(session, user.id) == 8
    assert actions(session, user.id) == [
        "recovery_codes_generate",
        "recovery_code_use",
        "sign_in",
        "sign_in_failed",
        "recovery_code_use",
        "sign_in",
    ]
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored is not None and stored.failed_count == 0


def test_a_password_alone_still_needs_the_second_factor(
    client: TestClient, client_for: ClientFor, session: Session
) -> None:
    user = enrolled(session)
    generate(client_for, user)
    resp = login(client, user)
    assert resp.status_code == 401 and resp.json()["error"] == "second_factor_required"
    wrong_password = client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": "Wrong-梧桐-42-x", "recovery_code": "x"},
    )
    assert wrong_password.status_code == 401 and wrong_password.json()["error"] == "bad_credentials"
    assert remaining(session, user.id) == 10


def test_regenerate_needs_the_password_and_invalidates_the_old_codes(
    client: TestClient, client_for: ClientFor, session: Session
) -> None:
    user = enrolled(session)
    old = generate(client_for, user).json()["codes"]
    assert login(client, user, recovery_code=old[0]).status_code == 200
    hashes = {r.code_hash for r in session.scalars(select(RecoveryCode))}
    wrong = generate(client_for, user, "Not-the-password-42")
    assert wrong.status_code == 422 and wrong.json()["fields"] == {"password": "当前密码不正确"}
    session.expire_all()
    assert {r.code_hash for r in session.scalars(select(RecoveryCode))} == hashes
    new = generate(client_for, user).json()["codes"]
    assert not set(new) & set(old)
    assert remaining(session, user.id) == 10
    for code in old[1:3]:
        resp = login(client, user, recovery_code=code)
        assert resp.status_code == 401 and resp.json()["error"] == "second_factor_required"
    assert login(client, user, recovery_code=new[0]).status_code == 200
    generated = [e for e in session.scalars(select(AuditEvent)) if e.entity_id == str(user.id)]
    regen = [e for e in generated if e.action == "recovery_codes_generate"]
    assert [e.before for e in regen] == [{"recovery_codes_left": 0}, {"recovery_codes_left": 9}]


def test_codes_need_an_enrolled_authenticator(client_for: ClientFor, session: Session) -> None:
    user = create_user(session, "researcher")
    resp = generate(client_for, user)
    assert resp.status_code == 422 and resp.json()["error"] == "validation_error"
    assert remaining(session, user.id) == 0
    status = client_for(user.actor()).get("/api/v1/auth/recovery-codes").json()
    assert status == {"totp_enabled": False, "remaining": 0}


def test_codes_are_not_stored_or_logged_in_plaintext(
    client: TestClient, client_for: ClientFor, session: Session
) -> None:
    user = enrolled(session)
    codes = generate(client_for, user).json()["codes"]
    assert login(client, user, recovery_code=codes[0]).status_code == 200
    session.expire_all()
    dump: list[str] = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            dump.append(" ".join(str(v) for v in row))
    text = "\n".join(dump).upper()
    assert any("RECOVERY_CODE" in line.upper() or "恢复码" in line for line in dump)
    for code in codes:
        assert code not in text and code.replace("-", "") not in text
    rows = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(rows) == 10 and len({r.salt for r in rows}) == 10
    assert all(re.fullmatch(r"[0-9a-f]{64}", r.code_hash) for r in rows)


def test_wrong_recovery_codes_count_towards_the_lockout(
    client: TestClient, client_for: ClientFor, session: Session
) -> None:
    user = enrolled(session, "university_admin")
    codes = generate(client_for, user).json()["codes"]
    for i in range(4):
        resp = login(client, user, recovery_code=f"AAAA-BBBB-CCCC-DDD{i + 2}")
        assert resp.status_code == 401 and resp.json()["error"] == "second_factor_required"
    fifth = login(client, user, recovery_code="not-a-code")
    assert fifth.status_code == 401
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored is not None and stored.locked_until is not None
    locked = login(client, user, recovery_code=codes[0])
    assert locked.status_code == 401 and locked.json()["error"] == "bad_credentials"
    assert remaining(session, user.id) == 10
    assert actions(session, user.id).count("lockout") == 1


def test_wrong_recovery_codes_are_rate_limited_per_ip(
    app: FastAPI, client_for: ClientFor, session: Session
) -> None:
    from shuanggao.accounts.ratelimit import SlidingWindowLimiter

    users = [enrolled(session, "researcher") for _ in range(2)]
    codes = generate(client_for, users[0]).json()["codes"]
    app.state.login_limiter = SlidingWindowLimiter(3, 300)
    with TestClient(app) as c:
        for user in users + users[:1]:
            assert login(c, user, recovery_code="AAAA-BBBB-CCCC-DDDD").status_code == 401
        limited = login(c, users[0], recovery_code=codes[0])
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited"
    assert remaining(session, users[0].id) == 10


def test_resetting_the_authenticator_removes_the_codes(
    client_for: ClientFor, province: Actor, session: Session
) -> None:
    user = enrolled(session, "enterprise_user")
    generate(client_for, user)
    assert remaining(session, user.id) == 10
    # client_for overrides the actor app-wide: the administrator's client comes last.
    # Resetting an authenticator is the security administrator's (三权分立), not the province's.
    denied = client_for(province).patch(f"/api/v1/users/{user.id}", json={"reset_totp": True})
    assert denied.status_code == 403 and remaining(session, user.id) == 10
    security = Actor(role=Role.SECURITY_ADMIN, user_id=990, username="sec")
    resp = client_for(security).patch(f"/api/v1/users/{user.id}", json={"reset_totp": True})
    assert resp.status_code == 200, resp.text
    assert remaining(session, user.id) == 0


def test_codes_through_the_pages(app: FastAPI, session: Session) -> None:
    user = enrolled(session, "researcher")
    html = {"Accept": "text/html"}

    def csrf_of(text: str) -> str:
        match = re.search(r'name="csrf_token" value="([0-9a-f]*)"', text)
        assert match is not None
        return match.group(1)

    codes = accounts.generate_recovery_codes(
        session, app.state.settings, session.get(User, user.id), TEST_PASSWORD, ip=None
    )
    with TestClient(app, raise_server_exceptions=False, headers=html) as b:
        b.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
        step = b.get("/login/totp")
        assert 'name="recovery_code"' in step.text
        csrf = csrf_of(step.text)
        bad = b.post("/login/totp", data={"csrf_token": csrf, "recovery_code": "AAAA-BBBB"})
        assert bad.status_code == 401 and 'id="totp-error"' in bad.text
        good = b.post(
            "/login/totp",
            data={"csrf_token": csrf, "recovery_code": codes[0]},
            follow_redirects=False,
        )
        assert good.status_code == 303 and good.headers["location"] == "/"
        page = b.get("/account/recovery-codes")
        assert page.status_code == 200
        assert re.search(r'id="recovery-remaining">[^<]*<strong>9</strong>', page.text)
        assert not any(code in page.text for code in codes)
        csrf = csrf_of(page.text)
        wrong = b.post(
            "/account/recovery-codes", data={"csrf_token": csrf, "password": "Wrong-pass-4242"}
        )
        assert wrong.status_code == 422 and 'id="f-password-error"' in wrong.text
        made = b.post(
            "/account/recovery-codes", data={"csrf_token": csrf, "password": TEST_PASSWORD}
        )
        assert made.status_code == 200
        shown = re.findall(r"<li><code>([A-Z2-7-]{19})</code></li>", made.text)
        assert len(shown) == 10 and not set(shown) & set(codes)
        assert "no-store" in made.headers["cache-control"]
        again = b.get("/account/recovery-codes")
        assert not any(code in again.text for code in shown)
        assert re.search(r'id="recovery-remaining">[^<]*<strong>10</strong>', again.text)
    assert remaining(session, user.id) == 10
