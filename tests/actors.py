"""Actors for API tests: the tenant-scoped roles, acting for one zone, university or enterprise.

Permissions come from the role and the tenant id; the user ids are placeholders.
"""

from __future__ import annotations

from shuanggao.actor import Actor, Role


def zone_admin(zone_id: int) -> Actor:
    return Actor(role=Role.ZONE_ADMIN, user_id=11, username="zone", zone_id=zone_id)


def university_admin(university_id: int) -> Actor:
    return Actor(
        role=Role.UNIVERSITY_ADMIN, user_id=12, username="uni", university_id=university_id
    )


def enterprise_user(enterprise_id: int) -> Actor:
    return Actor(role=Role.ENTERPRISE_USER, user_id=13, username="ent", enterprise_id=enterprise_id)
