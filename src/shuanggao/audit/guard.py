"""Keep the audit trail append-only (but for the erasure of a deleted person's personal part).

Two layers:

1. ORM guard (always on, importing this module installs it): a flush that would UPDATE (other
   than an erasure, below) or DELETE an ``AuditEvent``, or an ORM-enabled
   ``update(AuditEvent)`` / ``delete(AuditEvent)`` statement, raises ``AuditImmutable``; so does
   ``insert(AuditEvent)`` run through a session, which would bypass the hash chain
   (``audit.chain``). Tampering below the ORM is caught by the chain verifier
   (``shuanggao audit verify``).
2. Database triggers, installed idempotently by ``ensure_append_only(engine)`` at application
   start (``accounts.install``) and by the ``shuanggao user`` CLI: on SQLite ``BEFORE UPDATE`` /
   ``BEFORE DELETE`` triggers that ``RAISE(ABORT)``; on PostgreSQL a trigger function raising an
   exception on UPDATE, DELETE and TRUNCATE. The migration is generated from the models, so the
   triggers are not in it; they are created on first start against a migrated database.
   Granting the application role no UPDATE/DELETE on ``audit_event`` is a deployment step
   (docs/accounts.md).

The one update let through (by both layers) is an erasure: the first setting of
``erased_by_seq``, with every chained column unchanged (a person's deletion,
``audit.service.erase_subject``). The chain verifier checks each erasure against the seal of
the ``anonymise`` row it names, so an erasure forged below the application still fails.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, Engine, Insert, Update, event, inspect, text
from sqlalchemy.orm import ORMExecuteState, Session

from shuanggao.audit.models import CONTENT_FIELDS, ERASABLE_FIELDS, AuditEvent

TABLE = AuditEvent.__tablename__


class AuditImmutable(RuntimeError):
    """Raised on any attempt to change or delete an audit record."""


def _is_erasure(obj: AuditEvent) -> bool:
    """The one change allowed: a deletion erases the personal part (``audit.service.erase``)."""
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    marker = state.attrs.erased_by_seq.history
    return (
        changed <= set(ERASABLE_FIELDS)
        and "erased_by_seq" in changed
        and list(marker.deleted) in ([], [None])
        and obj.erased_by_seq is not None
        and obj.payload_salt is None
    )


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditImmutable("audit events cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj) and not _is_erasure(obj):
            raise AuditImmutable("audit events cannot be changed")


def _on_execute(state: ORMExecuteState) -> None:
    stmt = state.statement
    if isinstance(stmt, Update | Delete | Insert):
        table = getattr(stmt, "table", None)
        if getattr(table, "name", None) == TABLE:
            if isinstance(stmt, Insert):
                # A bulk insert would bypass the hash chain (audit.chain chains at flush).
                raise AuditImmutable("audit events are written only by audit.service.record")
            raise AuditImmutable("audit events cannot be changed or deleted")


if not event.contains(Session, "before_flush", _before_flush):
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _on_execute)


# Columns an erasure keeps (everything the chain covers, and the row's identity).
KEPT = ("id", "seq", "prev_hash", "row_hash", *CONTENT_FIELDS)
_SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in KEPT)
_PG_KEPT_NEW = ", ".join(f"NEW.{c}" for c in KEPT)
_PG_KEPT_OLD = ", ".join(f"OLD.{c}" for c in KEPT)
# Names of the triggers of the stricter first version (no erasure): dropped when found.
LEGACY_SQLITE = (f"{TABLE}_no_update",)
LEGACY_PG = (f"{TABLE}_no_change",)

SQLITE_DDL = (
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_erase_only BEFORE UPDATE ON {TABLE}
    WHEN OLD.erased_by_seq IS NOT NULL OR NEW.erased_by_seq IS NULL OR {_SQLITE_CHANGED}
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
)

PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION {TABLE}_erase_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.erased_by_seq IS NULL AND NEW.erased_by_seq IS NOT NULL
           AND ({_PG_KEPT_NEW}) IS NOT DISTINCT FROM ({_PG_KEPT_OLD}) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql"""

PG_TRIGGERS = {
    f"{TABLE}_erase_only": (
        f"CREATE TRIGGER {TABLE}_erase_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_erase_only()"
    ),
    f"{TABLE}_no_truncate": (
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_erase_only()"
    ),
}

_done: set[str] = set()


def ensure_append_only(engine: Engine) -> bool:
    """Create the triggers if the table exists and they are missing. True when they are present."""
    key = str(engine.url)
    if key in _done:
        return True
    if not inspect(engine).has_table(TABLE):
        return False
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            present = {
                row[0]
                for row in conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=:t"),
                    {"t": TABLE},
                )
            }
            for legacy in LEGACY_SQLITE:
                if legacy in present:
                    conn.execute(text(f"DROP TRIGGER {legacy}"))
            missing = [ddl for ddl in SQLITE_DDL if ddl.split()[5] not in present]
            for ddl in missing:
                conn.execute(text(ddl))
        elif engine.dialect.name == "postgresql":
            present = {
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) "
                        "AND NOT tgisinternal"
                    ),
                    {"t": TABLE},
                )
            }
            for legacy in LEGACY_PG:
                if legacy in present:
                    conn.execute(text(f"DROP TRIGGER {legacy} ON {TABLE}"))
            missing_pg = [ddl for name, ddl in PG_TRIGGERS.items() if name not in present]
            if missing_pg:
                conn.execute(text(PG_FUNCTION))
                for ddl in missing_pg:
                    conn.execute(text(ddl))
        conn.commit()
    _done.add(key)
    return True
