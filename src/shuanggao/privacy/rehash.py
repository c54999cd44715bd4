"""Back-fill the keyed phone hash (the blind index of ``db.sealed``) for rows written before it
existed, or whose hash is stale: ``shuanggao privacy rehash-phones``.

Idempotent: a row whose stored hash already equals the blind index of its phone is not written,
so a second run changes nothing. Reads in batches by primary key (constant memory)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.db.base import Base
from shuanggao.db.sealed import BLIND_INDEXES, blind_index
from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import Enterprise

BATCH_SIZE = 500
# The models whose import registers their blind indexes (``keep_blind_index``).
INDEXED_MODELS = (Enterprise, Demand)


def total(session: Session) -> int:
    """Rows that carry a phone, across every table with a blind index."""
    count = 0
    for name, (source, _hash) in sorted(BLIND_INDEXES.items()):
        table = Base.metadata.tables[name]
        count += (
            session.scalar(
                select(func.count()).select_from(table).where(table.c[source].is_not(None))
            )
            or 0
        )
    return count


def rehash_phones(
    session: Session,
    actor: Actor,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Set every stale or missing phone hash; returns the rows changed per table."""
    changed: dict[str, int] = {}
    for name, (source, hash_name) in sorted(BLIND_INDEXES.items()):
        table = Base.metadata.tables[name]
        pk = next(iter(table.primary_key.columns))
        changed[name] = 0
        last = None
        while True:
            stmt = (
                select(pk, table.c[source], table.c[hash_name])
                .where(table.c[source].is_not(None))
                .order_by(pk)
                .limit(batch_size)
            )
            if last is not None:
                stmt = stmt.where(pk > last)
            rows = session.execute(stmt).all()
            if not rows:
                break
            for row_id, phone, stored in rows:
                digest = blind_index(phone)
                if digest != stored:
                    session.execute(update(table).where(pk == row_id).values({hash_name: digest}))
                    changed[name] += 1
            last = rows[-1][0]
            if on_batch is not None:
                on_batch(len(rows))
    done = sum(changed.values())
    if done:
        audit.record(
            session,
            actor,
            "update",
            "phone_hashes",
            None,
            summary=f"补算电话检索哈希 {done} 条",
            after=changed,
        )
    session.flush()
    return changed
