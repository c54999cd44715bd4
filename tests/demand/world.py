"""A small world for visibility tests: two zones, paired and unpaired universities, one demand
of each visibility, and an actor of every role on each side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_university,
    create_zone,
    pair_zone_with,
)

# Planted in the anonymous demand's enterprise and contact: must never reach outsiders.
CANARY = "CANARY7Q9金丝雀"


@dataclass
class World:
    zone_a: Any
    zone_b: Any
    uni_paired: Any
    uni_other: Any
    ent_a: Any
    ent_secret: Any
    ent_b: Any
    demands: dict[str, Any]
    actors: dict[str, Actor] = field(default_factory=dict)


def build_world(session: Session) -> World:
    zone_a = create_zone(session, name="甲高新区")
    zone_b = create_zone(session, name="乙高新区")
    uni_paired = create_university(session, name="结对大学")
    uni_other = create_university(session, name="其他大学")
    pair_zone_with(session, zone_a, uni_paired)
    ent_a = create_demand_enterprise(session, zone_a, name="甲企业有限公司")
    ent_secret = create_demand_enterprise(
        session, zone_a, name=f"{CANARY}储能有限公司", contact_person=CANARY
    )
    ent_b = create_demand_enterprise(session, zone_b, name="乙企业有限公司")
    demands = {
        "public": create_demand(session, ent_a, title="公开需求：储能安全", visibility="public"),
        "paired": create_demand(session, ent_a, title="结对需求：电池检测", visibility="paired"),
        "anonymous": create_demand(
            session,
            ent_secret,
            title="匿名需求：热失控预警",
            visibility="anonymous",
            contact_person=f"{CANARY}联系人",
            phone="13912345678",
        ),
        "admins": create_demand(session, ent_a, title="内部需求：产线改造", visibility="admins"),
        "other_zone_admins": create_demand(
            session, ent_b, title="乙区内部需求", visibility="admins"
        ),
    }
    actors = {
        "province": Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province"),
        "auditor": Actor(role=Role.AUDITOR, user_id=2, username="auditor"),
        "zone_a": Actor(role=Role.ZONE_ADMIN, user_id=3, username="za", zone_id=zone_a.id),
        "zone_b": Actor(role=Role.ZONE_ADMIN, user_id=4, username="zb", zone_id=zone_b.id),
        "ent_a": Actor(role=Role.ENTERPRISE_USER, user_id=5, username="ea", enterprise_id=ent_a.id),
        "ent_secret": Actor(
            role=Role.ENTERPRISE_USER, user_id=6, username="es", enterprise_id=ent_secret.id
        ),
        "ent_b": Actor(role=Role.ENTERPRISE_USER, user_id=7, username="eb", enterprise_id=ent_b.id),
        "uni_paired_admin": Actor(
            role=Role.UNIVERSITY_ADMIN, user_id=8, username="up", university_id=uni_paired.id
        ),
        "uni_paired_researcher": Actor(
            role=Role.RESEARCHER, user_id=9, username="rp", university_id=uni_paired.id
        ),
        "uni_other_admin": Actor(
            role=Role.UNIVERSITY_ADMIN, user_id=10, username="uo", university_id=uni_other.id
        ),
        "uni_other_student": Actor(
            role=Role.STUDENT, user_id=11, username="so", university_id=uni_other.id
        ),
        "mentor_paired": Actor(
            role=Role.MENTOR, user_id=12, username="mp", university_id=uni_paired.id
        ),
    }
    return World(zone_a, zone_b, uni_paired, uni_other, ent_a, ent_secret, ent_b, demands, actors)


# Which demands each actor reads (keys of World.demands).
EVERY = {"public", "paired", "anonymous", "admins", "other_zone_admins"}
OPEN = {"public", "anonymous"}
VISIBLE: dict[str, set[str]] = {
    "province": EVERY,
    "auditor": EVERY,
    "zone_a": {"public", "paired", "anonymous", "admins"},
    "zone_b": OPEN | {"other_zone_admins"},
    "ent_a": {"public", "paired", "anonymous", "admins"},
    "ent_secret": OPEN,
    "ent_b": OPEN | {"other_zone_admins"},
    "uni_paired_admin": OPEN | {"paired"},
    "uni_paired_researcher": OPEN | {"paired"},
    "mentor_paired": OPEN | {"paired"},
    "uni_other_admin": OPEN,
    "uni_other_student": OPEN,
}
# Who may know the enterprise behind the anonymous demand.
INSIDERS = {"province", "auditor", "zone_a", "ent_secret"}
