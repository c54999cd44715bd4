"""The audit hash chain: every row carries the hash of its predecessor (tamper evidence).

``row_hash = SHA-256(canonical(row))`` where ``canonical`` is JSON with sorted keys, no spaces and
ASCII escapes over the content fields, ``seq`` and ``prev_hash``; timestamps are UTC ISO 8601 with
microseconds. The bytes are the same whether the row was read from SQLite or PostgreSQL, so a chain
written on one verifies on the other (after a copy).

Appending (``before_flush``, installed on import): new ``AuditEvent`` objects are chained in the
order they were added. The chain head is read with one indexed query (``ORDER BY seq DESC LIMIT 1``)
after taking a lock that serialises appenders until the transaction ends: on PostgreSQL a
transaction-scoped advisory lock (``pg_advisory_xact_lock``); SQLite serialises writers itself.
Should two transactions still chain onto the same row, the unique ``seq`` makes the second fail
rather than fork the chain.

Verifying (``verify``): walk the rows in ``seq`` order in batches and report each row whose stored
hash does not match its content (altered), whose ``prev_hash`` does not match the previous row's
hash (re-linked), or whose ``seq`` skips (rows deleted). Deleting the newest rows leaves a shorter
valid chain: compare the reported head with one recorded elsewhere (``audit/README.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from shuanggao.audit import repository as audit_repo
from shuanggao.audit.models import CONTENT_FIELDS, AuditEvent
from shuanggao.db.types import utcnow

GENESIS = "0" * 64
# Key of the advisory lock that serialises appends on PostgreSQL (any fixed bigint; "sgaudit").
PG_LOCK_KEY = 0x7367_6175_6469_74
BATCH_SIZE = 1000
MAX_PROBLEMS = 100


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict[str, Any]) -> bytes:
    """The bytes hashed for a row; ``values`` has the content fields, ``seq`` and ``prev_hash``."""
    doc: dict[str, Any] = {name: values[name] for name in CONTENT_FIELDS}
    doc["at"] = _stamp(values["at"])
    doc["seq"] = values["seq"]
    doc["prev_hash"] = values["prev_hash"]
    doc["v"] = 1
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def row_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def _values(obj: AuditEvent) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in ("seq", "prev_hash", *CONTENT_FIELDS)}


# --------------------------------------------------------------------------- appending


def lock_for_append(session: Session) -> None:
    """Serialise appenders until this transaction ends (PostgreSQL; SQLite does it itself)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})


def _chain_new_events(session: Session, _ctx: Any, _instances: Any) -> None:
    pending = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order or 0)
    lock_for_append(session)
    head = audit_repo.chain_head(session)
    seq, prev = (0, GENESIS) if head is None else head
    for obj in pending:
        if obj.at is None:
            obj.at = utcnow()
        if obj.summary is None:
            obj.summary = ""
        seq += 1
        obj.seq = seq
        obj.prev_hash = prev
        obj.row_hash = prev = row_hash(_values(obj))


if not event.contains(Session, "before_flush", _chain_new_events):
    event.listen(Session, "before_flush", _chain_new_events)


# --------------------------------------------------------------------------- verifying

REASON_LABELS = {
    "gap": "缺少记录（序号不连续，记录被删除）",
    "prev_hash": "与前一条记录的链接不符（前一条被改动或删除）",
    "row_hash": "内容与哈希不符（记录被改动）",
}


@dataclass(frozen=True)
class ChainProblem:
    id: int
    seq: int
    reasons: tuple[str, ...]  # "gap", "prev_hash", "row_hash"
    expected_seq: int

    @property
    def label(self) -> str:
        return "；".join(REASON_LABELS[r] for r in self.reasons)


@dataclass
class ChainReport:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    head_id: int | None = None
    problems: list[ChainProblem] = field(default_factory=list)
    truncated: bool = False  # more than MAX_PROBLEMS problems; only the first are listed

    @property
    def ok(self) -> bool:
        return not self.problems


def check_rows(
    rows: Iterable[dict[str, Any]], report: ChainReport, *, max_problems: int = MAX_PROBLEMS
) -> None:
    """Check rows (in ``seq`` order, continuing ``report``) and add what is wrong to ``report``."""
    for row in rows:
        expected = report.head_seq + 1
        reasons: list[str] = []
        if row["seq"] != expected:
            reasons.append("gap")
        if row["prev_hash"] != report.head_hash:
            reasons.append("prev_hash")
        if row_hash(row) != row["row_hash"]:
            reasons.append("row_hash")
        if reasons:
            if len(report.problems) < max_problems:
                report.problems.append(
                    ChainProblem(row["id"], row["seq"], tuple(reasons), expected)
                )
            else:
                report.truncated = True
        report.checked += 1
        # Go on from the stored row, so one change is reported once, not for every later row.
        report.head_seq, report.head_hash, report.head_id = row["seq"], row["row_hash"], row["id"]


def walk(
    session: Session,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> ChainReport:
    """Verify the whole chain, ``batch_size`` rows at a time; ``on_batch(n)`` after each batch."""
    report = ChainReport()
    after: int | None = None
    while True:
        batch: Sequence[dict[str, Any]] = audit_repo.chain_batch(session, after, batch_size)
        if not batch:
            break
        check_rows(batch, report)
        after = batch[-1]["seq"]
        if on_batch is not None:
            on_batch(len(batch))
    return report
