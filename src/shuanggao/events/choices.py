"""What a registration form offers: the participating zones' enterprises with their demands,
the participating universities' researchers with their supply items (within the actor's read
scope), and the registration a chosen option becomes."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.demand.registers import demands as demand_register
from shuanggao.errors import ValidationFailed
from shuanggao.events import policy
from shuanggao.events import repository as repo
from shuanggao.events.models import Event
from shuanggao.events.schemas import RegistrationCreate, Side
from shuanggao.kit import service as kit
from shuanggao.supply.registers import supply_items as supply_register


@dataclass
class Choice:
    value: str
    label: str
    ids: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    user_id: int | None = None


def enterprise_choices(session: Session, actor: Actor, event: Event) -> list[Choice]:
    rows = repo.enterprise_candidates_with_zone(
        session, [z.zone_id for z in event.zones], kit.read_scope(demand_register, actor)
    )
    out: dict[int, Choice] = {}
    for eid, name, zone_id, did, title in rows:
        if not policy.may_register(actor, event, Side.ENTERPRISE.value, eid, zone_id):
            continue
        choice = out.setdefault(eid, Choice(str(eid), name))
        choice.ids.append(did)
        choice.titles.append(title)
    return list(out.values())


def researcher_choices(session: Session, actor: Actor, event: Event) -> list[Choice]:
    rows = repo.researcher_candidates(
        session,
        [u.university_id for u in event.universities],
        kit.read_scope(supply_register, actor),
    )
    out: dict[tuple[int, str], Choice] = {}
    for uid, uname, owner, item_id, title, user_id in rows:
        if not policy.may_register(actor, event, Side.RESEARCHER.value, uid, None):
            continue
        if actor.role is Role.RESEARCHER and user_id is not None and user_id != actor.user_id:
            continue
        key = (uid, owner)
        choice = out.setdefault(key, Choice(f"{uid}:{owner}", f"{owner}（{uname}）"))
        choice.ids.append(item_id)
        choice.titles.append(title)
        choice.user_id = choice.user_id or user_id
    return list(out.values())


def registration_from_choice(
    session: Session, actor: Actor, event: Event, side: str, value: str
) -> RegistrationCreate:
    """The registration a form's choice stands for: the enterprise with all its demands, or
    the researcher with all their supply items."""
    if side == Side.ENTERPRISE.value:
        for c in enterprise_choices(session, actor, event):
            if c.value == value:
                return RegistrationCreate(
                    side=Side.ENTERPRISE, enterprise_id=int(c.value), demand_ids=c.ids
                )
        raise ValidationFailed(fields={"enterprise": "请选择参会高新区中有需求的企业"})
    for c in researcher_choices(session, actor, event):
        if c.value == value:
            uid, _, name = c.value.partition(":")
            return RegistrationCreate(
                side=Side.RESEARCHER,
                university_id=int(uid),
                researcher_name=name,
                researcher_user_id=c.user_id,
                supply_item_ids=c.ids,
            )
    raise ValidationFailed(fields={"researcher": "请选择参会高校中有技术供给的科研人员"})
