"""AUTH-02: no reuse of the current password or the last 5, and context words in passwords."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts.models import PasswordHistory, User
from tests.factories import TEST_PASSWORD, create_university, create_user

# P0 is the factory password; P1..P6 are set one after the other through the API.
CHAIN = [TEST_PASSWORD] + [f"History-梧桐-pass-{i}{i}" for i in range(1, 7)]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def change(client: TestClient, csrf: str, current: str, new: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/password",
        json={"current_password": current, "new_password": new},
        headers={"X-CSRF-Token": csrf},
    )


def stored(session: Session, user_id: int) -> User:
    session.expire_all()
    user = session.get(User, user_id)
    assert user is not None
    return user


def history(session: Session, user_id: int) -> list[str]:
    session.expire_all()
    stmt = select(PasswordHistory).where(PasswordHistory.user_id == user_id)
    return [h.password_hash for h in session.scalars(stmt.order_by(PasswordHistory.id))]


def test_change_password_refuses_current_and_last_five_and_accepts_the_sixth_oldest(
    client: TestClient, session: Session
) -> None:
    user = create_user(session, "researcher")
    resp = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}
    )
    csrf = resp.json()["csrf_token"]
    for current, new in itertools.pairwise(CHAIN):
        resp = change(client, csrf, current, new)
        assert resp.status_code == 200, resp.text
        csrf = resp.json()["csrf_token"]
    # The current password (P6) and the five before it (P1..P5) are refused.
    current = CHAIN[-1]
    hash_before = stored(session, user.id).password_hash
    kept = history(session, user.id)
    assert len(kept) == passwords.HISTORY_SIZE == 5
    assert all(h.startswith("$argon2id$") for h in kept)
    assert not any(p in h for h in kept for p in CHAIN)
    for old in CHAIN[1:]:
        refused = change(client, csrf, current, old)
        assert refused.status_code == 422, old
        body = refused.json()
        assert body["error"] == "password_reused"
        assert body["fields"] == {"password": passwords.REUSED_REASON}
        assert stored(session, user.id).password_hash == hash_before
    assert history(session, user.id) == kept
    # P0 was six passwords ago: it fell out of the history and may be chosen again.
    accepted = change(client, csrf, current, CHAIN[0])
    assert accepted.status_code == 200, accepted.text
    after = history(session, user.id)
    assert len(after) == 5
    assert after[:-1] == kept[1:] and after[-1] == hash_before
    assert passwords.verify_password(stored(session, user.id).password_hash, CHAIN[0])


def test_administrator_reset_refuses_a_recent_password(
    admin_client: TestClient, session: Session
) -> None:
    user = create_user(session, "student")
    same = admin_client.post(
        f"/api/v1/users/{user.id}/password", json={"new_password": TEST_PASSWORD}
    )
    assert same.status_code == 422 and same.json()["error"] == "password_reused"
    assert history(session, user.id) == []
    ok = admin_client.post(f"/api/v1/users/{user.id}/password", json={"new_password": CHAIN[1]})
    assert ok.status_code == 200, ok.text
    assert len(history(session, user.id)) == 1
    # The previous password is now in the history: resetting back to it is refused too.
    back = admin_client.post(
        f"/api/v1/users/{user.id}/password", json={"new_password": TEST_PASSWORD}
    )
    assert back.status_code == 422 and back.json()["error"] == "password_reused"
    assert passwords.verify_password(stored(session, user.id).password_hash, CHAIN[1])


def test_password_page_shows_reuse_on_the_new_password_field(
    app: FastAPI, session: Session
) -> None:
    user = create_user(session, "enterprise_user")
    with TestClient(app, raise_server_exceptions=False, headers={"Accept": "text/html"}) as b:
        b.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
        form = b.get("/account/password")
        match = re.search(r'name="csrf_token" value="([0-9a-f]*)"', form.text)
        assert match is not None
        resp = b.post(
            "/account/password",
            data={
                "csrf_token": match.group(1),
                "current_password": TEST_PASSWORD,
                "new_password": TEST_PASSWORD,
                "confirm_password": TEST_PASSWORD,
            },
        )
    assert resp.status_code == 422
    field = re.search(r'id="f-new_password-error" role="alert">([^<]*)<', resp.text)
    assert field is not None and field.group(1) == passwords.REUSED_REASON


CONTEXT = "密码不能包含您的姓名或所在单位名称。"
LOCAL = "密码主要由常见词语组成，容易被猜中，请换一个。"


@pytest.mark.parametrize(
    ("password", "context"),
    [
        ("紫金理工学院2024!xy", "紫金理工学院"),
        ("Zhang.Wei-lantern-42", "zhang wei"),
        ("张伟-lantern-42-river", "张伟"),
    ],
)
def test_context_words_are_refused(password: str, context: str) -> None:
    assert passwords.weakness(password, "u1") is None
    assert passwords.weakness(password, "u1", ["", context]) == CONTEXT


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("双高江苏2025!!", LOCAL),
        ("Jiangsu-2025-!!", LOCAL),
        ("shuanggao@nanjing#1", LOCAL),
        ("江苏-紫金山下的清晨散步", None),
        ("jiangsu-lantern-river", None),
    ],
)
def test_local_words_in_chinese_and_pinyin(password: str, reason: str | None) -> None:
    assert passwords.weakness(password, "u1") == reason


def test_short_context_words_are_ignored() -> None:
    assert passwords.weakness("Kx7-梧桐-lantern-42", "u1", ["", "K", "x7"]) is None


def test_create_user_refuses_the_organisation_name(
    admin_client: TestClient, session: Session
) -> None:
    uni = create_university(session, name="金陵科技学院")
    resp = admin_client.post(
        "/api/v1/users",
        json={
            "username": "li.lei",
            "role": "researcher",
            "university_id": uni.id,
            "password": "金陵科技学院-lantern-42",
        },
    )
    assert resp.status_code == 422 and resp.json()["error"] == "weak_password"
    assert session.scalar(select(User).where(User.username == "li.lei")) is None
