"""Password policy and argon2 hashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts.models import User
from tests.factories import create_user


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-9ch", "密码至少需要 10 个字符。"),
        ("1234567890", "该密码过于常见，容易被猜中，请换一个。"),
        ("qwertyuiop", "该密码过于常见，容易被猜中，请换一个。"),
        ("Password123", "该密码过于常见，容易被猜中，请换一个。"),
        ("aaaaaaaaaaaa", "密码的字符种类太少（如重复字符），请换一个。"),
        ("ababababab", "密码的字符种类太少（如重复字符），请换一个。"),
        ("wang.ming-Secure-99", "密码不能包含用户名。"),
        ("Shuanggao2025", "密码主要由常见词语组成，容易被猜中，请换一个。"),
        (" leading-space-pw", "密码首尾不能是空格。"),
        ("x" * 257, "密码不能超过 256 个字符。"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, reason: str) -> None:
    assert passwords.weakness(password, "Wang.Ming") == reason
    with pytest.raises(passwords.WeakPassword) as err:
        passwords.check_policy(password, "Wang.Ming")
    assert err.value.code == "weak_password"
    assert err.value.fields == {"password": reason}


@pytest.mark.parametrize(
    "password",
    ["Kx7-梧桐-lantern-42", "correct horse battery staple", "紫金山下的清晨散步走", "xyz1" * 64],
)
def test_good_passwords_pass(password: str) -> None:
    assert passwords.weakness(password, "wang.ming") is None


def test_common_list_is_shipped() -> None:
    common = passwords.common_passwords()
    assert len(common) == 19640
    assert {"123456", "password", "qwertyuiop", "1q2w3e4r5t"} <= common


def test_production_hash_parameters() -> None:
    production = PasswordHasher()
    stored = production.hash("Kx7-梧桐-lantern-42")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    previous = passwords.configure(production)
    try:
        assert passwords.verify_password(stored, "Kx7-梧桐-lantern-42")
        assert not passwords.verify_password(stored, "Kx7-梧桐-lantern-43")
        assert not passwords.verify_password(None, "anything-at-all")
        assert not passwords.needs_rehash(stored)
        assert passwords.needs_rehash(PasswordHasher(time_cost=1, memory_cost=8192).hash("a"))
    finally:
        passwords.configure(previous)


def test_a_long_password_is_not_truncated() -> None:
    long = "长" * 200 + "A"
    stored = passwords.hash_password(long)
    assert passwords.verify_password(stored, long)
    assert not passwords.verify_password(stored, "长" * 200 + "B")


def test_sign_in_rehashes_weaker_hashes(app: object, session: Session) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    user = create_user(session, "enterprise_user")
    user.password_hash = weak.hash("Kx7-梧桐-lantern-42")
    session.flush()
    with TestClient(app) as client:  # type: ignore[arg-type]
        resp = client.post(
            "/api/v1/auth/login",
            json={"username": user.username, "password": "Kx7-梧桐-lantern-42"},
        )
    assert resp.status_code == 200
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored is not None and "m=1024" not in stored.password_hash
    assert passwords.verify_password(stored.password_hash, "Kx7-梧桐-lantern-42")
