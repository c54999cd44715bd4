"""Events through the service: creation, registration scope, the schedule from match scores
(clash-free, ≥ greedy, requests honoured, conflicts excluded), outcomes, intake, report."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.config import Settings
from shuanggao.demand.models import Demand
from shuanggao.errors import Conflict, Duplicate, Forbidden, NotFound, ValidationFailed
from shuanggao.events import intake, report, scheduling, service
from shuanggao.events.errors import ScheduleLocked
from shuanggao.events.models import Meeting, Registration
from shuanggao.events.schemas import (
    Decision,
    IntakeCreate,
    Outcome,
    OutcomeUpdate,
    RegistrationCreate,
    Side,
)
from shuanggao.pipeline.models import Collaboration
from tests.actors import enterprise_user, university_admin, zone_admin
from tests.events.conftest import World, make_event, register_all


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_event_fills_the_organiser_and_checks_places(session: Session, world: World) -> None:
    event = make_event(session, world)
    assert (event.organiser_zone_id, event.organiser_university_id) == (world.zone.id, None)
    assert sorted(z.zone_id for z in event.zones) == sorted([world.zone.id, world.other_zone.id])
    with pytest.raises(ValidationFailed) as info:
        make_event(session, world, place=None)
    assert set(info.value.fields) == {"place"}
    with pytest.raises(Forbidden):
        service.create_event(
            session, enterprise_user(world.ents["storage"].id), service.EventCreate(
                title="企业办会", event_date=event.event_date, place="x",
                zone_ids=[world.zone.id], university_ids=[world.uni.id],
                slots=["a"], tables=["b"],
            ),
        )  # fmt: skip


def test_registration_scope_and_approval(session: Session, world: World) -> None:
    event = make_event(session, world)
    ent = world.ents["vision"]
    own = enterprise_user(ent.id)
    reg = service.register(
        session,
        own,
        event.id,
        RegistrationCreate(
            side=Side.ENTERPRISE, enterprise_id=ent.id, demand_ids=[world.demands["vision"].id]
        ),
    )
    assert reg.status == "pending"
    # The firm sees its own registration only; the organiser sees all.
    other = service.register(
        session,
        world.organiser,
        event.id,
        RegistrationCreate(side=Side.ENTERPRISE, enterprise_id=world.ents["storage"].id,
                           demand_ids=[world.demands["storage"].id]),
    )  # fmt: skip
    assert other.status == "approved"
    assert [r.id for r in service.visible_registrations(session, own, event)] == [reg.id]
    assert {r.id for r in service.visible_registrations(session, world.organiser, event)} == {
        reg.id,
        other.id,
    }
    with pytest.raises(NotFound):
        service.get_registration(session, own, other.id)
    # A firm cannot register another firm, nor bring another firm's demand; no double entry.
    before = _count(session, Registration)
    with pytest.raises(Forbidden):
        service.register(session, own, event.id, RegistrationCreate(
            side=Side.ENTERPRISE, enterprise_id=world.ents["chip"].id,
            demand_ids=[world.demands["chip"].id]))  # fmt: skip
    with pytest.raises(ValidationFailed) as info:
        service.register(session, world.organiser, event.id, RegistrationCreate(
            side=Side.ENTERPRISE, enterprise_id=world.ents["chip"].id,
            demand_ids=[world.demands["storage"].id]))  # fmt: skip
    assert set(info.value.fields) == {"demand_ids[0]"}
    with pytest.raises(ValidationFailed) as info:
        service.register(session, world.organiser, event.id, RegistrationCreate(
            side=Side.ENTERPRISE, enterprise_id=world.ents["outside"].id,
            demand_ids=[world.demands["outside"].id]))  # fmt: skip
    assert set(info.value.fields) == {"enterprise_id"}
    with pytest.raises(Duplicate):
        service.register(session, own, event.id, RegistrationCreate(
            side=Side.ENTERPRISE, enterprise_id=ent.id,
            demand_ids=[world.demands["vision"].id]))  # fmt: skip
    assert _count(session, Registration) == before
    # Only the organiser approves, with the version it read.
    with pytest.raises(Forbidden):
        service.decide(
            session,
            zone_admin(world.other_zone.id),
            reg.id,
            Decision(approve=True, version=reg.version),
        )
    with pytest.raises(Conflict):
        service.decide(
            session, world.organiser, reg.id, Decision(approve=True, version=reg.version + 1)
        )
    done = service.decide(
        session, world.organiser, reg.id, Decision(approve=True, version=reg.version)
    )
    assert done.status == "approved"
    # The zone administrator of 视觉区 sees its own firm's registration, not 储能区's.
    assert [
        r.id for r in service.visible_registrations(session, zone_admin(world.other_zone.id), event)
    ] == [reg.id]
    # An outside zone does not see the event at all.
    with pytest.raises(NotFound):
        service.get_event(session, zone_admin(world.outside_zone.id), event.id)


def test_schedule_from_match_scores(session: Session, settings: Settings, world: World) -> None:
    event = make_event(session, world)
    regs = register_all(session, world, event)
    summary = scheduling.schedule_event(session, settings, world.organiser, event.id)
    assert summary.clashes == 0
    assert summary.total_score >= summary.greedy_total_score > 0
    meetings = {
        (m.enterprise_registration_id, m.researcher_registration_id): m
        for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))
    }
    assert summary.meetings == len(meetings)
    # The best pairs by subject meet, with the pair of records behind them.
    storage = meetings[(regs["storage"].id, regs["r_storage"].id)]
    assert (storage.demand_id, storage.supply_item_id) == (
        world.demands["storage"].id,
        world.items["storage"].id,
    )
    assert (regs["vision"].id, regs["r_vision"].id) in meetings
    # Nobody is paired on a zero score (the poetry researcher matches nothing).
    assert all(m.score > 0 for m in meetings.values())
    assert regs["r_poetry"].id not in {r for _, r in meetings}
    # Caps: nobody has more than two meetings.
    for reg in regs.values():
        n = sum(1 for pair in meetings if reg.id in pair)
        assert n <= event.meeting_cap
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "schedule")).all()
    assert [a.entity_id for a in audit] == [str(event.id)]


def test_requested_pairs_are_scheduled(session: Session, settings: Settings, world: World) -> None:
    event = make_event(session, world)
    regs = register_all(session, world, event)
    # The chip firm asks for the poetry researcher (no shared terms at all).
    reg = regs["chip"]
    reg.requested_ids = [regs["r_poetry"].id]
    session.flush()
    summary = scheduling.schedule_event(session, settings, world.organiser, event.id)
    rows = session.scalars(select(Meeting).where(Meeting.event_id == event.id)).all()
    forced = [
        m for m in rows if (m.enterprise_registration_id, m.researcher_registration_id)
        == (regs["chip"].id, regs["r_poetry"].id)
    ]  # fmt: skip
    assert [m.origin for m in forced] == ["requested"]
    assert (summary.requested, summary.clashes) == (1, 0)


def test_conflicted_pairs_are_excluded(session: Session, settings: Settings, world: World) -> None:
    event = make_event(session, world)
    regs = register_all(session, world, event)
    storage_firm = world.ents["storage"].id
    seen: list[list[tuple[int, int]]] = []

    def check(_: Session, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        seen.append(pairs)
        return {(501, storage_firm): "持股"} if (501, storage_firm) in pairs else {}

    summary = scheduling.schedule_event(session, settings, world.organiser, event.id, check)
    pairs = {
        (m.enterprise_registration_id, m.researcher_registration_id)
        for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))
    }
    assert (regs["storage"].id, regs["r_storage"].id) not in pairs
    # The storage firm meets the battery-data researcher instead.
    assert (regs["storage"].id, regs["r_data"].id) in pairs
    assert (summary.excluded_pairs, summary.clashes) == (1, 0)
    assert len(seen[0]) == 3 * 4


def test_outcome_is_recorded_with_who_and_when_and_locks_the_schedule(
    session: Session, settings: Settings, world: World
) -> None:
    event = make_event(session, world)
    regs = register_all(session, world, event)
    scheduling.schedule_event(session, settings, world.organiser, event.id)
    meeting = session.scalars(
        select(Meeting).where(Meeting.enterprise_registration_id == regs["storage"].id)
    ).first()
    assert meeting is not None
    firm = enterprise_user(world.ents["storage"].id)
    stranger = enterprise_user(world.ents["vision"].id)
    with pytest.raises(NotFound):
        service.record_outcome(
            session,
            stranger,
            meeting.id,
            OutcomeUpdate(outcome=Outcome.INTENTION, version=meeting.version),
        )
    with pytest.raises(ValidationFailed):
        service.record_outcome(
            session,
            firm,
            meeting.id,
            OutcomeUpdate(outcome=Outcome.UNSUITABLE, version=meeting.version),
        )
    done = service.record_outcome(
        session,
        firm,
        meeting.id,
        OutcomeUpdate(outcome="有意向", reason="当场达成合作意向", version=meeting.version),
    )
    assert (done.outcome, done.outcome_by, done.outcome_at is not None) == (
        "intention",
        "ent",
        True,
    )
    # 有意向 starts the pair's collaboration in the pipeline, dated the event's day.
    started = session.scalars(
        select(Collaboration).where(Collaboration.meeting_id == meeting.id)
    ).all()
    assert [
        (c.demand_id, c.supply_item_id, c.event_id, c.stage, c.intent_date) for c in started
    ] == [(meeting.demand_id, meeting.supply_item_id, event.id, "intent", event.event_date)]
    with pytest.raises(ScheduleLocked):
        scheduling.schedule_event(session, settings, world.organiser, event.id)


def test_intake_suggests_present_first_saves_the_demand_and_books(
    session: Session, settings: Settings, world: World
) -> None:
    event = make_event(session, world, slots=["a", "b", "c"], meeting_cap=3)
    regs = register_all(session, world, event)
    scheduling.schedule_event(session, settings, world.organiser, event.id)
    hits = intake.suggest(session, settings, world.organiser, event.id, "锂电池储能热失控预警")
    assert hits[0].supply_item_id == world.items["storage"].id and hits[0].present
    assert hits[0].researcher_registration_id == regs["r_storage"].id
    before = _count(session, Demand)
    result = intake.save(
        session,
        settings,
        world.organiser,
        event.id,
        IntakeCreate(
            enterprise_registration_id=regs["chip"].id,
            title="储能测试芯片热失控预警",
            description="锂电池储能热失控预警用测试芯片",
            visibility="admins",
            supply_item_id=world.items["data"].id,
        ),
    )
    assert _count(session, Demand) == before + 1
    demand = session.get(Demand, result.demand_id)
    assert demand is not None and (demand.visibility, demand.enterprise_id) == (
        "admins",
        world.ents["chip"].id,
    )
    meeting = session.get(Meeting, result.meeting_id)
    assert meeting is not None and meeting.origin == "intake"
    summary = scheduling.schedule_summary(session, world.organiser, event.id)
    assert summary.clashes == 0
    assert result.demand_id in session.get(Registration, regs["chip"].id).demand_ids  # type: ignore[union-attr]


def test_report_counts_and_unanswered_needs(
    session: Session, settings: Settings, world: World
) -> None:
    event = make_event(session, world)
    regs = register_all(session, world, event)
    scheduling.schedule_event(session, settings, world.organiser, event.id)
    m = session.scalars(select(Meeting).where(Meeting.event_id == event.id)).first()
    assert m is not None
    service.record_outcome(
        session, world.organiser, m.id, OutcomeUpdate(outcome=Outcome.INTENTION, version=m.version)
    )
    service.check_in(session, world.organiser, regs["storage"].id)
    rep = report.event_report(session, settings, world.organiser, event.id)
    assert (rep.registrations, rep.checked_in, rep.intentions, rep.held) == (7, 1, 1, 1)
    # Only the storage researchers are present (checked in? none): all brought items count, and
    # the chip need has no answer among them.
    assert [n.demand_id for n in rep.unanswered] == [world.demands["chip"].id]
    assert sum(g.meetings for g in rep.by_zone) == rep.meetings
    with pytest.raises(Forbidden):
        report.event_report(session, settings, university_admin(world.uni.id), event.id)


def test_auditor_reads_but_never_writes(session: Session, world: World) -> None:
    event = make_event(session, world)
    auditor = Actor(role=Role.AUDITOR, user_id=9, username="audit")
    assert service.get_event(session, auditor, event.id).id == event.id
    with pytest.raises(Forbidden):
        service.register(session, auditor, event.id, RegistrationCreate(
            side=Side.ENTERPRISE, enterprise_id=world.ents["storage"].id,
            demand_ids=[world.demands["storage"].id]))  # fmt: skip


def test_declared_conflicts_are_excluded_from_the_schedule(
    session: Session, settings: Settings, world: World
) -> None:
    """The real check (``conflicts.rules.conflicting_pairs``): 王储能 declared a shareholding in
    the storage firm, so that best pair is not scheduled and the reason is counted."""
    from tests.factories import create_conflict_declaration, create_user

    researcher = create_user(session, Role.RESEARCHER, university_id=world.uni.id)
    create_conflict_declaration(session, researcher, world.ents["storage"])
    event = make_event(session, world)
    regs = register_all(session, world, event)
    regs["r_storage"].researcher_user_id = researcher.id
    session.flush()
    summary = scheduling.schedule_event(session, settings, world.organiser, event.id)
    pairs = {
        (m.enterprise_registration_id, m.researcher_registration_id)
        for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))
    }
    assert (regs["storage"].id, regs["r_storage"].id) not in pairs
    assert (regs["storage"].id, regs["r_data"].id) in pairs
    assert (summary.excluded_pairs, summary.clashes) == (1, 0)
