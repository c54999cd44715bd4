"""Who reads and writes consortia.

A consortium is registered by the zone it works in: the zone's administrator writes it, as do the
administrators of its member universities. University roles read their university's consortia;
enterprise users read the consortia their enterprise leads or belongs to. The province writes
all; auditors read all.
"""

from __future__ import annotations

from shuanggao.actor import Role
from shuanggao.consortia import repository as repo
from shuanggao.consortia.models import Consortium
from shuanggao.pairings.policy import MemberTenantScoped

CONSORTIUM_POLICY = MemberTenantScoped(
    rules={
        "zone": lambda zone_id: Consortium.zone_id == zone_id,
        "university": lambda uid: Consortium.id.in_(repo.ids_with_university(uid)),
        "enterprise": lambda eid: Consortium.id.in_(repo.ids_with_enterprise(eid)),
    },
    owner_fields={"zone": "zone_id"},
    member_fields={"university": "university_ids"},
    writers=frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
)
