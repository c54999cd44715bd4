"""Small cryptographic helpers: token digests and AES-GCM sealing of stored secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def new_token(prefix: str = "") -> str:
    """A 256-bit random token from the OS CSPRNG."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """SHA-256 hex digest: what the database stores instead of a session or API token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A 256-bit key for one purpose, derived from the application secret."""
    return hmac.new(secret_key.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).digest()


def csrf_for(secret_key: str, session_token: str) -> str:
    """The CSRF token tied to one session: HMAC(secret, session token)."""
    key = derive_key(secret_key, "csrf")
    return hmac.new(key, session_token.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def seal(secret_key: str, purpose: str, plaintext: str) -> str:
    nonce = secrets.token_bytes(12)
    box = AESGCM(derive_key(secret_key, purpose))
    data = box.encrypt(nonce, plaintext.encode("utf-8"), purpose.encode("utf-8"))
    return base64.urlsafe_b64encode(nonce + data).decode("ascii")


def unseal(secret_key: str, purpose: str, sealed: str) -> str | None:
    """The plaintext, or None when the value was tampered with or sealed under another key."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
        box = AESGCM(derive_key(secret_key, purpose))
        return box.decrypt(raw[:12], raw[12:], purpose.encode("utf-8")).decode("utf-8")
    except (InvalidTag, ValueError):
        return None
