"""Where the registered projects began: how many of the ``projects`` figure of ``shuanggao
stats`` came through the pipeline from a match, an event meeting or a direct contact, and how
many were registered directly (the trace behind the count)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.pipeline import repository as repo
from shuanggao.projects.policy import PROJECT_POLICY


class ProjectOrigins(BaseModel):
    total: int
    match: int
    meeting: int
    manual: int
    # Registered in the projects register (or imported), not through the pipeline.
    direct: int


def project_origins(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None = None
) -> ProjectOrigins:
    counts = repo.project_origin_counts(session, as_of, PROJECT_POLICY.read_filter(actor), zone_id)
    return ProjectOrigins(
        total=sum(counts.values()),
        match=counts.get("match", 0),
        meeting=counts.get("meeting", 0),
        manual=counts.get("manual", 0),
        direct=counts.get(None, 0),
    )
