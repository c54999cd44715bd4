"""Retention (PIPL 19, 47): residents whose stay ended longer ago than the configured period are
anonymised — the name and the free-text note go, the row and its dates stay (the programme's
counts of residents per zone and year hold). ``shuanggao privacy retention [--dry-run]``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.clock import today
from shuanggao.privacy import repository as repo

ANONYMISED_RESIDENT = "（已匿名）"


@dataclass(frozen=True)
class RetentionReport:
    cutoff: dt.date
    residents: int
    dry_run: bool


def run(session: Session, actor: Actor, days: int, *, dry_run: bool = False) -> RetentionReport:
    if days < 1:
        raise ValueError("保存期限须至少为 1 天。")
    cutoff = today() - dt.timedelta(days=days)
    due = repo.residents_ended_before(session, cutoff, ANONYMISED_RESIDENT)
    if not dry_run:
        for row in due:
            row.person_name = ANONYMISED_RESIDENT
            row.note = None
        if due:
            audit.record(
                session,
                actor,
                "anonymise",
                "residents",
                None,
                summary=f"保存期限届满，匿名化驻区师生记录 {len(due)} 条（离区早于 {cutoff}）",
                after={"ids": [r.id for r in due][:1000], "cutoff": cutoff.isoformat()},
            )
        session.flush()
    return RetentionReport(cutoff=cutoff, residents=len(due), dry_run=dry_run)
