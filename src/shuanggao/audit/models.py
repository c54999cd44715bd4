from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shuanggao.db.base import Base
from shuanggao.db.types import UTCDateTime, utcnow

# The fields the hash chain covers directly (with seq and prev_hash), in no particular order: the
# canonical JSON sorts its keys. See ``shuanggao.audit.chain``.
CONTENT_FIELDS = (
    "at",
    "actor_user_id",
    "actor_role",
    "action",
    "entity",
    "entity_id",
    "payload_digest",
    "erasure",
)
# The readable, personal part of a row: the chain covers it only through ``payload_digest`` (a
# SHA-256 over these fields and a random per-row ``payload_salt``), so the deletion of a person
# can erase it while the chain stays valid (PIPL 47; checklist PI-06).
PAYLOAD_FIELDS = ("actor_name", "ip", "summary", "before", "after")
# What an erasure may change (``guard`` and the database triggers allow nothing else).
ERASABLE_FIELDS = (*PAYLOAD_FIELDS, "payload_salt", "erased_by_seq")


class AuditEvent(Base):
    """One audited action. Rows are only inserted; no delete path exists, and the one update is
    the erasure of the personal part at a person's deletion (``audit.service.erase_subject``).

    The rows form a hash chain (``audit.chain``): ``seq`` numbers them 1, 2, 3 … without gaps,
    ``prev_hash`` is the ``row_hash`` of row ``seq - 1`` (a fixed genesis value for the first) and
    ``row_hash`` is the SHA-256 of the row's content and ``prev_hash``. All three are set at flush.

    The personal part (``PAYLOAD_FIELDS``) is chained through ``payload_digest``. Deleting a
    person erases it (``erased_by_seq`` names the chained ``anonymise`` row whose ``erasure``
    seal commits to the erased rows' numbers); the row and its chained fields stay.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_name: Mapped[str] = mapped_column(String(100), nullable=False)
    actor_role: Mapped[str] = mapped_column(String(40), nullable=False)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # create / update / delete / import / export / sign_in / sign_in_failed / permission ...
    action: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    entity: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    entity_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    summary: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The hash chain (set by audit.chain before the row is inserted).
    seq: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    row_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # SHA-256 over the personal part and ``payload_salt`` (chained; set at flush).
    payload_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    # Random per row, so the digest of an erased row cannot be tested against guesses.
    payload_salt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # On an ``anonymise`` row: "<count>:<SHA-256 of the erased rows' seq numbers>" (chained).
    erasure: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Set when a deletion erased this row's personal part: the seq of that ``anonymise`` row.
    erased_by_seq: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
