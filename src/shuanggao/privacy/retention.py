"""Retention (PIPL 19, 47): residents whose stay ended longer ago than the configured period are
anonymised — the name and the free-text note go, the row and its dates stay (the programme's
counts of residents per zone and year hold); the audit rows about them lose the name and typed
text as well (erased and sealed, the hash chain stays valid: ``audit.service.erase_records``).
Practice projects decided longer ago than their period keep their rows, dates, states and
scores; the free text (plan, outcome summary, decision note, progress reports, meeting minutes
and attendees, mentors' comments) is replaced, and the audit rows about them are erased and
sealed the same way. ``shuanggao privacy retention [--dry-run]``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.clock import today
from shuanggao.mentoring.models import Assessment, PracticeProject, ProgressReport
from shuanggao.mentoring.models import Meeting as PracticeMeeting
from shuanggao.privacy import repository as repo
from shuanggao.privacy.held import ANONYMISED_RESIDENT_PREFIX, resident_pseudonym

ANONYMISED_RESIDENT = "（已匿名）"


@dataclass(frozen=True)
class RetentionReport:
    cutoff: dt.date
    residents: int
    dry_run: bool
    practice_cutoff: dt.date | None = None
    practice_projects: int = 0


def _clear_projects(session: Session, projects: list[PracticeProject]) -> None:
    ids = [p.id for p in projects]
    for p in projects:
        p.plan = ANONYMISED_RESIDENT
        p.outcome_summary = ANONYMISED_RESIDENT if p.outcome_summary else None
        p.decision_note = ANONYMISED_RESIDENT if p.decision_note else None
    if not ids:
        return
    for r in session.scalars(select(ProgressReport).where(ProgressReport.project_id.in_(ids))):
        r.content = ANONYMISED_RESIDENT
    for m in session.scalars(select(PracticeMeeting).where(PracticeMeeting.project_id.in_(ids))):
        m.attendees = ANONYMISED_RESIDENT
        m.minutes = ANONYMISED_RESIDENT
    for a in session.scalars(select(Assessment).where(Assessment.project_id.in_(ids))):
        a.comment = ANONYMISED_RESIDENT


def run_practice(
    session: Session, actor: Actor, days: int, *, dry_run: bool = False
) -> tuple[dt.date, int]:
    """Anonymise practice projects decided more than ``days`` ago; (cutoff, how many)."""
    if days < 1:
        raise ValueError("保存期限须至少为 1 天。")
    cutoff = today() - dt.timedelta(days=days)
    start = dt.datetime.combine(cutoff, dt.time.min, tzinfo=dt.UTC)
    due = list(repo.practice_projects_decided_before(session, start, ANONYMISED_RESIDENT))
    if not dry_run and due:
        _clear_projects(session, due)
        # The audit rows about these projects (plans, reports, minutes, comments typed into them)
        # lose their readable part too; the hash chain stays valid.
        audit.erase_records(
            session,
            actor,
            "practice_projects",
            [p.id for p in due],
            [],
            summary=f"保存期限届满，匿名化实践项目 {len(due)} 项（认定早于 {cutoff}）",
            after={"ids": [p.id for p in due][:1000], "cutoff": cutoff.isoformat()},
        )
        session.flush()
    return cutoff, len(due)


def run(
    session: Session,
    actor: Actor,
    days: int,
    *,
    dry_run: bool = False,
    practice_days: int | None = None,
) -> RetentionReport:
    if days < 1:
        raise ValueError("保存期限须至少为 1 天。")
    cutoff = today() - dt.timedelta(days=days)
    due = repo.residents_ended_before(session, cutoff, ANONYMISED_RESIDENT_PREFIX)
    if not dry_run:
        names = [row.person_name for row in due]
        for row in due:
            row.person_name = resident_pseudonym(row.id)
            row.note = None
        if due:
            # The audit rows about these residents lose their names too (the chain stays valid).
            audit.erase_records(
                session,
                actor,
                "residents",
                [r.id for r in due],
                names,
                summary=f"保存期限届满，匿名化驻区师生记录 {len(due)} 条（离区早于 {cutoff}）",
                after={"ids": [r.id for r in due][:1000], "cutoff": cutoff.isoformat()},
            )
        session.flush()
    practice_cutoff, practice = (
        run_practice(session, actor, practice_days, dry_run=dry_run)
        if practice_days is not None
        else (None, 0)
    )
    return RetentionReport(
        cutoff=cutoff,
        residents=len(due),
        dry_run=dry_run,
        practice_cutoff=practice_cutoff,
        practice_projects=practice,
    )
