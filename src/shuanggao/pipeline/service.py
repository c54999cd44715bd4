"""Use cases of the collaboration pipeline: start (from a match, an event meeting or directly),
advance, decline, each side's view, the confidentiality step, a contact logged, the consortium.

Every write checks the tenant first (404 outside the actor's scope), then the role, then the
version the editor read (428 without, 409 when stale), and is audited. Nothing commits here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shuanggao import clock
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.errors import (
    Conflict,
    Duplicate,
    Forbidden,
    NotFound,
    ValidationFailed,
    VersionRequired,
)
from shuanggao.kit import service as kit
from shuanggao.matches.models import Match
from shuanggao.pipeline import policy
from shuanggao.pipeline import repository as repo
from shuanggao.pipeline.errors import CollaborationClosed, ConfidentialityRequired, StageOrder
from shuanggao.pipeline.models import Collaboration, CollaborationStep
from shuanggao.pipeline.projects import ensure_project, link_consortium_project
from shuanggao.pipeline.schemas import (
    PROJECT_STAGES,
    STAGES,
    Advance,
    CollaborationRead,
    Confidentiality,
    Decline,
    LinkConsortium,
    Origin,
    Side,
    SideView,
    Stage,
    Status,
    stage_index,
)
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.registers import supply_items as supply_register

ENTITY = "collaborations"
CONFIDENTIAL_VISIBILITY = frozenset({"anonymous", "admins"})
# Past this stage a confidential need requires the confidentiality agreement.
NDA_BEFORE = stage_index(Stage.ENGAGED.value)
MAX_PAGE_SIZE = 200


def _snapshot(c: Collaboration) -> dict[str, Any]:
    return CollaborationRead.model_validate(c).model_dump(mode="json", exclude={"steps"})


def _log(
    session: Session,
    actor: Actor,
    c: Collaboration,
    kind: str,
    *,
    stage: str | None = None,
    day: dt.date | None = None,
    owner: str | None = None,
    note: str | None = None,
) -> None:
    session.add(
        CollaborationStep(
            collaboration_id=c.id,
            kind=kind,
            stage=stage,
            side=policy.side_of(actor).value,
            happened_date=day or clock.today(),
            owner=owner,
            note=note,
            actor_name=actor.username[:100],
        )
    )


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict() from exc
    except IntegrityError as exc:
        raise Duplicate("该需求与该技术供给已有合作对接记录。") from exc


def _day(
    value: dt.date | None, not_before: dt.date | None, field: str = "happened_date"
) -> dt.date:
    day = value or clock.today()
    if day > clock.today():
        raise ValidationFailed(fields={field: "日期不能晚于今天"})
    if not_before is not None and day < not_before:
        raise ValidationFailed(fields={field: f"日期不能早于上一阶段（{not_before.isoformat()}）"})
    return day


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def get_collaboration(session: Session, actor: Actor, collab_id: int) -> Collaboration:
    found = repo.get(session, collab_id, policy.read_filter(actor))
    if found is None:
        raise NotFound()
    return found


def list_collaborations(
    session: Session,
    actor: Actor,
    *,
    stage: str | None = None,
    status: str | None = None,
    zone_id: int | None = None,
    university_id: int | None = None,
    event_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Collaboration], int]:
    if stage is not None:
        stage = Stage.parse(stage)
        if stage not in set(STAGES):
            raise ValidationFailed(fields={"stage": "应为以下之一：" + "、".join(Stage.labels())})
    filters = {
        "stage": stage,
        "status": status,
        "zone_id": zone_id,
        "university_id": university_id,
        "event_id": event_id,
    }
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return repo.list_page(session, policy.read_filter(actor), filters, max(page, 1), page_size)


# ---------------------------------------------------------------------------------------------
# Start
# ---------------------------------------------------------------------------------------------


def _may_start(actor: Actor, demand: Demand, item: SupplyItem, origin: Origin) -> bool:
    if actor.role is Role.AUDITOR:
        return False
    if actor.is_province:
        return True
    if origin is Origin.MEETING and actor.role in (Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN):
        # The event's organiser records what the two sides agreed at the table.
        return True
    return {
        Role.ZONE_ADMIN: demand.zone_id == actor.zone_id,
        Role.ENTERPRISE_USER: demand.enterprise_id == actor.enterprise_id,
        Role.UNIVERSITY_ADMIN: item.university_id == actor.university_id,
        Role.RESEARCHER: item.owner_user_id is not None and item.owner_user_id == actor.user_id,
    }.get(actor.role, False)


def _start(
    session: Session,
    actor: Actor,
    demand_id: int,
    supply_item_id: int,
    origin: Origin,
    *,
    match_id: int | None = None,
    meeting_id: int | None = None,
    event_id: int | None = None,
    note: str | None = None,
    happened_date: dt.date | None = None,
) -> Collaboration:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    item: SupplyItem = kit.get_record(session, actor, supply_register, supply_item_id)
    if not _may_start(actor, demand, item, origin):
        raise Forbidden()
    existing = repo.find_pair(session, demand.id, item.id)
    if existing is not None:
        return _join_existing(session, actor, existing, match_id, meeting_id, event_id, note)
    day = _day(happened_date, None)
    c = Collaboration(
        title=f"{demand.title} × {item.title}"[:300],
        origin=origin.value,
        demand_id=demand.id,
        supply_item_id=item.id,
        match_id=match_id,
        meeting_id=meeting_id,
        event_id=event_id,
        enterprise_id=demand.enterprise_id,
        university_id=item.university_id,
        zone_id=demand.zone_id,
        pairing_id=repo.pairing_of(session, demand.zone_id, item.university_id),
        researcher_user_id=item.owner_user_id,
        stage=Stage.INTENT.value,
        status=Status.ACTIVE.value,
        confidential=demand.visibility in CONFIDENTIAL_VISIBILITY,
        intent_date=day,
    )
    session.add(c)
    _flush(session)
    _log(session, actor, c, "start", stage=Stage.INTENT.value, day=day, note=note)
    _flush(session)
    c = _reload(session, c.id)
    audit.record(
        session,
        actor,
        "create",
        ENTITY,
        c.id,
        summary=f"开始合作对接（{Origin(c.origin).label}）：{c.title}",
        after=_snapshot(c),
    )
    return c


def _join_existing(
    session: Session,
    actor: Actor,
    c: Collaboration,
    match_id: int | None,
    meeting_id: int | None,
    event_id: int | None,
    note: str | None,
) -> Collaboration:
    """The pair already has a collaboration: a new meeting or match is logged on it."""
    if not policy.may_write(actor, c) and actor.role not in (
        Role.ZONE_ADMIN,
        Role.UNIVERSITY_ADMIN,
    ):
        raise Duplicate("该需求与该技术供给已有合作对接记录。")
    changed = False
    if meeting_id is not None and c.meeting_id is None:
        c.meeting_id, c.event_id, changed = meeting_id, event_id, True
    if match_id is not None and c.match_id is None:
        c.match_id, changed = match_id, True
    if meeting_id is not None:
        _log(session, actor, c, "meeting", note=note or f"对接会会谈 #{meeting_id}")
        changed = True
    if changed:
        c.version = c.version + 1
        _flush(session)
        audit.record(
            session,
            actor,
            "update",
            ENTITY,
            c.id,
            summary=f"合作对接关联会谈/匹配：{c.title}",
            after={"meeting_id": c.meeting_id, "match_id": c.match_id},
        )
    return _reload(session, c.id)


def _reload(session: Session, collab_id: int) -> Collaboration:
    session.expire_all()
    found = repo.get(session, collab_id, None)
    if found is None:  # pragma: no cover - just written in this transaction
        raise NotFound()
    return found


def start_from_match(
    session: Session,
    actor: Actor,
    match_id: int | None = None,
    *,
    demand_id: int | None = None,
    supply_item_id: int | None = None,
    note: str | None = None,
    happened_date: dt.date | None = None,
) -> Collaboration:
    """有意向 on a stored match (or a demand × item pair the actor names directly)."""
    origin = Origin.MANUAL
    if match_id is not None:
        match = session.get(Match, match_id)
        if match is None:
            raise NotFound()
        demand_id, supply_item_id, origin = match.demand_id, match.supply_item_id, Origin.MATCH
    if demand_id is None or supply_item_id is None:
        raise ValidationFailed(fields={"match_id": "请指定匹配记录，或同时指定需求和技术供给"})
    return _start(
        session,
        actor,
        demand_id,
        supply_item_id,
        origin,
        match_id=match_id,
        note=note,
        happened_date=happened_date,
    )


def start_from_meeting(
    session: Session,
    actor: Actor,
    demand_id: int,
    supply_item_id: int,
    meeting_id: int,
    note: str | None = None,
    *,
    event_id: int | None = None,
    happened_date: dt.date | None = None,
) -> Collaboration:
    """有意向 agreed at an event meeting (当场达成合作意向). The events domain calls this with the
    meeting's id (and its event's, for the funnel by event). A pair that already has a
    collaboration gets the meeting logged on it instead."""
    return _start(
        session,
        actor,
        demand_id,
        supply_item_id,
        Origin.MEETING,
        meeting_id=meeting_id,
        event_id=event_id,
        note=note,
        happened_date=happened_date,
    )


# ---------------------------------------------------------------------------------------------
# Moves
# ---------------------------------------------------------------------------------------------


def _for_write(
    session: Session, actor: Actor, collab_id: int, version: int | None
) -> Collaboration:
    c = get_collaboration(session, actor, collab_id)  # tenant first: 404 names nothing
    if not policy.may_write(actor, c):
        raise Forbidden()
    if version is None:
        raise VersionRequired(extra={"current_version": c.version})
    if version != c.version:
        raise Conflict(extra={"current_version": c.version})
    return c


def _active(c: Collaboration) -> None:
    if c.status != Status.ACTIVE.value:
        raise CollaborationClosed()


def _save(
    session: Session,
    actor: Actor,
    c: Collaboration,
    action: str,
    summary: str,
    before: dict[str, Any],
) -> Collaboration:
    c.version = c.version + 1
    _flush(session)
    c = _reload(session, c.id)
    after = _snapshot(c)
    changed = {k: after[k] for k in after if before.get(k) != after[k]}
    audit.record(
        session,
        actor,
        action,
        ENTITY,
        c.id,
        summary=summary,
        before={k: before.get(k) for k in changed},
        after=changed,
    )
    return c


def advance(session: Session, actor: Actor, collab_id: int, body: Advance) -> Collaboration:
    c = _for_write(session, actor, collab_id, body.version)
    _active(c)
    current = stage_index(c.stage)
    if current + 1 >= len(STAGES):
        raise CollaborationClosed()
    target = STAGES[current + 1]
    if body.stage is not None and body.stage is not target:
        raise StageOrder(fields={"stage": f"下一阶段应为“{target.label}”"})
    if c.confidential and stage_index(target.value) >= NDA_BEFORE and c.nda_date is None:
        raise ConfidentialityRequired()
    if body.project_id is not None and target not in PROJECT_STAGES:
        raise ValidationFailed(fields={"project_id": "签订合同或立项时才能关联项目"})
    before = _snapshot(c)
    day = _day(body.happened_date, c.date_of(c.stage))
    setattr(c, f"{target.value}_date", day)
    c.stage = target.value
    if target is Stage.PROJECT_APPROVED:
        c.status = Status.DONE.value
    _log(
        session, actor, c, "advance", stage=target.value, day=day, owner=body.owner, note=body.note
    )
    if target in PROJECT_STAGES:
        ensure_project(session, actor, c, day, body.project_id)
    return _save(session, actor, c, "advance", f"合作对接推进至“{target.label}”：{c.title}", before)


def decline(session: Session, actor: Actor, collab_id: int, body: Decline) -> Collaboration:
    c = _for_write(session, actor, collab_id, body.version)
    _active(c)
    before = _snapshot(c)
    day = _day(body.happened_date, c.date_of(c.stage))
    c.status = Status.DECLINED.value
    c.decline_stage, c.decline_reason, c.declined_date = c.stage, body.reason, day
    _log(session, actor, c, "decline", stage=c.stage, day=day, note=body.reason)
    label = Stage(c.stage).label
    return _save(session, actor, c, "decline", f"合作对接在“{label}”阶段终止：{c.title}", before)


def record_view(session: Session, actor: Actor, collab_id: int, body: SideView) -> Collaboration:
    c = _for_write(session, actor, collab_id, body.version)
    side = policy.side_of(actor)
    if side is Side.ADMIN:
        raise Forbidden("各方的看法由企业方和高校方各自记录。")
    before = _snapshot(c)
    setattr(c, f"{side.value}_view_stage", body.stage.value)
    setattr(c, f"{side.value}_view_note", body.note)
    _log(session, actor, c, "view", stage=body.stage.value, note=body.note)
    return _save(session, actor, c, "view", f"{side.label}记录对接看法：{c.title}", before)


def record_confidentiality(
    session: Session, actor: Actor, collab_id: int, body: Confidentiality
) -> Collaboration:
    c = _for_write(session, actor, collab_id, body.version)
    _active(c)
    before = _snapshot(c)
    day = _day(body.signed_date, c.intent_date, "signed_date")
    c.nda_date = day
    _log(session, actor, c, "confidentiality", day=day, note=body.note or "签订保密协议")
    return _save(session, actor, c, "confidentiality", f"登记保密协议：{c.title}", before)


def log_contact(
    session: Session,
    actor: Actor,
    collab_id: int,
    version: int | None,
    note: str,
    happened_date: dt.date | None = None,
    owner: str | None = None,
) -> Collaboration:
    """A visit, call or meeting between the sides, without a change of stage."""
    c = _for_write(session, actor, collab_id, version)
    if not note.strip():
        raise ValidationFailed(fields={"note": "请填写联系或会谈内容"})
    before = _snapshot(c)
    day = _day(happened_date, c.intent_date)
    _log(session, actor, c, "contact", day=day, owner=owner, note=note.strip())
    return _save(session, actor, c, "contact", f"记录对接联系：{c.title}", before)


def link_consortium(
    session: Session, actor: Actor, collab_id: int, body: LinkConsortium
) -> Collaboration:
    c = _for_write(session, actor, collab_id, body.version)
    before = _snapshot(c)
    c.consortium_id = body.consortium_id
    name = link_consortium_project(session, actor, c)
    _log(
        session,
        actor,
        c,
        "consortium",
        note=f"纳入创新联合体：{name}" if name else "移出创新联合体",
    )
    return _save(session, actor, c, "consortium", f"合作对接关联创新联合体：{c.title}", before)
