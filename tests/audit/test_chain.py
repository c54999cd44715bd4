"""The audit hash chain (AUD-04, CRY-03): appends chain, tampering below the ORM is found and
named, the CLI and the API report it, and control characters are stored escaped."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao import logsafe
from shuanggao.actor import Actor, Role
from shuanggao.audit import chain
from shuanggao.audit import service as audit
from shuanggao.audit.guard import AuditImmutable, ensure_append_only
from shuanggao.audit.models import AuditEvent
from shuanggao.cli import audit as audit_cli
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from tests.conftest import ClientFor
from tests.dbs import fresh_database

SYSTEM = Actor.system("cli:test")
AUDITOR = Actor(role=Role.AUDITOR, user_id=901, username="auditor1")


def write_events(session: Session, n: int, *, flush_every: int = 2) -> list[AuditEvent]:
    events = []
    for i in range(n):
        events.append(
            audit.record(
                session,
                SYSTEM,
                "update",
                "zones",
                i,
                summary=f"修改 {i}",
                before={"name": f"旧{i}", "n": i, "ratio": 0.5, "tags": ["a", "b"]},
                after={"name": f"新{i}", "n": i + 1, "nested": {"b": 1, "a": None}},
            )
        )
        if (i + 1) % flush_every == 0:
            session.flush()
    session.flush()
    return events


def bypass_append_only(session: Session) -> None:
    """What a DB owner could do: switch the append-only triggers off (inside the test's
    transaction, so the rollback at the end of the test puts them back)."""
    if session.get_bind().dialect.name == "sqlite":
        for name in ("audit_event_erase_only", "audit_event_no_delete"):
            session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    else:
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))


def problems(report: chain.ChainReport) -> list[tuple[int, tuple[str, ...]]]:
    return [(p.id, p.reasons) for p in report.problems]


def test_appends_form_a_verifiable_chain(session: Session) -> None:
    events = write_events(session, 7, flush_every=3)
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [r.id for r in rows] == [e.id for e in events]
    assert [r.seq for r in rows] == list(range(1, 8))
    assert rows[0].prev_hash == chain.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    report = audit.verify_chain(session, AUDITOR, batch_size=3)
    assert report.ok and report.checked == 7
    assert (report.head_seq, report.head_hash, report.head_id) == (
        7,
        rows[-1].row_hash,
        rows[-1].id,
    )


def test_canonical_bytes_are_fixed(session: Session) -> None:
    """The hashed bytes after a round trip through the database are the same on SQLite and
    PostgreSQL: sorted keys, UTC timestamp with microseconds, ASCII escapes."""
    event = audit.record(
        session,
        Actor(role=Role.ZONE_ADMIN, user_id=5, username="王\n五", ip="10.0.0.1"),
        "update",
        "zones",
        3,
        summary="改名",
        before={"name": "甲", "amount": "1.50"},
        after={"name": "乙", "b": 2, "a": [1.25, True, None]},
    )
    event.at = dt.datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=dt.UTC)
    session.flush()
    row = audit.audit_repo.chain_batch(session, None, 10)[0]
    personal = (
        '{"actor_name":"\\u738b\\\\n\\u4e94","after":{"a":[1.25,true,null],"b":2,"name":"\\u4e59"},'
        '"before":{"amount":"1.50","name":"\\u7532"},"ip":"10.0.0.1",'
        '"salt":"' + row["payload_salt"] + '","summary":"\\u6539\\u540d"}'
    ).encode("ascii")
    assert chain.payload(row) == personal
    assert row["payload_digest"] == hashlib.sha256(personal).hexdigest()
    expected = (
        '{"action":"update","actor_role":"zone_admin","actor_user_id":5,'
        '"at":"2026-01-02T03:04:05.000060Z","entity":"zones","entity_id":"3","erasure":null,'
        '"payload_digest":"' + row["payload_digest"] + '","prev_hash":"' + chain.GENESIS + '",'
        '"seq":1,"v":2}'
    ).encode("ascii")
    assert chain.canonical(row) == expected
    assert row["row_hash"] == hashlib.sha256(expected).hexdigest()


def test_altered_row_is_named(engine: Engine, session: Session) -> None:
    assert ensure_append_only(engine)
    events = write_events(session, 5)
    target = events[2].id
    bypass_append_only(session)
    session.execute(text("UPDATE audit_event SET summary = '篡改' WHERE id = :id"), {"id": target})
    report = audit.verify_chain(session, AUDITOR, batch_size=2)
    assert problems(report) == [(target, ("payload",))]
    assert report.checked == 5


def test_altered_json_field_is_named(engine: Engine, session: Session) -> None:
    assert ensure_append_only(engine)
    events = write_events(session, 4)
    bypass_append_only(session)
    session.execute(
        text("UPDATE audit_event SET actor_role = 'auditor' WHERE id = :id"), {"id": events[0].id}
    )
    session.execute(
        text("UPDATE audit_event SET after = NULL WHERE id = :id"), {"id": events[3].id}
    )
    report = audit.verify_chain(session, AUDITOR)
    assert problems(report) == [(events[0].id, ("row_hash",)), (events[3].id, ("payload",))]


def test_rehashed_row_breaks_the_link_to_the_next(engine: Engine, session: Session) -> None:
    """Recomputing the altered row's own hash moves the break to the following row."""
    assert ensure_append_only(engine)
    events = write_events(session, 4)
    row = audit.audit_repo.chain_batch(session, None, 10)[1]
    row["summary"] = "篡改"
    row["payload_digest"] = chain.payload_digest(row)
    bypass_append_only(session)
    session.execute(
        text(
            "UPDATE audit_event SET summary = :s, payload_digest = :d, row_hash = :h WHERE id = :id"
        ),
        {"s": "篡改", "d": row["payload_digest"], "h": chain.row_hash(row), "id": events[1].id},
    )
    report = audit.verify_chain(session, AUDITOR)
    assert problems(report) == [(events[2].id, ("prev_hash",))]


