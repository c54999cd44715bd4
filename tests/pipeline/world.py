"""A small pipeline world: a zone paired with a university, an enterprise with a demand, a
researcher with a supply item, a stored match between them, and the actors of each side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_match,
    create_pairing,
    create_supply_item,
    create_university,
    create_user,
    create_zone,
)


@dataclass
class World:
    zone: Any
    university: Any
    enterprise: Any
    pairing: Any
    demand: Any
    item: Any
    match: Any
    researcher: Any
    province: Actor
    ent: Actor
    uni: Actor
    res: Actor
    zone_admin: Actor
    stranger: Actor


def build(
    session: Session, *, visibility: str = "public", title: str = "储能电池安全预警"
) -> World:
    zone = create_zone(session)
    uni = create_university(session)
    pairing = create_pairing(session, zone=zone, universities=[uni])
    enterprise = create_demand_enterprise(session, zone)
    demand = create_demand(session, enterprise, title=title, visibility=visibility)
    researcher = create_user(session, Role.RESEARCHER, university_id=uni.id)
    item = create_supply_item(
        session, uni, title="电池热失控实验数据", owner_name="彭老师", owner_user_id=researcher.id
    )
    match = create_match(session, demand, item)
    other = create_demand_enterprise(session, zone)
    return World(
        zone=zone,
        university=uni,
        enterprise=enterprise,
        pairing=pairing,
        demand=demand,
        item=item,
        match=match,
        researcher=researcher,
        province=Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"),
        ent=Actor(
            role=Role.ENTERPRISE_USER, user_id=901, username="ent", enterprise_id=enterprise.id
        ),
        uni=Actor(role=Role.UNIVERSITY_ADMIN, user_id=902, username="uni", university_id=uni.id),
        res=Actor(
            role=Role.RESEARCHER, user_id=researcher.id, username="res", university_id=uni.id
        ),
        zone_admin=Actor(role=Role.ZONE_ADMIN, user_id=903, username="zone", zone_id=zone.id),
        stranger=Actor(
            role=Role.ENTERPRISE_USER, user_id=904, username="other", enterprise_id=other.id
        ),
    )
