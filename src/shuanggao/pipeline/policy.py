"""Who reads and moves collaborations.

The parties read and move a collaboration: the enterprise's users, the researcher who owns the
supply item, the university's administrators, the zone's administrators (who run the pairing
work), and the province; auditors read all and write nothing. Other university roles (students,
mentors, other researchers) see nothing: a collaboration in progress is business between the
parties. Outside that scope a collaboration answers 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from shuanggao.actor import Actor, Role
from shuanggao.pipeline.models import Collaboration
from shuanggao.pipeline.schemas import Side


def read_filter(actor: Actor) -> ColumnElement[bool] | None:
    if actor.sees_everything:
        return None
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return Collaboration.zone_id == actor.zone_id
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        return Collaboration.university_id == actor.university_id
    if actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
        return Collaboration.enterprise_id == actor.enterprise_id
    if actor.role is Role.RESEARCHER and actor.user_id is not None:
        return Collaboration.researcher_user_id == actor.user_id
    return false()


def side_of(actor: Actor) -> Side:
    if actor.role is Role.ENTERPRISE_USER:
        return Side.ENTERPRISE
    if actor.role in (Role.RESEARCHER, Role.UNIVERSITY_ADMIN):
        return Side.UNIVERSITY
    return Side.ADMIN


def may_write(actor: Actor, c: Collaboration) -> bool:
    """Every party that reads a collaboration moves it, except auditors."""
    if actor.role is Role.AUDITOR:
        return False
    if actor.is_province:
        return True
    return {
        Role.ZONE_ADMIN: c.zone_id == actor.zone_id,
        Role.UNIVERSITY_ADMIN: c.university_id == actor.university_id,
        Role.ENTERPRISE_USER: c.enterprise_id == actor.enterprise_id,
        Role.RESEARCHER: c.researcher_user_id is not None and c.researcher_user_id == actor.user_id,
    }.get(actor.role, False)
