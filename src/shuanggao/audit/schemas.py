"""Response models of the audit API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_user_id: int | None
    actor_name: str
    actor_role: str
    ip: str | None
    action: str
    action_label: str
    entity: str
    entity_id: str | None
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    seq: int
    row_hash: str


class AuditPage(BaseModel):
    items: list[AuditEventRead]
    total: int
    page: int
    page_size: int


class ChainProblemRead(BaseModel):
    id: int
    seq: int
    expected_seq: int
    reasons: list[str]  # gap / prev_hash / row_hash / payload / erasure
    label: str


class ChainReportRead(BaseModel):
    ok: bool
    checked: int
    # Rows whose personal part a person's deletion erased (valid: their seal matches).
    erased: int
    head_id: int | None
    head_seq: int
    head_hash: str
    problems: list[ChainProblemRead]
    truncated: bool
