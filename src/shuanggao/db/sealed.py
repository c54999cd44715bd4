"""Personal fields encrypted at rest (checklist CRY-02, PIPL 51): AES-256-GCM per value.

A sealed value is stored as ``pi1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``; the key id is
the associated data, so a value cannot be moved under another key id. Keys come from settings
(``SHUANGGAO_PI_KEYS="id:base64url-32-bytes,older-id:…"``; the first seals, all open); without
them a key is derived from the secret key (development only — production refuses to start without
``SHUANGGAO_PI_KEYS``). Keys never reach the database.

``SealedString`` is the column type: the ORM seals on write and opens on read, so services,
registers and exports see plain values. A value that fails authentication (tampered, or sealed
under a key no longer configured) raises ``SealedValueError``, never garbage. ``reseal_all``
re-encrypts every sealed column under the current key (``shuanggao pi rotate-key``).

Lookups by phone use a blind index beside the sealed column (``keep_blind_index``): the
HMAC-SHA-256 of the normalised number under a key of its own (derived from the secret key, not
from the AES keys, so a key rotation leaves it valid). Finding a row by phone is one indexed
equality, without opening every sealed value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String, event, select, type_coerce, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from shuanggao.config import Settings, get_settings

PREFIX = "pi1"
NONCE_BYTES = 12


class SealedValueError(Exception):
    """A stored personal value cannot be opened: tampered with, or its key is not configured."""


class KeyConfigError(ValueError):
    pass


@dataclass
class Keyring:
    keys: dict[str, bytes] = field(default_factory=dict)
    current: str = ""

    def add(self, kid: str, key: bytes, *, current: bool) -> None:
        if len(key) != 32:
            raise KeyConfigError(f"个人信息密钥 {kid} 必须是 32 字节（base64url 编码）。")
        known = self.keys.get(kid)
        if known is not None and known != key:
            raise KeyConfigError(f"个人信息密钥编号 {kid} 对应了两个不同的密钥。")
        self.keys[kid] = key
        if current:
            self.current = kid


def parse_keys(spec: str) -> list[tuple[str, bytes]]:
    """``"k2:base64url,k1:base64url"`` → [(kid, key)], newest first."""
    out: list[tuple[str, bytes]] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kid, sep, encoded = part.partition(":")
        if not sep or not kid.isalnum():
            raise KeyConfigError("SHUANGGAO_PI_KEYS 格式应为“编号:base64url密钥,…”。")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError) as exc:
            raise KeyConfigError(f"个人信息密钥 {kid} 不是有效的 base64url。") from exc
        out.append((kid, key))
    return out


def derived_key(secret_key: str) -> tuple[str, bytes]:
    key = hmac.new(secret_key.encode("utf-8"), b"shuanggao.pi.v1", hashlib.sha256).digest()
    return "s" + hashlib.sha256(key).hexdigest()[:8], key


def new_key_spec(kid: str) -> str:
    """A fresh ``kid:key`` entry for ``SHUANGGAO_PI_KEYS``."""
    return f"{kid}:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


_RING = Keyring()
_INDEX_KEY: list[bytes] = []
INDEX_PURPOSE = b"shuanggao.pi.blind-index.v1"
# table name → (source column attribute, hash column attribute) for the import engine's bulk path.
BLIND_INDEXES: dict[str, tuple[str, str]] = {}


def configure(settings: Settings) -> Keyring:
    """Make ``settings``' keys known; the first of them seals from now on. Keys learnt earlier in
    the process stay known for opening (several apps in one test process)."""
    pairs = parse_keys(settings.pi_keys) or [derived_key(settings.resolved_secret_key())]
    index_key = hmac.new(
        settings.resolved_secret_key().encode("utf-8"), INDEX_PURPOSE, hashlib.sha256
    ).digest()
    _INDEX_KEY[:] = [index_key]
    for kid, key in reversed(pairs):
        _RING.add(kid, key, current=False)
    _RING.current = pairs[0][0]
    return _RING


def ring() -> Keyring:
    if not _RING.current:
        configure(get_settings())
    return _RING


def normalise_phone(value: str) -> str:
    """Digits only, without a leading +86 / 0086 country code: ``+86 138-1234-5678`` and
    ``13812345678`` are one number."""
    digits = "".join(ch for ch in value if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def blind_index(value: str | None) -> str | None:
    """The keyed hash a phone is looked up by (None for no number)."""
    if value is None or not normalise_phone(value):
        return None
    if not _INDEX_KEY:
        configure(get_settings())
    return hmac.new(
        _INDEX_KEY[0], normalise_phone(value).encode("ascii"), hashlib.sha256
    ).hexdigest()


def keep_blind_index(source: Any, hash_name: str) -> None:
    """Keep ``hash_name`` equal to the blind index of ``source`` whenever the ORM sets it (the
    import engine's bulk INSERT fills it through ``fill_blind_indexes``)."""

    def on_set(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        setattr(target, hash_name, blind_index(value if isinstance(value, str) else None))

    event.listen(source, "set", on_set)
    BLIND_INDEXES[source.class_.__tablename__] = (source.key, hash_name)


def fill_blind_indexes(table: str, values: dict[str, Any]) -> None:
    """Add the blind index to a row's values written without the ORM's attribute events."""
    pair = BLIND_INDEXES.get(table)
    if pair is not None and pair[0] in values:
        value = values[pair[0]]
        values[pair[1]] = blind_index(value if isinstance(value, str) else None)


def seal(plaintext: str) -> str:
    keys = ring()
    kid = keys.current
    nonce = secrets.token_bytes(NONCE_BYTES)
    data = AESGCM(keys.keys[kid]).encrypt(nonce, plaintext.encode("utf-8"), kid.encode("ascii"))
    return f"{PREFIX}:{kid}:" + base64.urlsafe_b64encode(nonce + data).decode("ascii")


def key_id_of(stored: str) -> str | None:
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def unseal(stored: str) -> str:
    kid = key_id_of(stored)
    if kid is None:
        # Written before encryption (a development database): readable, resealed by rotate-key.
        return stored
    key = ring().keys.get(kid)
    if key is None:
        raise SealedValueError(f"个人信息密钥 {kid} 未配置，无法解密。")
    try:
        raw = base64.urlsafe_b64decode(stored.split(":", 2)[2].encode("ascii"))
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], kid.encode("ascii"))
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise SealedValueError("个人信息密文校验失败（可能被篡改）。") from exc
    return plain.decode("utf-8")


class SealedString(TypeDecorator[str]):
    """A string column stored AES-GCM-encrypted (see the module docstring)."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return unseal(str(value))


def sealed_columns() -> list[tuple[Any, Any]]:
    """(table, column) for every ``SealedString`` column of the loaded models."""
    from shuanggao.db.base import Base

    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.c
        if isinstance(column.type, SealedString)
    ]


def reseal_all(session: Session) -> dict[str, int]:
    """Re-encrypt every sealed value not under the current key (and any legacy plain value).
    Returns the count per ``table.column``."""
    current = ring().current
    counts: dict[str, int] = {}
    for table, column in sealed_columns():
        pk = next(iter(table.primary_key.columns))
        raw = type_coerce(column, String)
        rows = session.execute(select(pk, raw).where(column.is_not(None))).all()
        done = 0
        for row_id, stored in rows:
            if key_id_of(stored) == current:
                continue
            plain = unseal(stored)
            session.execute(update(table).where(pk == row_id).values({column.name: plain}))
            done += 1
        counts[f"{table.name}.{column.name}"] = done
    return counts
