"""账号管理 pages, through the real sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts.models import User
from shuanggao.zones.models import Zone
from tests.factories import TEST_PASSWORD, create_demand_enterprise, create_user

HTML = {"Accept": "text/html"}


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, headers=HTML) as c:
        yield c


def sign_in(browser: TestClient, user: User) -> str:
    resp = browser.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert resp.status_code == 200, resp.text  # followed the redirect to the home page
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', resp.text)
    assert match is not None
    return match.group(1)


def test_zone_admin_creates_an_enterprise_user_and_manages_it(
    browser: TestClient, session: Session
) -> None:
    admin = create_user(session, "zone_admin", is_demo=True)
    own = create_demand_enterprise(session, session.get(Zone, admin.zone_id))
    other = create_demand_enterprise(session)
    csrf = sign_in(browser, admin)
    page = browser.get("/users/new")
    assert (
        page.status_code == 200
        and "企业用户" in page.text
        and "高新区管理员</option>" not in page.text
    )
    foreign = browser.post(
        "/users/new",
        data={
            "csrf_token": csrf,
            "username": "ent.other",
            "role": "enterprise_user",
            "enterprise": other.credit_code,
            "password": "Harbor-紫金-Window-73",
        },
    )
    assert foreign.status_code == 403
    bad = browser.post(
        "/users/new",
        data={
            "csrf_token": csrf,
            "username": "ent.li",
            "role": "enterprise_user",
            "enterprise": "91320000XXXXXXXXX0",
            "password": "short",
        },
    )
    assert bad.status_code == 422 and "找不到统一社会信用代码" in bad.text
    ok = browser.post(
        "/users/new",
        data={
            "csrf_token": csrf,
            "username": "ent.li",
            "display_name": "李工",
            "role": "enterprise_user",
            "enterprise": own.credit_code,
            "password": "Harbor-紫金-Window-73",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/users"
    listing = browser.get("/users")
    assert "ent.li" in listing.text and "待改密码" in listing.text
    created = session.scalars(select(User).where(User.username == "ent.li")).one()
    assert created.enterprise_id == own.id and created.must_change_password
    off = browser.post(
        f"/users/{created.id}/active",
        data={"csrf_token": csrf, "active": "false"},
        follow_redirects=False,
    )
    assert off.status_code == 303
    session.expire_all()
    assert session.get(User, created.id).is_active is False  # type: ignore[union-attr]
    reset = browser.post(
        f"/users/{created.id}/password",
        data={"csrf_token": csrf, "new_password": "Another-长城-phrase-77"},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    session.expire_all()
    stored = session.get(User, created.id)
    assert stored is not None and passwords.verify_password(
        stored.password_hash, "Another-长城-phrase-77"
    )


def test_non_managers_have_no_user_pages(browser: TestClient, session: Session) -> None:
    user = create_user(session, "student")
    sign_in(browser, user)
    assert browser.get("/users").status_code == 403
    home = browser.get("/")
    assert 'href="/users"' not in home.text and 'href="/account/password"' in home.text