@pytest.mark.parametrize("index", [0, 2, 4])
def test_deleted_row_is_detected(engine: Engine, session: Session, index: int) -> None:
    assert ensure_append_only(engine)
    events = write_events(session, 6)
    bypass_append_only(session)
    session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[index].id})
    report = audit.verify_chain(session, AUDITOR, batch_size=2)
    assert problems(report) == [(events[index + 1].id, ("gap", "prev_hash"))]
    assert report.problems[0].expected_seq == index + 1
    assert report.checked == 5


def test_bulk_insert_bypassing_the_chain_is_refused(session: Session) -> None:
    with pytest.raises(AuditImmutable):
        session.execute(
            insert(AuditEvent).values(
                actor_name="x", actor_role="x", action="create", entity="zones", summary=""
            )
        )


def test_appends_take_the_advisory_lock_on_postgresql(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    held = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
        "AND ((classid::bigint << 32) | objid::bigint) = :k"
    )
    assert session.scalar(held, {"k": chain.PG_LOCK_KEY}) == 0
    write_events(session, 1)
    assert session.scalar(held, {"k": chain.PG_LOCK_KEY}) == 1


# --------------------------------------------------------------------------- control characters


def test_newline_in_a_username_is_stored_escaped_as_one_record(session: Session) -> None:
    before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    forged = "mallory\n2026-01-01 INFO sign_in admin\r\tx\x1b[31m\u2028"
    actor = Actor(role=Role.ZONE_ADMIN, user_id=7, username=forged, ip="10.0.0.9\n")
    audit.record(session, actor, "sign_in", "users", "7\n8", summary="登录\r\n伪造一行")
    session.flush()
    rows = session.scalars(select(AuditEvent)).all()
    assert len(rows) == 1 and rows[0].seq == (before or 0) + 1
    row = rows[0]
    assert row.actor_name == ("mallory\\n2026-01-01 INFO sign_in admin\\r\\tx\\x1b[31m\\u2028")
    assert (row.ip, row.entity_id, row.summary) == ("10.0.0.9\\n", "7\\n8", "登录\\r\\n伪造一行")
    assert audit.verify_chain(session, AUDITOR).ok


def test_log_messages_are_escaped(caplog: pytest.LogCaptureFixture) -> None:
    logsafe.install()
    caplog.set_level(logging.INFO)
    logging.getLogger("shuanggao.web").warning("path=%s", "/x\r\n2026 ERROR forged")
    logging.getLogger("other").warning("path=%s", "/y\nz")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["path=/x\\r\\n2026 ERROR forged", "path=/y\nz"]


# --------------------------------------------------------------------------- API


