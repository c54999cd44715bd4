"""Password hashing (argon2id) and the password policy.

Policy: at least ``MIN_LENGTH`` characters (no upper limit below ``MAX_LENGTH``, no truncation),
not on the shipped common-password list (``data/common-passwords.txt``, see ``data/README.md``),
not a local pattern (programme or place names, in pinyin or Chinese), not containing the
username, and not containing the account's context words (display name, organisation name).
Violations raise ``WeakPassword`` (code ``weak_password``) with a Chinese reason on the
``password`` field.

Reuse: a new password may not verify against the current hash nor any of the last
``HISTORY_SIZE`` earlier ones (``PasswordReused``, code ``password_reused``); the service keeps
the history (``PasswordHistory``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shuanggao.errors import AppError, ErrorCode

MIN_LENGTH = 10
MAX_LENGTH = 256
# How many earlier passwords (besides the current one) a new password may not repeat.
HISTORY_SIZE = 5

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
    "xietong",
    "江苏",
    "双高",
    "协同平台",
    "南京",
    "苏州",
    "无锡",
    "高新区",
    "密码",
    "管理员",
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


REUSED_REASON = f"新密码不能与最近 {HISTORY_SIZE} 次使用过的密码（含当前密码）相同"


class PasswordReused(AppError):
    code = ErrorCode.PASSWORD_REUSED
    status = 422
    message = f"{REUSED_REASON}，请换一个。"

    def __init__(self) -> None:
        super().__init__(fields={"password": REUSED_REASON})


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


def _context_word_in(word: str, squashed_password: str) -> bool:
    """A context word (display or organisation name) long enough to matter, inside the password.

    ASCII words count from 3 characters, words with Chinese characters from 2 (a two-character
    name is already a specific guess).
    """
    w = _squash(word)
    minimum = 3 if w.isascii() else 2
    return len(w) >= minimum and w in squashed_password


def weakness(password: str, username: str = "", context: Iterable[str] = ()) -> str | None:
    """The reason a password is refused (Chinese), or None when it is acceptable.

    ``context``: words about the account a guesser would try (display name, organisation name).
    """
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
    if any(_context_word_in(word, squashed) for word in context if word):
        return "密码不能包含您的姓名或所在单位名称。"
    if _mostly_local(squashed):
        return "密码主要由常见词语组成，容易被猜中，请换一个。"
    return None


def _mostly_local(squashed: str) -> bool:
    """Local words, once removed, leave fewer than 6 characters or no letters (digits, symbols:
    ``双高江苏2025!!``, ``Shuanggao2025``). Chinese characters count as letters."""
    rest = squashed
    for word in LOCAL_WORDS:
        rest = rest.replace(word, "")
    if rest == squashed:
        return False
    return len(rest) < 6 or not any(ch.isalpha() for ch in rest)


def check_policy(password: str, username: str = "", context: Iterable[str] = ()) -> None:
    reason = weakness(password, username, context)
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


def check_not_reused(password: str, hashes: Iterable[str]) -> None:
    """Refuse a password that verifies against any of ``hashes`` (current + history)."""
    for stored in hashes:
        if verify_password(stored, password):
            raise PasswordReused()


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker (older) argon2 parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
