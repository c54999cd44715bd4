"""Cheaper argon2id parameters for the accounts, audit and security tests.

Production uses argon2-cffi's defaults (t=3, m=64 MiB, p=4: about 0.1 s per verification on an
idle core, much more on a loaded 2-core CI machine). The tests exercise the same code with
t=1, m=8 MiB, p=1; ``test_passwords.py`` checks the production parameters themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from shuanggao.accounts import passwords


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    previous = passwords.configure(PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    yield
    passwords.configure(previous)
