"""Who reads and writes enterprises and enterprise services.

Enterprises:
- a zone administrator reads and writes the enterprises of their zone;
- an enterprise user reads its own row and edits its own profile (not its 统一社会信用代码 or
  zone, which the zone registers), and can neither create nor delete enterprises;
- university roles read the enterprises they work with: those in the zones their university
  is paired with (where 双高协同 work happens, so a project or a service can name them), those
  they have served, and those in their projects. They do not write enterprise profiles;
- province administrators and auditors read all.

Personal data (contact person and phone) is shown to the province, auditors, the zone and the
enterprise itself; university roles see the profile without them (they reach the enterprise
through the zone).

Enterprise services: the zone administrator (their zone's records) and the university
administrator (their university's records) write; the served enterprise reads its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.enterprises import repository as repo
from shuanggao.enterprises.models import Enterprise, EnterpriseService
from shuanggao.kit.policy import TenantScoped
from shuanggao.pairings.repository import zone_ids_paired_with_university


def _university_enterprises(university_id: int) -> ColumnElement[bool]:
    return or_(
        Enterprise.zone_id.in_(zone_ids_paired_with_university(university_id)),
        Enterprise.id.in_(repo.enterprise_ids_served_by(university_id)),
        Enterprise.id.in_(repo.enterprise_ids_in_projects_of(university_id)),
    )


class EnterprisePolicy(TenantScoped):
    def can_delete(self, actor: Actor, obj: Any) -> bool:
        """An enterprise user may edit its profile but not delete the enterprise."""
        if actor.role is Role.ENTERPRISE_USER:
            return False
        return self.can_modify(actor, obj)


ENTERPRISE_POLICY = EnterprisePolicy(
    rules={
        "zone": lambda zone_id: Enterprise.zone_id == zone_id,
        "enterprise": lambda eid: Enterprise.id == eid,
        "university": _university_enterprises,
    },
    owner_fields={"zone": "zone_id", "enterprise": "id"},
    writers=frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.ENTERPRISE_USER}),
)

SERVICE_POLICY = TenantScoped(
    rules={
        "zone": lambda zone_id: EnterpriseService.zone_id == zone_id,
        "university": lambda uid: EnterpriseService.university_id == uid,
        "enterprise": lambda eid: EnterpriseService.enterprise_id == eid,
    },
    owner_fields={"zone": "zone_id", "university": "university_id"},
    writers=frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
)


PERSONAL_FIELDS = frozenset({"contact_person", "phone"})


def hidden_enterprise_fields(actor: Actor, obj: Any) -> frozenset[str]:
    """Fields of an enterprise profile ``actor`` does not see (university roles: personal data)."""
    if ROLE_TENANT[actor.role] == "university":
        return PERSONAL_FIELDS
    return frozenset()
