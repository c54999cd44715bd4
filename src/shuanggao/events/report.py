"""The event report: meetings held, intentions, by zone and by university, and the needs
nobody present could answer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.errors import Forbidden
from shuanggao.events import policy
from shuanggao.events import repository as repo
from shuanggao.events.models import Meeting
from shuanggao.events.schemas import (
    EventReport,
    GroupCount,
    Outcome,
    RegistrationStatus,
    Side,
    UnansweredNeed,
)
from shuanggao.events.service import get_event
from shuanggao.matches import service as matches

APPROVED = RegistrationStatus.APPROVED.value
# A need is answered when a researcher present brought an item covering this share of its
# terms (the matching domain's own threshold for a covered demand).
ANSWER_SCORE = matches.MIN_COVERAGE


def held(meeting: Meeting) -> bool:
    """Held: an outcome was recorded, or both sides checked in."""
    return meeting.outcome is not None or (
        meeting.enterprise_registration.checked_in_at is not None
        and meeting.researcher_registration.checked_in_at is not None
    )


def event_report(session: Session, settings: Settings, actor: Actor, event_id: int) -> EventReport:
    event = get_event(session, actor, event_id)
    if not (actor.sees_everything or policy.manages(actor, event)):
        raise Forbidden("只有组织方可以查看对接会报告。")
    regs = [r for r in repo.registrations(session, event.id) if r.status == APPROVED]
    meetings = repo.meetings(session, event.id)
    zone_names = {
        z.id: z.name for z in repo.zones(session, [z.zone_id for z in event.zones]).values()
    }
    by_zone: dict[str, GroupCount] = {}
    by_uni: dict[str, GroupCount] = {}
    for m in meetings:
        ent = m.enterprise_registration.enterprise
        uni = m.researcher_registration.university
        keys = (
            (by_zone, zone_names.get(ent.zone_id, "其他") if ent is not None else "其他"),
            (by_uni, uni.name if uni is not None else "其他"),
        )
        for table, name in keys:
            row = table.setdefault(name, GroupCount(name=name, meetings=0, held=0, intentions=0))
            row.meetings += 1
            row.held += int(held(m))
            row.intentions += int(m.outcome == Outcome.INTENTION.value)
    present_items = [
        s
        for r in regs
        if r.side == Side.RESEARCHER.value and r.checked_in_at is not None
        for s in r.supply_item_ids
    ] or [s for r in regs if r.side == Side.RESEARCHER.value for s in r.supply_item_ids]
    demand_ids = [d for r in regs if r.side == Side.ENTERPRISE.value for d in r.demand_ids]
    scores = matches.score_pairs(session, settings, demand_ids, present_items)
    best: dict[int, float] = {}
    for (d, _), value in scores.items():
        best[d] = max(best.get(d, 0.0), value)
    owners = repo.demand_owners(session, demand_ids)
    names = {r.enterprise_id: r.label for r in regs if r.enterprise_id is not None}
    unanswered = [
        UnansweredNeed(demand_id=d, title=owners[d][1], enterprise=names.get(owners[d][0], ""))
        for d in dict.fromkeys(demand_ids)
        if d in owners and best.get(d, 0.0) < ANSWER_SCORE
    ]
    return EventReport(
        event_id=event.id,
        title=event.title,
        registrations=len(regs),
        checked_in=sum(1 for r in regs if r.checked_in_at is not None),
        meetings=len(meetings),
        held=sum(1 for m in meetings if held(m)),
        intentions=sum(1 for m in meetings if m.outcome == Outcome.INTENTION.value),
        follow_ups=sum(1 for m in meetings if m.outcome == Outcome.FOLLOW_UP.value),
        unsuitable=sum(1 for m in meetings if m.outcome == Outcome.UNSUITABLE.value),
        by_zone=sorted(by_zone.values(), key=lambda g: (-g.meetings, g.name)),
        by_university=sorted(by_uni.values(), key=lambda g: (-g.meetings, g.name)),
        unanswered=unanswered,
    )
