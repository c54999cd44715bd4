"""``shuanggao backup`` / ``shuanggao restore``: a drill on the test's database leg (SQLite or
PostgreSQL) restores into an empty database and compares every table's rows and sampled rows;
damaged, foreign-schema and non-empty cases are refused and change nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao import backup as backups
from shuanggao.cli import backup as backup_cli
from shuanggao.config import get_settings
from shuanggao.db.base import Base
from shuanggao.db.session import build_engine
from shuanggao.errors import AppError
from tests import factories
from tests.dbs import fresh_database

SAMPLE = 25  # rows compared per table, by primary key


@pytest.fixture
def source(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        engine = build_engine(url)
        try:
            with Session(engine) as session:
                populate(session)
                session.commit()
        finally:
            engine.dispose()
        yield url


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path, migrated=False) as url:
        yield url


def populate(session: Session) -> None:
    zone = factories.create_zone(session, note="备注：含“引号”与换行\n第二行")
    unis = [factories.create_university(session) for _ in range(3)]
    pairing = factories.create_pairing(
        session, zone=zone, universities=unis, start_date=dt.date(2025, 7, 15)
    )
    factories.create_pilot_element(session, pairing=pairing, kind="platform", status="landed")
    for n in range(30):
        factories.create_supply_item(session, unis[n % 3], title=f"储能热失控预警成果{n}")
    enterprise = factories.create_enterprise(session, zone=zone)
    factories.create_enterprise_service(session, enterprise=enterprise, university=unis[0])
    factories.create_funding(
        session,
        zone=zone,
        university=unis[1],
        amount=Decimal("1234567.89"),
        funding_date=dt.date(2025, 9, 1),
    )
    factories.create_user(session, "zone_admin", zone_id=zone.id)


def snapshot(url: str) -> dict[str, Any]:
    """Every table's row count and its first rows by primary key."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            out: dict[str, Any] = {}
            present = set(inspect(conn).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name not in present:
                    out[table.name] = None
                    continue
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                out[table.name] = (len(rows), [tuple(r) for r in rows[:SAMPLE]])
            return out
    finally:
        engine.dispose()


def cli(url: str, *args: str) -> Any:
    root = typer.Typer()
    backup_cli.register(root)
    root.command("noop")(lambda: None)  # a group, so the command names are parsed
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(root, list(args), env={"SHUANGGAO_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def refused(url: str, file: Path, **kw: Any) -> AppError:
    with pytest.raises(AppError) as caught:
        backups.restore_backup(url, file, **kw)
    return caught.value


def rewrite(
    file: Path, out: Path, *, manifest: dict[str, Any] | None = None, flip: bool = False
) -> None:
    """A copy of the backup ``file`` with its manifest replaced or one payload byte flipped."""
    with tarfile.open(file) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    if manifest is not None:
        members[backups.MANIFEST] = json.dumps(manifest).encode()
    if flip:
        name = next(n for n in members if n != backups.MANIFEST)
        data = bytearray(members[name])
        data[len(data) // 2] ^= 0xFF
        members[name] = bytes(data)
    with tarfile.open(out, "w") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def test_backup_and_restore_drill(source: str, empty: str, tmp_path: Path) -> None:
    file = tmp_path / "backup.tar"
    made = cli(source, "backup", str(file))
    assert made.exit_code == 0, made.output
    before = snapshot(source)
    with tarfile.open(file) as tar:
        manifest = backups.Manifest.from_json(tar.extractfile(backups.MANIFEST).read())  # type: ignore[union-attr]
    assert manifest.schema_revision == backups.head_revision()
    assert manifest.schema_fingerprint == backups.code_fingerprint()
    assert manifest.tables == {name: count for name, (count, _) in before.items()}
    assert manifest.tables["supply_item"] == 30 and manifest.tables["zone"] == 1

    done = cli(empty, "restore", str(file))
    assert done.exit_code == 0, done.output
    assert snapshot(empty) == before  # every count, and the sampled rows value for value

    # Now the target holds rows: refused without --force, nothing changed; with it, restored.
    again = cli(empty, "restore", str(file))
    assert again.exit_code == 1
    assert "[restore_target_not_empty]" in again.output
    error = refused(empty, file)
    assert error.code == "restore_target_not_empty" and error.extra == {"rows": manifest.rows}
    forced = cli(empty, "restore", "--force", str(file))
    assert forced.exit_code == 0, forced.output
    assert snapshot(empty) == before


def test_damaged_or_foreign_backups_are_refused(source: str, empty: str, tmp_path: Path) -> None:
    file = tmp_path / "backup.tar"
    backups.create_backup(source, file)
    with tarfile.open(file) as tar:
        data = json.loads(tar.extractfile(backups.MANIFEST).read())  # type: ignore[union-attr]
    untouched = snapshot(empty)

    flipped = tmp_path / "flipped.tar"
    rewrite(file, flipped, flip=True)
    assert refused(empty, flipped).code == "backup_invalid"

    older = tmp_path / "older.tar"
    rewrite(file, older, manifest={**data, "schema_revision": "0000"})
    error = refused(empty, older)
    assert error.code == "backup_revision_mismatch"
    assert error.extra == {"backup_revision": "0000", "head_revision": backups.head_revision()}

    reshaped = tmp_path / "reshaped.tar"
    rewrite(file, reshaped, manifest={**data, "schema_fingerprint": "0" * 64})
    assert refused(empty, reshaped).code == "backup_revision_mismatch"

    other = "postgresql" if data["dialect"] == "sqlite" else "sqlite"
    foreign = tmp_path / "foreign.tar"
    rewrite(file, foreign, manifest={**data, "dialect": other})
    assert refused(empty, foreign).code == "backup_mismatch"

    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"not a tar archive at all")
    assert refused(empty, not_a_backup).code == "backup_invalid"
    assert snapshot(empty) == untouched
