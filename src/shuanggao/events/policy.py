"""Who sees and runs matchmaking events.

- The province and auditors read every event; the organiser (the zone or university that
  created it, or the province) manages it: registrations, approval, the schedule, check-in.
- A zone's administrators and enterprises read the events their zone takes part in; a
  university's administrators and researchers those of their university.
- Registrations: the organiser sees all of its event's; otherwise a zone administrator sees its
  zone's enterprises, an enterprise user its own enterprise, a university administrator its
  university's researchers, a researcher their own registration. Meetings follow the
  registrations: a party sees the meetings it takes part in.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select

from shuanggao.actor import Actor, Role
from shuanggao.enterprises.models import Enterprise
from shuanggao.events.models import Event, EventUniversity, EventZone, Meeting, Registration
from shuanggao.events.schemas import Side

UNIVERSITY_ROLES = frozenset({Role.UNIVERSITY_ADMIN, Role.RESEARCHER, Role.MENTOR, Role.STUDENT})


def event_read_filter(actor: Actor) -> ColumnElement[bool] | None:
    """SQL: the events ``actor`` may read (None: all)."""
    if actor.sees_everything:
        return None
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        zone_ids = select(EventZone.event_id).where(EventZone.zone_id == actor.zone_id)
        return or_(Event.organiser_zone_id == actor.zone_id, Event.id.in_(zone_ids))
    if actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
        own_zone = select(Enterprise.zone_id).where(Enterprise.id == actor.enterprise_id)
        return or_(
            Event.organiser_zone_id.in_(own_zone),
            exists().where(EventZone.event_id == Event.id, EventZone.zone_id.in_(own_zone)),
        )
    if actor.role in UNIVERSITY_ROLES and actor.university_id is not None:
        unis = select(EventUniversity.event_id).where(
            EventUniversity.university_id == actor.university_id
        )
        return or_(Event.organiser_university_id == actor.university_id, Event.id.in_(unis))
    return false()


def manages(actor: Actor, event: Event) -> bool:
    """The organiser's administrators and the province run the event."""
    if actor.is_province:
        return True
    if actor.role is Role.ZONE_ADMIN:
        return actor.zone_id is not None and event.organiser_zone_id == actor.zone_id
    if actor.role is Role.UNIVERSITY_ADMIN:
        return (
            actor.university_id is not None and event.organiser_university_id == actor.university_id
        )
    return False


def sees_registration(actor: Actor, event: Event, reg: Registration) -> bool:
    if actor.sees_everything or manages(actor, event):
        return True
    if reg.side == Side.ENTERPRISE.value:
        if actor.role is Role.ENTERPRISE_USER:
            return actor.enterprise_id is not None and reg.enterprise_id == actor.enterprise_id
        if actor.role is Role.ZONE_ADMIN and reg.enterprise is not None:
            return actor.zone_id is not None and reg.enterprise.zone_id == actor.zone_id
        return False
    if actor.role is Role.UNIVERSITY_ADMIN:
        return actor.university_id is not None and reg.university_id == actor.university_id
    if actor.role is Role.RESEARCHER:
        return actor.user_id is not None and reg.researcher_user_id == actor.user_id
    return False


def may_register(actor: Actor, event: Event, side: str, owner_id: int, zone_id: int | None) -> bool:
    """May ``actor`` register the enterprise (``owner_id``, in ``zone_id``) or a researcher of
    the university ``owner_id``?"""
    if manages(actor, event):
        return True
    if side == Side.ENTERPRISE.value:
        if actor.role is Role.ENTERPRISE_USER:
            return actor.enterprise_id == owner_id
        return (
            actor.role is Role.ZONE_ADMIN
            and actor.zone_id is not None
            and (actor.zone_id == zone_id)
        )
    if actor.role in (Role.UNIVERSITY_ADMIN, Role.RESEARCHER):
        return actor.university_id == owner_id
    return False


def may_record_outcome(actor: Actor, event: Event, meeting: Meeting) -> bool:
    """The organiser, or either side of the meeting (not auditors)."""
    if actor.role is Role.AUDITOR:
        return False
    if manages(actor, event):
        return True
    if actor.role not in (Role.ENTERPRISE_USER, Role.RESEARCHER):
        return False
    return sees_registration(actor, event, meeting.enterprise_registration) or (
        sees_registration(actor, event, meeting.researcher_registration)
    )
