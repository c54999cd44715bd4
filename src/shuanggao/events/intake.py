"""The on-site intake: a need typed at the event → suggestions (the supply of researchers
present first, then the whole province) → one click saves it as a demand of the enterprise
(through the demand register, with the visibility the firm chooses) and books a meeting with
the researcher present in the first slot where both are free and a table is left."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.config import Settings
from shuanggao.demand.registers import demands as demand_register
from shuanggao.demand.schemas import DemandCreate
from shuanggao.errors import NotFound, ValidationFailed
from shuanggao.events import policy
from shuanggao.events import repository as repo
from shuanggao.events.errors import NoFreeSlot
from shuanggao.events.models import Event, Meeting, Registration
from shuanggao.events.schemas import (
    IntakeCreate,
    IntakeResult,
    MeetingOrigin,
    RegistrationStatus,
    Side,
    Suggestion,
)
from shuanggao.events.service import get_event
from shuanggao.kit import service as kit
from shuanggao.matches import service as matches

APPROVED = RegistrationStatus.APPROVED.value
MAX_TEXT = 2000


def _present(session: Session, event: Event) -> dict[int, Registration]:
    """Supply item id → the approved researcher registration that brought it (checked-in first)."""
    regs = [
        r
        for r in repo.registrations(session, event.id)
        if r.side == Side.RESEARCHER.value and r.status == APPROVED
    ]
    regs.sort(key=lambda r: (r.checked_in_at is None, r.id))
    out: dict[int, Registration] = {}
    for r in regs:
        for item_id in r.supply_item_ids:
            out.setdefault(item_id, r)
    return out


def suggest(
    session: Session, settings: Settings, actor: Actor, event_id: int, text: str, top: int = 8
) -> list[Suggestion]:
    event = get_event(session, actor, event_id)
    text = text.strip()
    if not text:
        raise ValidationFailed(fields={"text": "请输入需求描述"})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(fields={"text": f"需求描述太长（最多 {MAX_TEXT} 个字符）"})
    present = _present(session, event)
    here = (
        matches.match_text_among(session, settings, actor, text, list(present), top)
        if present
        else None
    )
    province = matches.match_text_among(session, settings, actor, text, None, top)
    out: list[Suggestion] = []
    seen: set[int] = set()
    for run, is_present in ((here, True), (province, False)):
        if run is None:
            continue
        for hit in run.hits:
            item = hit.obj
            if item.id in seen:
                continue
            seen.add(item.id)
            reg = present.get(item.id)
            out.append(
                Suggestion(
                    supply_item_id=item.id,
                    title=hit.title,
                    owner=hit.owner,
                    university=item.university.name,
                    score=round(hit.score, 4),
                    present=is_present or reg is not None,
                    researcher_registration_id=reg.id if reg is not None else None,
                )
            )
    # Present first (each group in score order), then the province.
    out.sort(key=lambda s: not s.present)
    return out[: 2 * top]


def save(
    session: Session, settings: Settings, actor: Actor, event_id: int, data: IntakeCreate
) -> IntakeResult:
    event = get_event(session, actor, event_id)
    reg = repo.get_registration(session, data.enterprise_registration_id)
    if (
        reg is None
        or reg.event_id != event.id
        or reg.side != Side.ENTERPRISE.value
        or not policy.sees_registration(actor, event, reg)
    ):
        raise NotFound()
    if reg.status != APPROVED:
        raise ValidationFailed(fields={"enterprise_registration_id": "该企业的报名尚未通过审核"})
    assert reg.enterprise is not None
    demand = kit.create_record(
        session,
        actor,
        demand_register,
        DemandCreate(
            enterprise_id=reg.enterprise.id,
            title=data.title,
            description=data.description,
            cooperation_mode="development",
            visibility=data.visibility,
            note=f"对接会现场登记：{event.title}",
        ),
    )
    reg.demand_ids = [*reg.demand_ids, demand.id]
    session.flush()
    audit.record(
        session,
        actor,
        "intake",
        "event_registration",
        reg.id,
        summary=f"对接会现场登记需求：{data.title}",
        after={"demand_id": demand.id},
    )
    if data.supply_item_id is None:
        return IntakeResult(demand_id=demand.id, meeting_id=None, slot_label=None, table_label=None)
    researcher = _present(session, event).get(data.supply_item_id)
    if researcher is None:
        return IntakeResult(
            demand_id=demand.id,
            meeting_id=None,
            slot_label=None,
            table_label=None,
            note="该技术供给的科研人员未参加本次对接会，需求已保存，可会后联系。",
        )
    scores = matches.score_pairs(session, settings, [demand.id], [data.supply_item_id])
    meeting = book(session, actor, event, reg, researcher, demand.id, data.supply_item_id)
    if meeting.origin == MeetingOrigin.INTAKE.value and meeting.demand_id == demand.id:
        meeting.score = round(scores.get((demand.id, data.supply_item_id), 0.0), 6)
        session.flush()
    return IntakeResult(
        demand_id=demand.id,
        meeting_id=meeting.id,
        slot_label=event.slots[meeting.slot],
        table_label=event.tables[meeting.table_no],
    )


def book(
    session: Session,
    actor: Actor,
    event: Event,
    enterprise: Registration,
    researcher: Registration,
    demand_id: int | None,
    supply_item_id: int | None,
    *,
    origin: MeetingOrigin = MeetingOrigin.INTAKE,
    is_demo: bool = False,
) -> Meeting:
    """A meeting in the first slot where both are free and a table is left (their meeting if
    they already have one). The database's unique constraints decide a race: the loser tries
    the next free place."""
    for _ in range(3):
        meetings = repo.meetings(session, event.id)
        mine = [
            m
            for m in meetings
            if enterprise.id == m.enterprise_registration_id
            or researcher.id == m.researcher_registration_id
        ]
        for m in meetings:
            if (m.enterprise_registration_id, m.researcher_registration_id) == (
                enterprise.id,
                researcher.id,
            ):
                return m  # already meeting: the new need is discussed there
        count_e = sum(1 for m in mine if m.enterprise_registration_id == enterprise.id)
        count_r = sum(1 for m in mine if m.researcher_registration_id == researcher.id)
        if count_e >= event.meeting_cap or count_r >= event.meeting_cap:
            raise NoFreeSlot("一方的洽谈场次已达上限，无法再预约。")
        busy = {m.slot for m in mine}
        place = None
        for slot in range(len(event.slots)):
            if slot in busy:
                continue
            used = {m.table_no for m in meetings if m.slot == slot}
            free = [t for t in range(len(event.tables)) if t not in used]
            if free:
                place = (slot, free[0])
                break
        if place is None:
            raise NoFreeSlot()
        meeting = Meeting(
            event_id=event.id,
            slot=place[0],
            table_no=place[1],
            enterprise_registration_id=enterprise.id,
            researcher_registration_id=researcher.id,
            demand_id=demand_id,
            supply_item_id=supply_item_id,
            score=0.0,
            origin=origin.value,
            is_demo=is_demo,
        )
        try:
            with session.begin_nested():
                session.add(meeting)
                session.flush()
        except IntegrityError:
            continue
        audit.record(
            session,
            actor,
            "book",
            "event_meeting",
            meeting.id,
            summary=(
                f"对接会现场预约洽谈：{enterprise.label} × {researcher.label}，"
                f"{event.slots[meeting.slot]} {event.tables[meeting.table_no]}"
            ),
            after={"slot": meeting.slot, "table_no": meeting.table_no},
        )
        return meeting
    raise NoFreeSlot()
