"""A person's deletion erases their name and typed text from the raw audit rows, the chain still
verifies (the erased rows count as erased, not broken), and tampering still fails (PIPL 47;
checklist PI-06; AUD-04)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.actor import Actor, Role
from shuanggao.audit import chain
from shuanggao.audit import service as audit
from shuanggao.audit.guard import AuditImmutable, ensure_append_only
from shuanggao.audit.models import AuditEvent
from shuanggao.cli import privacy as privacy_cli
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.privacy import service as privacy
from shuanggao.privacy.pseudonym import pseudonym
from tests.audit.test_chain import bypass_append_only, problems, run_cli, url
from tests.conftest import ClientFor
from tests.factories import TEST_PASSWORD, create_user

__all__ = ["url"]  # the fixture of a fresh committed database (tests.audit.test_chain)

AUDITOR = Actor(role=Role.AUDITOR, user_id=901, username="auditor1")
ADMIN = Actor(role=Role.SECURITY_ADMIN, user_id=902, username="secadmin1")
KEY = "k" * 40


def _trail(session: Session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def _raw(e: AuditEvent) -> str:
    return json.dumps(
        [e.actor_name, e.ip, e.summary, e.before, e.after], ensure_ascii=False, default=str
    )


def _world(session: Session) -> tuple[Any, Any]:
    me = create_user(session, "researcher", username="zhangsanfeng", display_name="张三丰")
    other = create_user(session, "researcher", username="lisiguang", display_name="李四光")
    for who in (me, other):
        mine = Actor(role=Role.RESEARCHER, user_id=who.id, username=who.username, ip="10.1.2.3")
        audit.record(
            session,
            mine,
            "update",
            "supply_items",
            who.id,
            summary=f"修改成果：{who.display_name}的成果",
            before={"title": f"{who.display_name}的旧题目"},
            after={"title": f"{who.display_name}的新题目"},
        )
        audit.record(session, mine, "sign_in", "users", who.id, summary="登录成功")
        # Rows by someone else about the person: their account, and a register row naming them.
        audit.record(
            session,
            ADMIN,
            "create",
            "users",
            who.id,
            summary="新增用户",
            after={"username": who.username, "display_name": who.display_name},
        )
        audit.record(
            session,
            ADMIN,
            "create",
            "residents",
            who.id + 1000,
            summary="新增驻园人员",
            after={"person_name": who.display_name, "kind": "teacher"},
        )
    # A failed sign-in with the typed username and no account id.
    audit.record(
        session,
        Actor(role=Role.RESEARCHER, user_id=None, username=me.username, ip="10.9.9.9"),
        "sign_in_failed",
        "users",
        None,
        summary="登录失败",
    )
    session.flush()
    return me, other


def test_deletion_erases_the_person_from_raw_rows_and_verify_passes(
    engine: Engine, session: Session, client_for: ClientFor
) -> None:
    assert ensure_append_only(engine)
    me, _ = _world(session)
    me_id = me.id
    # A neighbour whose username contains the person's: exact matches only, their row stays.
    audit.record(
        session,
        Actor(role=Role.RESEARCHER, user_id=None, username="zhangsanfengx"),
        "sign_in_failed",
        "users",
        None,
        summary="登录失败",
        after={"username": "zhangsanfengx"},
    )
    done = client_for(me.actor()).post("/api/v1/me/deletion", json={"password": TEST_PASSWORD})
    assert done.status_code == 200, done.text
    rows = _trail(session)
    everything = " ".join(_raw(e) for e in rows)
    for marker in ("张三丰", "10.9.9.9"):
        assert marker not in everything, marker
    assert everything.count("zhangsanfeng") == everything.count("zhangsanfengx") == 2
    # The other person's rows are untouched.
    for marker in ("lisiguang", "李四光的旧题目", "李四光的新题目", "10.1.2.3"):
        assert marker in everything, marker
    report = audit.verify_chain(session, AUDITOR, batch_size=3)
    assert report.ok, report.problems
    erased = [e for e in rows if e.erased_by_seq is not None]
    assert report.erased == len(erased) > 0
    seal = next(e for e in rows if e.action == "anonymise" and e.entity_id == str(me_id))
    assert {e.erased_by_seq for e in erased} == {seal.seq}
    assert seal.erasure == chain.erasure_seal(e.seq for e in erased)
    assert all(e.payload_salt is None and e.ip is None and e.before is None for e in erased)


def test_first_deletion_then_second_both_verify(engine: Engine, session: Session) -> None:
    assert ensure_append_only(engine)
    me, other = _world(session)
    username = me.username
    privacy.anonymise(session, ADMIN, me, KEY, "申请删除")
    privacy.anonymise(session, ADMIN, other, KEY, "申请删除")
    session.flush()
    rows = _trail(session)
    everything = " ".join(_raw(e) for e in rows)
    for marker in (username, "zhangsanfeng", "张三丰", "lisiguang", "李四光", "10.1.2.3"):
        assert marker not in everything, marker
    # The security admin's own rows keep their name; the pseudonyms replace the people's.
    assert "secadmin1" in everything
    assert pseudonym(KEY, me.id) in everything
    report = audit.verify_chain(session, AUDITOR)
    assert report.ok, report.problems
    assert report.erased == len([e for e in rows if e.erased_by_seq is not None])


def _deleted(engine: Engine, session: Session) -> tuple[list[AuditEvent], AuditEvent]:
    assert ensure_append_only(engine)
    me, _ = _world(session)
    privacy.anonymise(session, ADMIN, me, KEY, "申请删除")
    session.flush()
    rows = _trail(session)
    seal = next(e for e in rows if e.erasure is not None)
    assert audit.verify_chain(session, AUDITOR).ok
    return rows, seal


def test_tampering_after_a_deletion_still_fails(engine: Engine, session: Session) -> None:
    rows, _ = _deleted(engine, session)
    kept = next(e for e in rows if e.erased_by_seq is None and e.action == "update")
    bypass_append_only(session)
    session.execute(text("UPDATE audit_event SET summary = '篡改' WHERE id = :id"), {"id": kept.id})
    report = audit.verify_chain(session, AUDITOR)
    assert problems(report) == [(kept.id, ("payload",))]


def test_forged_erasure_is_named(engine: Engine, session: Session) -> None:
    """Erasing another row and pointing it at the real deletion breaks that deletion's seal."""
    rows, seal = _deleted(engine, session)
    victim = next(e for e in rows if e.erased_by_seq is None and e.action == "update")
    erased_ids = sorted(e.id for e in rows if e.erased_by_seq is not None)
    bypass_append_only(session)
    session.execute(
        text(
            "UPDATE audit_event SET summary = 'x', payload_salt = NULL, erased_by_seq = :s "
            "WHERE id = :id"
        ),
        {"s": seal.seq, "id": victim.id},
    )
    report = audit.verify_chain(session, AUDITOR)
    assert sorted(p.id for p in report.problems) == sorted([*erased_ids, victim.id])
    assert {p.reasons for p in report.problems} == {("erasure",)}


