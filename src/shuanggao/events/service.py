"""Matchmaking events: create, register, approve, check in, record outcomes, read.

The schedule is in ``scheduling``, the on-site intake in ``intake``, the event report in
``report``, printable agendas in ``agenda``. Every function takes an ``Actor``; none commits.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.errors import (
    Conflict,
    Duplicate,
    Forbidden,
    NotFound,
    ValidationFailed,
    VersionRequired,
)
from shuanggao.events import policy
from shuanggao.events import repository as repo
from shuanggao.events.models import Event, EventUniversity, EventZone, Meeting, Registration
from shuanggao.events.schemas import (
    Decision,
    EventCreate,
    EventRead,
    MeetingRead,
    Outcome,
    OutcomeUpdate,
    RegistrationCreate,
    RegistrationRead,
    RegistrationStatus,
    Side,
)
from shuanggao.pipeline import service as pipeline
from shuanggao.universities.rules import check_universities
from shuanggao.zones.rules import check_zone

APPROVED = RegistrationStatus.APPROVED.value


def _check_write(actor: Actor) -> None:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")


def _check_version(obj: Registration | Meeting | Event, version: int | None) -> None:
    if version is None:
        raise VersionRequired()
    if version != obj.version:
        raise Conflict()


# --------------------------------------------------------------------------- events


def event_read(event: Event) -> EventRead:
    return EventRead.model_validate(
        {
            **{k: getattr(event, k) for k in EventRead.model_fields if hasattr(event, k)},
            "zone_ids": sorted(z.zone_id for z in event.zones),
            "university_ids": sorted(u.university_id for u in event.universities),
        }
    )


def create_event(session: Session, actor: Actor, data: EventCreate) -> Event:
    _check_write(actor)
    zone_id, uni_id = data.organiser_zone_id, data.organiser_university_id
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        zone_id, uni_id = actor.zone_id, None
    elif actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        zone_id, uni_id = None, actor.university_id
    elif not actor.is_province:
        raise Forbidden("只有高新区、高校管理员或省级管理员可以组织对接会。")
    if zone_id is not None and uni_id is not None:
        raise ValidationFailed(
            fields={"organiser_university_id": "组织方只能是一个高新区或一所高校"}
        )
    zone_ids = list(dict.fromkeys(data.zone_ids))
    uni_ids = list(dict.fromkeys(data.university_ids))
    if zone_id is not None and zone_id not in zone_ids:
        zone_ids.insert(0, zone_id)
    if uni_id is not None and uni_id not in uni_ids:
        uni_ids.insert(0, uni_id)
    for n, z in enumerate(zone_ids):
        check_zone(session, z, f"zone_ids[{n}]")
    check_universities(session, uni_ids, "university_ids")
    if not zone_ids:
        raise ValidationFailed(fields={"zone_ids": "至少选择一个参会高新区"})
    if not uni_ids:
        raise ValidationFailed(fields={"university_ids": "至少选择一所参会高校"})
    if not data.is_online and not (data.place or "").strip():
        raise ValidationFailed(fields={"place": "线下对接会请填写地点"})
    event = Event(
        title=data.title,
        event_date=data.event_date,
        place=data.place,
        is_online=data.is_online,
        organiser_zone_id=zone_id,
        organiser_university_id=uni_id,
        slots=data.slots,
        tables=data.tables,
        meeting_cap=data.meeting_cap,
        note=data.note,
    )
    event.zones = [EventZone(zone_id=z) for z in zone_ids]
    event.universities = [EventUniversity(university_id=u) for u in uni_ids]
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "event",
        event.id,
        summary=f"创建对接会：{event.title}",
        after={
            "title": event.title,
            "event_date": event.event_date.isoformat(),
            "zone_ids": zone_ids,
            "university_ids": uni_ids,
            "slots": len(event.slots),
            "tables": len(event.tables),
            "meeting_cap": event.meeting_cap,
        },
    )
    return get_event(session, actor, event.id)


def list_events(session: Session, actor: Actor) -> list[Event]:
    return repo.list_events(session, policy.event_read_filter(actor))


def get_event(session: Session, actor: Actor, event_id: int, *, lock: bool = False) -> Event:
    event = repo.get_event(session, event_id, policy.event_read_filter(actor), lock=lock)
    if event is None:
        raise NotFound()
    return event


def managed_event(session: Session, actor: Actor, event_id: int, *, lock: bool = False) -> Event:
    """The event, for its organiser: 404 outside the read scope, 403 inside it."""
    _check_write(actor)
    event = get_event(session, actor, event_id, lock=lock)
    if not policy.manages(actor, event):
        raise Forbidden("只有对接会的组织方可以执行此操作。")
    return event


def zone_options(session: Session) -> list[tuple[int, str]]:
    return repo.zone_options(session)


def university_options(session: Session) -> list[tuple[int, str]]:
    return repo.university_options(session)


# --------------------------------------------------------------------------- registrations


def registration_read(reg: Registration) -> RegistrationRead:
    return RegistrationRead.model_validate(reg)


def visible_registrations(session: Session, actor: Actor, event: Event) -> list[Registration]:
    return [
        r
        for r in repo.registrations(session, event.id)
        if policy.sees_registration(actor, event, r)
    ]


def register(
    session: Session, actor: Actor, event_id: int, data: RegistrationCreate
) -> Registration:
    """Register an enterprise with its demands or a researcher with their supply items.

    The organiser's registrations are approved at once; others wait for its approval.
    """
    _check_write(actor)
    event = get_event(session, actor, event_id)
    zone_ids = {z.zone_id for z in event.zones}
    uni_ids = {u.university_id for u in event.universities}
    values: dict[str, object]
    if data.side is Side.ENTERPRISE:
        if data.enterprise_id is None:
            raise ValidationFailed(fields={"enterprise_id": "请选择企业"})
        enterprise = repo.enterprises(session, [data.enterprise_id]).get(data.enterprise_id)
        if enterprise is None:
            raise ValidationFailed(fields={"enterprise_id": "企业不存在"})
        if not policy.may_register(
            actor, event, Side.ENTERPRISE.value, enterprise.id, enterprise.zone_id
        ):
            raise Forbidden("您只能为本高新区或本企业报名。")
        if enterprise.zone_id not in zone_ids:
            raise ValidationFailed(fields={"enterprise_id": "该企业所在高新区未参加本次对接会"})
        owners = repo.demand_owners(session, data.demand_ids)
        for n, demand_id in enumerate(data.demand_ids):
            if owners.get(demand_id, (None,))[0] != enterprise.id:
                raise ValidationFailed(
                    fields={f"demand_ids[{n}]": f"需求 {demand_id} 不存在或不属于该企业"}
                )
        if not data.demand_ids:
            raise ValidationFailed(fields={"demand_ids": "请至少带一条产业需求"})
        values = {
            "party_key": f"e:{enterprise.id}",
            "enterprise_id": enterprise.id,
            "demand_ids": list(dict.fromkeys(data.demand_ids)),
        }
    else:
        uni_id = data.university_id
        if actor.role is Role.RESEARCHER:
            uni_id = actor.university_id
        if uni_id is None:
            raise ValidationFailed(fields={"university_id": "请选择高校"})
        name = " ".join((data.researcher_name or "").split())
        if not name:
            raise ValidationFailed(fields={"researcher_name": "请填写科研人员姓名"})
        if not policy.may_register(actor, event, Side.RESEARCHER.value, uni_id, None):
            raise Forbidden("您只能为本校科研人员报名。")
        if uni_id not in uni_ids:
            raise ValidationFailed(fields={"university_id": "该高校未参加本次对接会"})
        items = repo.supply_owners(session, data.supply_item_ids)
        for n, item_id in enumerate(data.supply_item_ids):
            if items.get(item_id, (None,))[0] != uni_id:
                raise ValidationFailed(
                    fields={f"supply_item_ids[{n}]": f"技术供给 {item_id} 不存在或不属于该高校"}
                )
        if not data.supply_item_ids:
            raise ValidationFailed(fields={"supply_item_ids": "请至少带一条技术供给"})
        user_id = actor.user_id if actor.role is Role.RESEARCHER else data.researcher_user_id
        values = {
            "party_key": f"r:{uni_id}:{name}",
            "university_id": uni_id,
            "researcher_name": name,
            "researcher_user_id": user_id,
            "supply_item_ids": list(dict.fromkeys(data.supply_item_ids)),
        }
    if repo.find_registration(session, event.id, str(values["party_key"])) is not None:
        raise Duplicate("该参会方已报名本次对接会。")
    approved = policy.manages(actor, event)
    reg = Registration(
        event_id=event.id,
        side=data.side.value,
        requested_ids=list(dict.fromkeys(data.requested_ids)),
        status=APPROVED if approved else RegistrationStatus.PENDING.value,
        decided_by=actor.username if approved else None,
        decided_at=utcnow() if approved else None,
        **values,
    )
    _check_requests(session, event, reg)
    try:
        with session.begin_nested():
            session.add(reg)
            session.flush()
    except IntegrityError as exc:  # a concurrent registration of the same party won
        raise Duplicate("该参会方已报名本次对接会。") from exc
    audit.record(
        session,
        actor,
        "create",
        "event_registration",
        reg.id,
        summary=f"报名对接会“{event.title}”（{Side(reg.side).label}）",
        after={
            "event_id": event.id,
            "side": reg.side,
            "enterprise_id": reg.enterprise_id,
            "university_id": reg.university_id,
            "demand_ids": reg.demand_ids,
            "supply_item_ids": reg.supply_item_ids,
            "requested_ids": reg.requested_ids,
            "status": reg.status,
        },
    )
    loaded = repo.get_registration(session, reg.id)
    assert loaded is not None
    return loaded


def _check_requests(session: Session, event: Event, reg: Registration) -> None:
    """Requested partners are registrations of the other side of the same event."""
    if not reg.requested_ids:
        return
    others = {r.id: r for r in repo.registrations(session, event.id)}
    for n, other_id in enumerate(reg.requested_ids):
        other = others.get(other_id)
        if other is None or other.side == reg.side:
            raise ValidationFailed(
                fields={f"requested_ids[{n}]": f"报名 {other_id} 不是本次对接会的另一方参会者"}
            )


def _registration_for(session: Session, actor: Actor, reg_id: int) -> tuple[Event, Registration]:
    reg = repo.get_registration(session, reg_id)
    if reg is None:
        raise NotFound()
    event = get_event(session, actor, reg.event_id)
    if not policy.sees_registration(actor, event, reg):
        raise NotFound()
    return event, reg


def get_registration(session: Session, actor: Actor, reg_id: int) -> Registration:
    return _registration_for(session, actor, reg_id)[1]


def decide(session: Session, actor: Actor, reg_id: int, data: Decision) -> Registration:
    event, reg = _registration_for(session, actor, reg_id)
    _check_write(actor)
    if not policy.manages(actor, event):
        raise Forbidden("只有对接会的组织方可以审核报名。")
    _check_version(reg, data.version)
    before = reg.status
    reg.status = APPROVED if data.approve else RegistrationStatus.REJECTED.value
    reg.decided_by = actor.username
    reg.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "event_registration",
        reg.id,
        summary=f"审核对接会报名：{reg.label} → {RegistrationStatus(reg.status).label}",
        before={"status": before},
        after={"status": reg.status},
    )
    return reg


def check_in(session: Session, actor: Actor, reg_id: int) -> Registration:
    """Mark a participant present (the organiser at the door); the first check-in counts."""
    event, reg = _registration_for(session, actor, reg_id)
    _check_write(actor)
    if not policy.manages(actor, event):
        raise Forbidden("只有对接会的组织方可以签到。")
    if reg.status != APPROVED:
        raise ValidationFailed(fields={"status": "报名尚未通过审核，不能签到"})
    if reg.checked_in_at is None:
        reg.checked_in_at = utcnow()
        reg.checked_in_by = actor.username
        session.flush()
        audit.record(
            session,
            actor,
            "check_in",
            "event_registration",
            reg.id,
            summary=f"对接会签到：{reg.label}",
            after={"checked_in_at": reg.checked_in_at.isoformat()},
        )
    return reg


# --------------------------------------------------------------------------- meetings


def visible_meetings(session: Session, actor: Actor, event: Event) -> list[Meeting]:
    return [
        m
        for m in repo.meetings(session, event.id)
        if policy.sees_registration(actor, event, m.enterprise_registration)
        or policy.sees_registration(actor, event, m.researcher_registration)
    ]


def party_label(actor: Actor, reg: Registration) -> str:
    """A registration as ``actor`` may see it: a researcher who has not consented to being
    shown to enterprises is “某专家（未授权展示）” to an enterprise (``personal.shown``)."""
    if reg.enterprise is not None:
        return reg.label
    name = personal.shown(actor, "event_registration", "researcher_name", reg) or ""
    school = reg.university.name if reg.university is not None else ""
    return f"{name}（{school}）"


def meeting_reads(
    session: Session, actor: Actor, event: Event, meetings: list[Meeting]
) -> list[MeetingRead]:
    demands = repo.demand_owners(session, [m.demand_id for m in meetings if m.demand_id])
    items = repo.supply_owners(session, [m.supply_item_id for m in meetings if m.supply_item_id])
    out = []
    for m in meetings:
        out.append(
            MeetingRead(
                id=m.id,
                slot=m.slot,
                slot_label=_label(event.slots, m.slot),
                table_no=m.table_no,
                table_label=_label(event.tables, m.table_no),
                enterprise_registration_id=m.enterprise_registration_id,
                enterprise=m.enterprise_registration.label,
                researcher_registration_id=m.researcher_registration_id,
                researcher=party_label(actor, m.researcher_registration),
                demand_id=m.demand_id,
                demand_title=demands[m.demand_id][1] if m.demand_id in demands else None,
                supply_item_id=m.supply_item_id,
                supply_item_title=items[m.supply_item_id][1] if m.supply_item_id in items else None,
                score=round(m.score, 6),
                origin=m.origin,
                outcome=m.outcome,
                outcome_label=Outcome(m.outcome).label if m.outcome else None,
                outcome_reason=m.outcome_reason,
                outcome_by=m.outcome_by,
                outcome_at=m.outcome_at,
                version=m.version,
            )
        )
    return out


def _label(labels: list[str], n: int) -> str:
    return labels[n] if 0 <= n < len(labels) else str(n + 1)


def get_meeting(session: Session, actor: Actor, meeting_id: int) -> tuple[Event, Meeting]:
    meeting = repo.get_meeting(session, meeting_id)
    if meeting is None:
        raise NotFound()
    event = get_event(session, actor, meeting.event_id)
    if not (
        policy.sees_registration(actor, event, meeting.enterprise_registration)
        or policy.sees_registration(actor, event, meeting.researcher_registration)
    ):
        raise NotFound()
    return event, meeting


def record_outcome(session: Session, actor: Actor, meeting_id: int, data: OutcomeUpdate) -> Meeting:
    """有意向 / 需再沟通 / 不合适 (+ reason), with who and when."""
    event, meeting = get_meeting(session, actor, meeting_id)
    _check_write(actor)
    if not policy.may_record_outcome(actor, event, meeting):
        raise Forbidden("只有组织方或洽谈双方可以记录洽谈结果。")
    _check_version(meeting, data.version)
    reason = (data.reason or "").strip() or None
    if data.outcome is Outcome.UNSUITABLE and reason is None:
        raise ValidationFailed(fields={"reason": "选择“不合适”时请填写原因"})
    before = {"outcome": meeting.outcome, "reason": meeting.outcome_reason}
    meeting.outcome = data.outcome.value
    meeting.outcome_reason = reason
    meeting.outcome_by = actor.username
    meeting.outcome_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "outcome",
        "event_meeting",
        meeting.id,
        summary=(
            f"对接会洽谈结果：{meeting.enterprise_registration.label} × "
            f"{meeting.researcher_registration.label} → {data.outcome.label}"
        ),
        before=before,
        after={"outcome": meeting.outcome, "reason": reason, "by": actor.username},
    )
    if data.outcome is Outcome.INTENTION:
        _start_collaboration(session, actor, event, meeting, reason)
    return meeting


def _start_collaboration(
    session: Session, actor: Actor, event: Event, meeting: Meeting, note: str | None
) -> int | None:
    """有意向 starts the pair's collaboration in the pipeline (or logs this meeting on the one it
    has). The outcome stands even when the actor may not open the pipeline record (a researcher
    who cannot read the firm's need): the organiser's own record carries it then."""
    if meeting.demand_id is None or meeting.supply_item_id is None:
        return None
    try:
        with session.begin_nested():
            collaboration = pipeline.start_from_meeting(
                session,
                actor,
                meeting.demand_id,
                meeting.supply_item_id,
                meeting.id,
                note or f"{event.title}：当场达成合作意向",
                event_id=event.id,
                happened_date=event.event_date,
            )
    except (Forbidden, NotFound, Duplicate):
        return None
    return collaboration.id
