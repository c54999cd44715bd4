"""Password hashing (argon2id) and the password policy.

Policy: at least ``MIN_LENGTH`` characters (no upper limit below ``MAX_LENGTH``, no truncation),
not on the shipped common-password list (``data/common-passwords.txt``, see ``data/README.md``),
not a local pattern (programme or place names) and not containing the username. Violations raise
``WeakPassword`` (code ``weak_password``) with a Chinese reason on the ``password`` field.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shuanggao.errors import AppError, ErrorCode

MIN_LENGTH = 10
MAX_LENGTH = 256

# Words that make a password easy to guess for this platform, in any case and spacing.
LOCAL_WORDS = (
    "shuanggao",
    "jiangsu",
    "nanjing",
    "suzhou",
    "wuxi",
    "gaoxin",
    "gaoxinqu",
    "password",
    "mima",
    "admin",
    "woaini",
    "qwerty",
    "abc123",
    "1234567",
)

# argon2id with argon2-cffi's defaults (RFC 9106 "second recommended option": t=3, m=64 MiB,
# p=4). Stored hashes made with other parameters are re-hashed at the next sign-in.
_hasher = PasswordHasher()
# Verified for unknown usernames so that both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing-equalisation")


def configure(hasher: PasswordHasher) -> PasswordHasher:
    """Swap the hasher (the test suite uses cheaper parameters); returns the previous one."""
    global _hasher, _DUMMY_HASH
    previous = _hasher
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("dummy-password-for-timing-equalisation")
    return previous


class WeakPassword(AppError):
    code = ErrorCode.WEAK_PASSWORD
    status = 422
    message = "密码强度不够。"


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    text = (
        resources.files("shuanggao.accounts")
        .joinpath("data/common-passwords.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def _squash(text: str) -> str:
    return re.sub(r"[\s._\-@#]+", "", text.casefold())


def weakness(password: str, username: str = "") -> str | None:
    """The reason a password is refused (Chinese), or None when it is acceptable."""
    pw = normalise(password)
    if len(pw) < MIN_LENGTH:
        return f"密码至少需要 {MIN_LENGTH} 个字符。"
    if len(pw) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符。"
    if pw.strip() != pw or not pw.strip():
        return "密码首尾不能是空格。"
    lowered = pw.casefold()
    if lowered in common_passwords() or _squash(pw) in common_passwords():
        return "该密码过于常见，容易被猜中，请换一个。"
    if len(set(lowered)) <= 3:
        return "密码的字符种类太少（如重复字符），请换一个。"
    name = _squash(username)
    if name and len(name) >= 3 and name in _squash(pw):
        return "密码不能包含用户名。"
    squashed = _squash(pw)
    for word in LOCAL_WORDS:
        if word in squashed and len(squashed) - len(word) < 6:
            return "密码主要由常见词语组成，容易被猜中，请换一个。"
    return None


def check_policy(password: str, username: str = "") -> None:
    reason = weakness(password, username)
    if reason is not None:
        raise WeakPassword(f"密码强度不够：{reason}", fields={"password": reason})


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not a hash exists: unknown users verify a dummy hash."""
    target = stored_hash or _DUMMY_HASH
    try:
        ok = _hasher.verify(target, normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker (older) argon2 parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
