"""The event's 1:1 schedule from match scores (optimiser and greedy baseline, same run).

A meeting pairs an approved enterprise with an approved researcher; its score is the best match
score (``matches`` service) of the enterprise's demands against the researcher's supply items.
Requested partners are forced in; conflict-of-interest pairs are excluded; ``solver`` does the
rest. The stored meetings are checked again for clashes before the figures are reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.conflicts import rules as conflict_rules
from shuanggao.db.types import utcnow
from shuanggao.events import repository as repo
from shuanggao.events import solver
from shuanggao.events.errors import ScheduleInfeasible, ScheduleLocked
from shuanggao.events.models import Event, Meeting, Registration
from shuanggao.events.schemas import MeetingOrigin, RegistrationStatus, ScheduleSummary, Side
from shuanggao.events.service import get_event, managed_event
from shuanggao.matches import service as matches

APPROVED = RegistrationStatus.APPROVED.value

# (researcher user id, enterprise id) pairs → the reason they may not meet.
ConflictCheck = Callable[[Session, list[tuple[int, int]]], dict[tuple[int, int], str]]


def declared_conflicts(
    session: Session, pairs: list[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """The conflicts-of-interest domain's check: same organisation, or a declared tie."""
    found = conflict_rules.conflicting_pairs(session, pairs)
    return {(u, e): reason for (u, e), reason in found.items() if u is not None}


# The check the schedule uses unless a caller passes another.
CONFLICT_CHECK: ConflictCheck = declared_conflicts


@dataclass
class Instance:
    """What the solver sees, and how its indices map back to registrations and records."""

    enterprises: list[Registration]
    researchers: list[Registration]
    problem: solver.Problem
    # (i, j) → (demand id, supply item id) of the best pair behind the score.
    best: dict[tuple[int, int], tuple[int, int]]
    excluded_reasons: dict[tuple[int, int], str]


def build_instance(
    session: Session, settings: Settings, event: Event, check: ConflictCheck | None = None
) -> Instance:
    regs = [r for r in repo.registrations(session, event.id) if r.status == APPROVED]
    ents = [r for r in regs if r.side == Side.ENTERPRISE.value]
    ress = [r for r in regs if r.side == Side.RESEARCHER.value]
    demand_ids = [d for r in ents for d in r.demand_ids]
    supply_ids = [s for r in ress for s in r.supply_item_ids]
    pair_scores = matches.score_pairs(session, settings, demand_ids, supply_ids)
    score = np.zeros((len(ents), len(ress)))
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for i, e in enumerate(ents):
        for j, r in enumerate(ress):
            top, pair = 0.0, None
            for d in e.demand_ids:
                for s in r.supply_item_ids:
                    value = pair_scores.get((d, s), 0.0)
                    if value > top:
                        top, pair = value, (d, s)
            if pair is not None:
                score[i, j] = round(top, solver.DECIMALS)
                best[(i, j)] = pair
    index_e = {r.id: i for i, r in enumerate(ents)}
    index_r = {r.id: j for j, r in enumerate(ress)}
    forced: list[tuple[int, int]] = []
    for i, e in enumerate(ents):
        forced.extend((i, index_r[x]) for x in e.requested_ids if x in index_r)
    for j, r in enumerate(ress):
        forced.extend((index_e[x], j) for x in r.requested_ids if x in index_e)
    excluded = exclusions(session, ents, ress, check or CONFLICT_CHECK)
    problem = solver.Problem(
        score=score,
        slots=len(event.slots),
        tables=len(event.tables),
        enterprise_cap=np.full(len(ents), event.meeting_cap, dtype=np.int64),
        researcher_cap=np.full(len(ress), event.meeting_cap, dtype=np.int64),
        forced=tuple(dict.fromkeys(forced)),
        excluded=frozenset(excluded),
    )
    return Instance(ents, ress, problem, best, excluded)


def exclusions(
    session: Session,
    ents: Sequence[Registration],
    ress: Sequence[Registration],
    check: ConflictCheck,
) -> dict[tuple[int, int], str]:
    """The (enterprise index, researcher index) pairs that may not meet, with the reason."""
    pairs = [
        (r.researcher_user_id, e.enterprise_id)
        for r in ress
        for e in ents
        if r.researcher_user_id is not None and e.enterprise_id is not None
    ]
    flagged = check(session, pairs) if pairs else {}
    out: dict[tuple[int, int], str] = {}
    for i, e in enumerate(ents):
        for j, r in enumerate(ress):
            reason = flagged.get((r.researcher_user_id or 0, e.enterprise_id or 0))
            if reason is not None:
                out[(i, j)] = reason
    return out


