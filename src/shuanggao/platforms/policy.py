"""Who reads and writes platforms.

A platform belongs to its zone and to each university co-building it: the zone's administrator
and the administrator of any member university read and write it (a member university may not
drop itself, nor a zone move the platform to another zone). University roles read their
university's platforms. Enterprise users read the platforms of their enterprise's zone: platforms
are built to be used by the zone's enterprises (shared instruments, pilot-scale lines). The
province writes all; auditors read all.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from shuanggao.actor import Role
from shuanggao.enterprises.models import Enterprise
from shuanggao.pairings.policy import MemberTenantScoped
from shuanggao.platforms import repository as repo
from shuanggao.platforms.models import Platform


def _enterprise_zone(enterprise_id: int) -> ColumnElement[bool]:
    return Platform.zone_id.in_(select(Enterprise.zone_id).where(Enterprise.id == enterprise_id))


PLATFORM_POLICY = MemberTenantScoped(
    rules={
        "zone": lambda zone_id: Platform.zone_id == zone_id,
        "university": lambda uid: Platform.id.in_(repo.platform_ids_with_university(uid)),
        "enterprise": _enterprise_zone,
    },
    owner_fields={"zone": "zone_id"},
    member_fields={"university": "university_ids"},
    writers=frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
)
