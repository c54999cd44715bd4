"""The sign-in pages: password, TOTP step, sign-out, forced password change, TOTP enrolment."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import User, UserSession
from tests.factories import TEST_PASSWORD, create_user

HTML = {"Accept": "text/html"}


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, headers=HTML) as c:
        yield c


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]*)"', html)
    assert match is not None
    return match.group(1)


def test_sign_in_page_flow_and_sign_out(browser: TestClient, session: Session) -> None:
    user = create_user(session, "enterprise_user")
    page = browser.get("/login")
    assert page.status_code == 200 and "登录双高协同平台" in page.text
    wrong = browser.post("/login", data={"username": user.username, "password": "nope-nope-nope"})
    assert wrong.status_code == 401 and 'id="login-error"' in wrong.text
    ok = browser.post(
        "/login",
        data={"username": user.username, "password": TEST_PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    home = browser.get("/")
    assert home.status_code == 200 and user.username in home.text
    csrf = csrf_of(home.text)
    no_token = browser.post("/logout", follow_redirects=False)
    assert no_token.status_code == 403
    out = browser.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    again = browser.get("/", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_totp_step_page(browser: TestClient, session: Session) -> None:
    secret = pyotp.random_base32()
    user = create_user(session, "university_admin", totp_secret=secret)
    step1 = browser.post(
        "/login",
        data={"username": user.username, "password": TEST_PASSWORD, "next": "/r/zones"},
        follow_redirects=False,
    )
    assert step1.status_code == 303 and step1.headers["location"] == "/login/totp?next=/r/zones"
    # The pending session is not signed in yet.
    assert browser.get("/api/v1/auth/me").status_code == 401
    form = browser.get("/login/totp?next=/r/zones")
    assert form.status_code == 200
    csrf = csrf_of(form.text)
    bad = browser.post(
        "/login/totp", data={"code": "123456", "csrf_token": csrf, "next": "/r/zones"}
    )
    assert bad.status_code == 401 and 'id="totp-error"' in bad.text
    good = browser.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf, "next": "/r/zones"},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == "/r/zones"
    me = browser.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["id"] == user.id
    stages = [
        s.stage for s in session.scalars(select(UserSession).where(UserSession.user_id == user.id))
    ]
    assert stages == ["full"]


def test_forced_password_change_page(browser: TestClient, session: Session) -> None:
    user = create_user(session, "student", must_change_password=True)
    browser.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    redirect = browser.get("/", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/account/password"
    form = browser.get("/account/password")
    csrf = csrf_of(form.text)
    mismatch = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": TEST_PASSWORD,
            "new_password": "Spring-燕子-river-88",
            "confirm_password": "Spring-燕子-river-89",
        },
    )
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.text
    common = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": TEST_PASSWORD,
            "new_password": "1234567890",
            "confirm_password": "1234567890",
        },
    )
    assert common.status_code == 422 and "过于常见" in common.text
    done = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": TEST_PASSWORD,
            "new_password": "Spring-燕子-river-88",
            "confirm_password": "Spring-燕子-river-88",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert browser.get("/", follow_redirects=False).status_code == 200
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored is not None and stored.must_change_password is False


def test_totp_enrolment_page(browser: TestClient, session: Session) -> None:
    user = create_user(session, "zone_admin")
    browser.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert browser.get("/", follow_redirects=False).headers["location"] == "/account/totp"
    page = browser.get("/account/totp")
    csrf = csrf_of(page.text)
    started = browser.post(
        "/account/totp", data={"csrf_token": csrf, "step": "start", "password": TEST_PASSWORD}
    )
    assert started.status_code == 200
    match = re.search(r'id="totp-secret">([A-Z2-7]+)<', started.text)
    assert match is not None
    code = pyotp.TOTP(match.group(1)).now()
    done = browser.post(
        "/account/totp",
        data={"csrf_token": csrf, "step": "confirm", "code": code},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert browser.get("/", follow_redirects=False).status_code == 200


def test_an_office_signs_in_many_people_from_one_address_but_guessing_still_stops(
    app: FastAPI, browser: TestClient, session: Session
) -> None:
    from shuanggao.accounts.ratelimit import SlidingWindowLimiter

    app.state.login_limiter = SlidingWindowLimiter(3, 300)
    people = [create_user(session, role) for role in ("enterprise_user", "researcher") * 4]
    for user in people:  # eight sign-ins from one address, more than the limit of 3
        browser.cookies.clear()  # the next person at the next desk
        ok = browser.post(
            "/login",
            data={"username": user.username, "password": TEST_PASSWORD},
            follow_redirects=False,
        )
        assert ok.status_code == 303, (user.username, ok.status_code)
    browser.cookies.clear()
    for _ in range(3):
        wrong = browser.post("/login", data={"username": "ghost", "password": "nope-nope-nope"})
        assert wrong.status_code == 401
    limited = browser.post(
        "/login", data={"username": people[0].username, "password": TEST_PASSWORD}
    )
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 300


def test_the_limiter_counts_failures_only() -> None:
    from shuanggao.accounts.ratelimit import SlidingWindowLimiter

    now = [1000.0]
    limiter = SlidingWindowLimiter(2, 60, clock=lambda: now[0])
    assert [limiter.wait("ip") for _ in range(5)] == [None] * 5
    limiter.record("ip")
    assert limiter.wait("ip") is None
    limiter.record("ip")
    assert limiter.wait("ip") == 60
    now[0] += 30
    assert limiter.wait("ip") == 30
    now[0] += 30
    assert limiter.wait("ip") is None
