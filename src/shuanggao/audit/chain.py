"""The audit hash chain: every row carries the hash of its predecessor (tamper evidence).

``row_hash = SHA-256(canonical(row))`` where ``canonical`` is JSON with sorted keys, no spaces and
ASCII escapes over the content fields, ``seq`` and ``prev_hash``; timestamps are UTC ISO 8601 with
microseconds. The bytes are the same whether the row was read from SQLite or PostgreSQL, so a chain
written on one verifies on the other (after a copy).

The personal part of a row (who by name, IP, summary, before/after) is covered through
``payload_digest = SHA-256(payload(row))``, salted per row. Deleting a person (``erase``) replaces
that part in the rows about them and sets ``erased_by_seq`` to the chained ``anonymise`` row, whose
``erasure`` seal commits to the number and the seq numbers of the rows it erased. The verifier
accepts an erased row only when its seal matches exactly; any other change of the personal part
fails the digest (reason ``payload``), and a forged erasure fails the seal (reason ``erasure``).

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
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from shuanggao.audit import repository as audit_repo
from shuanggao.audit.models import CONTENT_FIELDS, PAYLOAD_FIELDS, AuditEvent
from shuanggao.db.types import utcnow

GENESIS = "0" * 64
# Key of the advisory lock that serialises appends on PostgreSQL (any fixed bigint; "sgaudit").
PG_LOCK_KEY = 0x7367_6175_6469_74
BATCH_SIZE = 1000
MAX_PROBLEMS = 100


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(doc: dict[str, Any]) -> bytes:
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def canonical(values: dict[str, Any]) -> bytes:
    """The bytes hashed for a row; ``values`` has the content fields, ``seq`` and ``prev_hash``."""
    doc: dict[str, Any] = {name: values[name] for name in CONTENT_FIELDS}
    doc["at"] = _stamp(values["at"])
    doc["seq"] = values["seq"]
    doc["prev_hash"] = values["prev_hash"]
    doc["v"] = 2
    return _json(doc)


def row_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def payload(values: dict[str, Any]) -> bytes:
    """The bytes of a row's personal part and its salt (covered by ``payload_digest``)."""
    doc: dict[str, Any] = {name: values[name] for name in PAYLOAD_FIELDS}
    doc["salt"] = values["payload_salt"]
    return _json(doc)


def payload_digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(payload(values)).hexdigest()


def erasure_seal(seqs: Iterable[int]) -> str:
    """What an ``anonymise`` row commits to: how many rows it erased and which (by seq)."""
    ordered = sorted(seqs)
    digest = hashlib.sha256(",".join(str(s) for s in ordered).encode("ascii")).hexdigest()
    return f"{len(ordered)}:{digest}"


def _values(obj: AuditEvent) -> dict[str, Any]:
    names = ("seq", "prev_hash", "payload_salt", *CONTENT_FIELDS, *PAYLOAD_FIELDS)
    return {name: getattr(obj, name) for name in names}


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
        if obj.payload_salt is None:
            obj.payload_salt = secrets.token_hex(16)
        obj.payload_digest = payload_digest(_values(obj))
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
    "payload": "操作人、摘要或前后内容与摘要值不符（记录被改动）",
    "erasure": "个人信息被清除，但与注销记录不符（清除被伪造）",
}


@dataclass(frozen=True)
class ChainProblem:
    id: int
    seq: int
    reasons: tuple[str, ...]  # "gap", "prev_hash", "row_hash", "payload", "erasure"
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
    # Rows whose personal part a deletion erased, with a matching seal (valid).
    erased: int = 0
    # Erased rows by the seq of the ``anonymise`` row they name: [(seq, id)], and the seals seen.
    pending_erasures: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    seals: dict[int, tuple[int, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _add(report: ChainReport, problem: ChainProblem, max_problems: int) -> None:
    if len(report.problems) < max_problems:
        report.problems.append(problem)
    else:
        report.truncated = True


def check_rows(
    rows: Iterable[dict[str, Any]], report: ChainReport, *, max_problems: int = MAX_PROBLEMS
) -> None:
    """Check rows (in ``seq`` order, continuing ``report``) and add what is wrong to ``report``.

    Erased rows are checked against their seal by ``finish`` once every row has been read."""
    for row in rows:
        expected = report.head_seq + 1
        reasons: list[str] = []
        if row["seq"] != expected:
            reasons.append("gap")
        if row["prev_hash"] != report.head_hash:
            reasons.append("prev_hash")
        if row_hash(row) != row["row_hash"]:
            reasons.append("row_hash")
        erased_by = row.get("erased_by_seq")
        if erased_by is not None:
            report.pending_erasures.setdefault(erased_by, []).append((row["seq"], row["id"]))
        elif payload_digest(row) != row["payload_digest"]:
            reasons.append("payload")
        if row.get("erasure") is not None:
            report.seals[row["seq"]] = (row["id"], row["erasure"])
        if reasons:
            _add(
                report, ChainProblem(row["id"], row["seq"], tuple(reasons), expected), max_problems
            )
        report.checked += 1
        # Go on from the stored row, so one change is reported once, not for every later row.
        report.head_seq, report.head_hash, report.head_id = row["seq"], row["row_hash"], row["id"]


def finish(report: ChainReport, *, max_problems: int = MAX_PROBLEMS) -> None:
    """Match the erased rows with the seals of the ``anonymise`` rows that name them."""
    for by_seq, rows in sorted(report.pending_erasures.items()):
        sealed = report.seals.get(by_seq)
        later = by_seq > max(s for s, _ in rows)
        if later and sealed is not None and erasure_seal(s for s, _ in rows) == sealed[1]:
            report.erased += len(rows)
            continue
        for seq, row_id in rows:
            _add(report, ChainProblem(row_id, seq, ("erasure",), seq), max_problems)
    erased_by = set(report.pending_erasures)
    for seq, (row_id, seal_text) in sorted(report.seals.items()):
        if seq not in erased_by and not seal_text.startswith("0:"):
            # A seal whose rows no longer name it: erased rows were put back or re-pointed.
            _add(report, ChainProblem(row_id, seq, ("erasure",), seq), max_problems)
    report.pending_erasures.clear()


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
    finish(report)
    return report