def test_erased_row_put_back_or_unmarked_is_named(engine: Engine, session: Session) -> None:
    rows, _ = _deleted(engine, session)
    erased = [e for e in rows if e.erased_by_seq is not None]
    bypass_append_only(session)
    session.execute(
        text("UPDATE audit_event SET erased_by_seq = NULL WHERE id = :id"), {"id": erased[0].id}
    )
    report = audit.verify_chain(session, AUDITOR)
    named = {p.id: p.reasons for p in report.problems}
    assert named[erased[0].id] == ("payload",)
    # The seal no longer matches the rows that name it.
    assert all(named[e.id] == ("erasure",) for e in erased[1:])


def test_database_refuses_changes_to_an_erased_row_and_non_erasures(
    engine: Engine, session: Session
) -> None:
    rows, _ = _deleted(engine, session)
    erased = next(e for e in rows if e.erased_by_seq is not None)
    kept = next(e for e in rows if e.erased_by_seq is None)
    for sql, row_id in (
        ("UPDATE audit_event SET summary = 'x' WHERE id = :id", erased.id),
        ("UPDATE audit_event SET erased_by_seq = 1, entity = 'x' WHERE id = :id", kept.id),
        ("UPDATE audit_event SET summary = 'x' WHERE id = :id", kept.id),
    ):
        with pytest.raises(DBAPIError) as err, session.begin_nested():
            session.execute(text(sql), {"id": row_id})
        assert "append-only" in str(err.value)
    assert audit.verify_chain(session, AUDITOR).ok


def test_orm_allows_only_the_erasure(session: Session) -> None:
    me, _ = _world(session)
    row = session.scalars(
        select(AuditEvent).where(AuditEvent.actor_user_id == me.id).order_by(AuditEvent.seq)
    ).first()
    assert row is not None
    row.summary = "篡改"
    with pytest.raises(AuditImmutable):
        session.flush()
    session.rollback()
    me, _ = _world(session)
    row = session.scalars(select(AuditEvent).where(AuditEvent.actor_user_id == me.id)).first()
    assert row is not None
    row.erased_by_seq = row.seq + 100
    row.payload_salt = None
    row.entity = "other"
    with pytest.raises(AuditImmutable):
        session.flush()


def test_cli_deletion_then_verify_passes_and_tampering_fails(url: str) -> None:
    """Through the real commands on a committed database: ``privacy anonymise`` then
    ``audit verify`` (exit 0, erased rows counted), then a change below the application (exit 1)."""
    engine = build_engine(url)
    try:
        assert ensure_append_only(engine)
        with Session(engine) as s:
            me, _ = _world(s)
            username = me.username
            s.commit()
        gone = run_privacy_cli(url, "anonymise", username)
        assert gone.exit_code == 0, gone.output
        with Session(engine) as s:
            rows = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
            assert not any(username in _raw(e) or "张三丰" in _raw(e) for e in rows)
            erased = [e.id for e in rows if e.erased_by_seq is not None]
            kept = next(e.id for e in rows if e.erased_by_seq is None and e.action == "update")
        ok = run_cli(url, "verify")
        assert ok.exit_code == 0, ok.output
        assert f"其中 {len(erased)} 条的个人信息已按注销要求清除" in ok.output
        with engine.begin() as conn:  # as the database owner, below the application
            if engine.dialect.name == "sqlite":
                conn.execute(text("DROP TRIGGER audit_event_erase_only"))
            else:
                conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            conn.execute(text("UPDATE audit_event SET ip = '1.1.1.1' WHERE id = :id"), {"id": kept})
        broken = run_cli(url, "verify")
        assert broken.exit_code == 1, broken.output
        assert f"记录编号 {kept}。" in broken.output
    finally:
        engine.dispose()


def run_privacy_cli(url: str, *args: str) -> Any:
    root = typer.Typer()
    root.add_typer(privacy_cli.app, name="privacy")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            root, ["privacy", *args], env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        get_settings.cache_clear()
