"""Phones encrypted at rest (CRY-02): no plain text in the table, tampering detected, key rotation
re-encrypts under the new key, through the ORM and the real CLI."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.audit.models import AuditEvent
from shuanggao.cli import pi as pi_cli
from shuanggao.config import Settings, get_settings
from shuanggao.db import sealed
from shuanggao.db.session import build_engine
from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import Enterprise
from tests.dbs import fresh_database
from tests.factories import create_demand, create_enterprise

PHONE = "13912345678"
K1 = sealed.new_key_spec("k1")
K2 = sealed.new_key_spec("k2")


@pytest.fixture(autouse=True)
def keep_ring() -> Iterator[None]:
    """Each test may change the current key; put it back for the rest of the suite."""
    current = sealed.ring().current
    yield
    sealed.ring().current = current


def raw_phone(session: Session, table: str, row_id: int) -> str:
    value = session.execute(text(f"SELECT phone FROM {table} WHERE id = :id"), {"id": row_id})
    return str(value.scalar_one())


def key_of(spec: str) -> bytes:
    encoded = spec.split(":", 1)[1]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def test_phones_are_stored_encrypted_and_read_back(session: Session) -> None:
    ent = create_enterprise(session, phone=PHONE)
    demand = create_demand(session, ent, phone=PHONE)
    for table, row_id in (("enterprise", ent.id), ("demand", demand.id)):
        stored = raw_phone(session, table, row_id)
        assert stored.startswith("pi1:") and PHONE not in stored
    first = raw_phone(session, "enterprise", ent.id)
    assert first != raw_phone(session, "demand", demand.id)  # a fresh nonce per value
    session.expire_all()
    assert session.get(Enterprise, ent.id).phone == PHONE  # type: ignore[union-attr]
    assert session.get(Demand, demand.id).phone == PHONE  # type: ignore[union-attr]


def test_a_tampered_value_is_an_error_not_garbage(session: Session) -> None:
    ent = create_enterprise(session, phone=PHONE)
    stored = raw_phone(session, "enterprise", ent.id)
    head, body = stored.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 0x01
    tampered = f"{head}:{base64.urlsafe_b64encode(bytes(raw)).decode('ascii')}"
    with pytest.raises(sealed.SealedValueError):
        sealed.unseal(tampered)
    # The key id is authenticated too: the same ciphertext under another id does not open.
    kid = sealed.key_id_of(stored)
    sealed.ring().add("zz9", sealed.ring().keys[str(kid)], current=False)
    with pytest.raises(sealed.SealedValueError):
        sealed.unseal(stored.replace(f"pi1:{kid}:", "pi1:zz9:"))
    session.execute(
        text("UPDATE enterprise SET phone = :v WHERE id = :id"), {"v": tampered, "id": ent.id}
    )
    session.expire_all()
    with pytest.raises(sealed.SealedValueError):
        session.get(Enterprise, ent.id)


def test_rotation_reseals_every_value_under_the_new_key(tmp_path: Path, session: Session) -> None:
    sealed.configure(Settings(var_dir=tmp_path, pi_keys=K1))
    ent = create_enterprise(session, phone=PHONE)
    plain = create_enterprise(session)
    session.execute(  # a value written before encryption is resealed too
        text("UPDATE enterprise SET phone = :v WHERE id = :id"),
        {"v": "02584791234", "id": plain.id},
    )
    assert sealed.key_id_of(raw_phone(session, "enterprise", ent.id)) == "k1"

    sealed.configure(Settings(var_dir=tmp_path, pi_keys=f"{K2},{K1}"))
    counts = sealed.reseal_all(session)
    assert counts["enterprise.phone"] >= 2
    assert sealed.reseal_all(session)["enterprise.phone"] == 0  # nothing left under k1
    for row_id, expected in ((ent.id, PHONE), (plain.id, "02584791234")):
        stored = raw_phone(session, "enterprise", row_id)
        assert sealed.key_id_of(stored) == "k2"
        # Opens with k2 alone: k1 is no longer needed.
        data = base64.urlsafe_b64decode(stored.split(":", 2)[2])
        opened = AESGCM(key_of(K2)).decrypt(data[:12], data[12:], b"k2").decode("utf-8")
        assert opened == expected


def test_bad_key_settings_are_refused(tmp_path: Path) -> None:
    for spec in ("k1", "k-1:" + K1.split(":")[1], "k1:abc", "k1:!!!"):
        with pytest.raises(sealed.KeyConfigError):
            sealed.configure(Settings(var_dir=tmp_path, pi_keys=spec))


def test_rotate_key_command(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        env = {"SHUANGGAO_DATABASE_URL": url, "SHUANGGAO_VAR_DIR": str(tmp_path)}
        root = typer.Typer()
        root.add_typer(pi_cli.app, name="pi")

        def run(*args: str, keys: str) -> str:
            get_settings.cache_clear()
            try:
                result = CliRunner().invoke(
                    root, ["pi", *args], env={**env, "SHUANGGAO_PI_KEYS": keys, "COLUMNS": "200"}
                )
            finally:
                get_settings.cache_clear()
            assert result.exit_code == 0, result.output
            return result.output

        sealed.configure(Settings(var_dir=tmp_path, pi_keys=K1))
        engine = build_engine(url)
        try:
            with Session(engine) as s:
                ent_id = create_enterprise(s, phone=PHONE).id
                s.commit()
            output = run("rotate-key", keys=f"{K2},{K1}")
            assert "enterprise.phone: 1" in output and "demand.phone: 0" in output
            with Session(engine) as s:
                assert sealed.key_id_of(raw_phone(s, "enterprise", ent_id)) == "k2"
                assert s.get(Enterprise, ent_id).phone == PHONE  # type: ignore[union-attr]
                event = s.scalars(select(AuditEvent).where(AuditEvent.action == "pi_rotate_key"))
                assert event.one().after == {
                    "key_id": "k2",
                    "enterprise.phone": 1,
                    "demand.phone": 0,
                }
        finally:
            engine.dispose()
        assert run("new-key", "k3", keys=K1).startswith("k3:")