def schedule_event(
    session: Session,
    settings: Settings,
    actor: Actor,
    event_id: int,
    check: ConflictCheck | None = None,
) -> ScheduleSummary:
    """Solve and store the event's schedule; answer its figures next to the greedy baseline."""
    event = managed_event(session, actor, event_id)
    # Scoring may end a read-only transaction (the search gives its connection back), so the
    # event is locked afterwards, for the writes.
    inst = build_instance(session, settings, event, check)
    event = managed_event(session, actor, event_id, lock=True)
    current = repo.meetings(session, event.id)
    if any(m.outcome for m in current) or any(
        r.checked_in_at is not None for r in repo.registrations(session, event.id)
    ):
        raise ScheduleLocked()
    started = time.perf_counter()
    try:
        result = solver.solve(inst.problem)
    except solver.Infeasible as exc:
        raise ScheduleInfeasible(extra={"reason": exc.reason}) from exc
    seconds = round(time.perf_counter() - started, 3)
    repo.delete_meetings(session, event.id)
    session.flush()
    for m in result.optimal.meetings:
        demand_id, supply_id = inst.best.get((m.enterprise, m.researcher), (None, None))
        session.add(
            Meeting(
                event_id=event.id,
                slot=m.slot,
                table_no=m.table,
                enterprise_registration_id=inst.enterprises[m.enterprise].id,
                researcher_registration_id=inst.researchers[m.researcher].id,
                demand_id=demand_id,
                supply_item_id=supply_id,
                score=m.score,
                origin=(MeetingOrigin.REQUESTED if m.forced else MeetingOrigin.OPTIMISER).value,
            )
        )
    event.scheduled_at = utcnow()
    event.total_score = result.optimal.total_score
    event.greedy_total_score = result.greedy.total_score
    event.greedy_meetings = len(result.greedy.meetings)
    event.solve_seconds = seconds
    session.flush()
    summary = summary_of(session, event, inst)
    audit.record(
        session,
        actor,
        "schedule",
        "event",
        event.id,
        summary=(
            f"生成对接会日程：{summary.meetings} 场洽谈，匹配总分 {summary.total_score}"
            f"（贪心 {summary.greedy_total_score}）"
        ),
        after=summary.model_dump(),
    )
    return summary


def summary_of(session: Session, event: Event, inst: Instance | None = None) -> ScheduleSummary:
    """The stored schedule's figures; ``clashes`` is counted on the stored meetings."""
    meetings = repo.meetings(session, event.id)
    cap = event.meeting_cap
    per_e = {m.enterprise_registration_id: cap for m in meetings}
    per_r = {m.researcher_registration_id: cap for m in meetings}
    excluded: list[tuple[int, int]] = []
    if inst is not None:
        excluded = [
            (inst.enterprises[i].id, inst.researchers[j].id) for i, j in inst.excluded_reasons
        ]
    rows = [
        (m.enterprise_registration_id, m.researcher_registration_id, m.slot, m.table_no)
        for m in meetings
    ]
    clashes = solver.clashes(rows, per_e, per_r, excluded)
    clashes += sum(
        1
        for m in meetings
        if not (0 <= m.slot < len(event.slots) and 0 <= m.table_no < len(event.tables))
    )
    return ScheduleSummary(
        meetings=len(meetings),
        total_score=round(sum(m.score for m in meetings), solver.DECIMALS) if meetings else 0.0,
        greedy_total_score=event.greedy_total_score or 0.0,
        clashes=clashes,
        greedy_meetings=event.greedy_meetings,
        requested=sum(1 for m in meetings if m.origin == MeetingOrigin.REQUESTED.value),
        dropped_requests=0 if inst is None else _dropped(inst),
        excluded_pairs=0 if inst is None else len(inst.excluded_reasons),
        solve_seconds=event.solve_seconds,
    )


def _dropped(inst: Instance) -> int:
    return sum(1 for p in inst.problem.forced if p in inst.problem.excluded)


def schedule_summary(session: Session, actor: Actor, event_id: int) -> ScheduleSummary:
    event = get_event(session, actor, event_id)
    return summary_of(session, event)