@pytest.mark.parametrize("role", [Role.AUDITOR])
def test_api_verify_names_the_altered_row(
    engine: Engine, client_for: ClientFor, session: Session, role: Role
) -> None:
    assert ensure_append_only(engine)
    events = write_events(session, 3)
    client = client_for(Actor(role=role, user_id=900, username="reader"))
    body = client.get("/api/v1/audit/verify").json()
    assert (body["ok"], body["checked"], body["problems"]) == (True, 3, [])
    assert body["head_seq"] == 3 and body["head_hash"] == events[2].row_hash
    bypass_append_only(session)
    session.execute(
        text("UPDATE audit_event SET entity_id = '99' WHERE id = :id"), {"id": events[1].id}
    )
    broken = client.get("/api/v1/audit/verify").json()
    assert broken["ok"] is False
    assert [(p["id"], p["reasons"]) for p in broken["problems"]] == [(events[1].id, ["row_hash"])]
    # Verifying is a read: it adds nothing to the trail.
    assert session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == 3
    listed = client.get("/api/v1/audit").json()["items"]
    assert {(e["seq"], e["row_hash"]) for e in listed} == {(e.seq, e.row_hash) for e in events}


@pytest.mark.parametrize(
    "role",
    [
        Role.PROVINCE_ADMIN,  # separation of duties: administrators do not audit themselves
        Role.ZONE_ADMIN,
        Role.UNIVERSITY_ADMIN,
        Role.ENTERPRISE_USER,
        Role.RESEARCHER,
        Role.STUDENT,
        Role.MENTOR,
    ],
)
def test_api_verify_is_denied_to_other_roles(
    client_for: ClientFor, session: Session, role: Role
) -> None:
    write_events(session, 2)
    client = client_for(Actor(role=role, user_id=77, username="someone", zone_id=1))
    resp = client.get("/api/v1/audit/verify")
    assert resp.status_code == 403 and resp.json()["error"] == "forbidden"
    assert session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == 2


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as u:
        yield u


def run_cli(url: str, *args: str) -> Any:
    root = typer.Typer()
    root.add_typer(audit_cli.app, name="audit")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            root, ["audit", *args], env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        get_settings.cache_clear()


def test_cli_verify_passes_then_fails_naming_the_row(url: str) -> None:
    engine = build_engine(url)
    try:
        assert ensure_append_only(engine)
        with Session(engine) as s:
            ids = [e.id for e in write_events(s, 5)]
            s.commit()
        ok = run_cli(url, "verify", "--batch-size", "2")
        assert ok.exit_code == 0, ok.output
        assert "审计日志完整：已校验 5 条" in ok.output
        with engine.begin() as conn:  # as the database owner, below the application
            if engine.dialect.name == "sqlite":
                conn.execute(text("DROP TRIGGER audit_event_erase_only"))
            else:
                conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            conn.execute(
                text("UPDATE audit_event SET summary = 'x' WHERE id = :id"), {"id": ids[3]}
            )
        broken = run_cli(url, "verify")
        assert broken.exit_code == 1, broken.output
        assert f"记录编号 {ids[3]}。" in broken.output
        with Session(engine) as s:
            runs = s.scalars(
                select(AuditEvent).where(AuditEvent.action == "verify").order_by(AuditEvent.seq)
            ).all()
            assert [(r.after or {}).get("ok") for r in runs] == [True, False]
            assert (runs[1].after or {})["problem_ids"] == [ids[3]]
            assert (runs[0].after or {})["checked"] == 5 and (runs[1].after or {})["checked"] == 6
            assert runs[0].actor_name.startswith("cli:") and runs[0].entity == "audit"
    finally:
        engine.dispose()


def test_concurrent_appenders_do_not_fork_the_chain(url: str) -> None:
    """PostgreSQL: transactions that append at the same time wait for each other (advisory lock)
    instead of chaining onto the same row (which the unique ``seq`` would refuse)."""
    if not url.startswith("postgresql"):
        pytest.skip("SQLite has a single writer")
    engine = build_engine(url, pool_size=4)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(5):
                with Session(engine) as s:
                    audit.record(s, SYSTEM, "create", "zones", n * 100 + i)
                    s.flush()
                    time.sleep(0.005)  # hold the transaction open while others try to append
                    audit.record(s, SYSTEM, "update", "zones", n * 100 + i)
                    s.commit()
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        with Session(engine) as s:
            report = audit.verify_chain(s, AUDITOR)
        assert report.ok and report.checked == 40 and report.head_seq == 40
    finally:
        engine.dispose()
