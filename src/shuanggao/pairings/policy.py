"""Who reads and writes pairings and their 五个一 items.

- Province administrators and auditors read everything; only the province and a zone's
  administrator write a pairing (a zone administrator only their own zone's, and may not move it to
  another zone); only the province deletes one. A pairing is an agreement the zone registers;
  universities take part in it but do not edit it.
- University roles read the pairings their university is a member of.
- Enterprise users read the pairings of the zone their enterprise belongs to (to see which
  universities their zone works with).
- 五个一 items follow their pairing for reads. They are written by the province, the pairing's
  zone administrator, and the administrators of its member universities (the platform, the
  leading talent and many benchmark projects are the university's side of the work).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select

from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.kit.policy import Policy, TenantScoped
from shuanggao.pairings import repository as repo
from shuanggao.pairings.models import Pairing, PilotElement


def actor_tenant_id(actor: Actor) -> tuple[str | None, int | None]:
    """The actor's tenant kind ("zone", "university", "enterprise") and id."""
    kind = ROLE_TENANT[actor.role]
    ids = {
        "zone": actor.zone_id,
        "university": actor.university_id,
        "enterprise": actor.enterprise_id,
    }
    return kind, ids.get(kind) if kind is not None else None


@dataclass
class MemberTenantScoped(TenantScoped):
    """``TenantScoped`` where a tenant may also own a row by being one of a list of members.

    ``member_fields`` maps a tenant kind to the attribute (and values key) holding the list of
    member ids, e.g. ``{"university": "university_ids"}`` for a platform several universities
    co-build: each member university's administrator may write it, and may not drop their own
    university from it (that would move the row out of their tenancy).
    """

    member_fields: dict[str, str] = field(default_factory=dict)

    def _is_member(self, actor: Actor, members: Any) -> bool:
        kind, tenant_id = actor_tenant_id(actor)
        if kind is None or tenant_id is None or kind not in self.member_fields:
            return False
        return tenant_id in (members or [])

    def _owns_values(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        if super()._owns_values(actor, values):
            return True
        kind, _ = actor_tenant_id(actor)
        if kind is None or kind not in self.member_fields:
            return False
        return self._is_member(actor, values.get(self.member_fields[kind]))

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        if super().can_modify(actor, obj):
            return True
        if actor.role not in self.writers:
            return False
        kind, _ = actor_tenant_id(actor)
        if kind is None or kind not in self.member_fields:
            return False
        return self._is_member(actor, getattr(obj, self.member_fields[kind], None))


def _enterprise_rule(enterprise_id: int) -> ColumnElement[bool]:
    """The pairings of the enterprise's zone."""
    return Pairing.zone_id.in_(repo.zone_ids_of_enterprise(enterprise_id))


class PairingPolicy(TenantScoped):
    def can_delete(self, actor: Actor, obj: Any) -> bool:
        """Pairings are the province's programme list: a zone edits its pairing's details but
        only the province removes a pairing."""
        return actor.is_province


PAIRING_POLICY = PairingPolicy(
    rules={
        "zone": lambda zone_id: Pairing.zone_id == zone_id,
        "university": lambda uid: Pairing.id.in_(repo.pairing_ids_with_university(uid)),
        "enterprise": _enterprise_rule,
    },
    owner_fields={"zone": "zone_id"},
    writers=frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN}),
)

ELEMENT_WRITERS = frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN})


def may_maintain_pairing_items(actor: Actor, pairing: Pairing) -> bool:
    """May ``actor`` write 五个一 items of ``pairing`` (members loaded)?"""
    if actor.is_province:
        return True
    if actor.role is Role.ZONE_ADMIN:
        return actor.zone_id is not None and pairing.zone_id == actor.zone_id
    if actor.role is Role.UNIVERSITY_ADMIN:
        return actor.university_id is not None and actor.university_id in pairing.university_ids
    return False


class PilotElementPolicy(Policy):
    """Reads follow the pairing; writes need a pairing the actor maintains (checked in
    ``rules.validate_element`` with the database, since the values carry only ``pairing_id``)."""

    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        inner = PAIRING_POLICY.read_filter(actor)
        if inner is None:
            return None
        return PilotElement.pairing_id.in_(select(Pairing.id).where(inner))

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        if actor.is_province:
            return True
        if actor.role is Role.ZONE_ADMIN:
            return actor.zone_id is not None
        if actor.role is Role.UNIVERSITY_ADMIN:
            return actor.university_id is not None
        return False

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        element: PilotElement = obj
        return may_maintain_pairing_items(actor, element.pairing)

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        # Moving an item to another pairing is checked by ``rules.validate_element``.
        return True
