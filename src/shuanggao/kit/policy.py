"""Tenancy policies: who may read and write which rows of a register.

A policy turns an ``Actor`` into a SQL filter for reads and answers write checks. Services apply
it, so pages, API, CLI and exports share one rule. Rows outside an actor's read scope answer
404 (never 403), so their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, false

from shuanggao.actor import ROLE_TENANT, Actor, Role

# A tenant rule: given the actor's tenant id, the SQL condition that a row belongs to it.
TenantRule = Callable[[int], ColumnElement[bool]]

WRITER_ROLES = frozenset(
    {Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN, Role.ENTERPRISE_USER}
)


class Policy:
    """Base policy: subclasses override the three checks."""

    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        """None means no restriction; ``false()`` means nothing is visible."""
        return None

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        return actor.is_province

    def can_delete(self, actor: Actor, obj: Any) -> bool:
        return self.can_modify(actor, obj)

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        """After an update, may the actor still own the row (no moving it to another tenant)?"""
        return True


@dataclass
class PublicRead(Policy):
    """Reference-like registers: every signed-in user reads; the province writes.

    ``owner_tenant`` lets the tenant that a row *is* edit it (a zone admin edits their own zone's
    record: ``owner_tenant=("zone", "id")``).
    """

    owner_tenant: tuple[str, str] | None = None

    def can_delete(self, actor: Actor, obj: Any) -> bool:
        return actor.is_province

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        if actor.is_province:
            return True
        # Only a tenant's administrators edit its record (not its researchers or students).
        if self.owner_tenant is None or actor.role not in WRITER_ROLES:
            return False
        tenant, attr = self.owner_tenant
        tenant_id = _actor_tenant(actor, tenant)
        return tenant_id is not None and tenant_id == getattr(obj, attr, None)


@dataclass
class TenantScoped(Policy):
    """Rows belong to zones, universities and/or enterprises.

    ``rules`` maps a tenant kind ("zone", "university", "enterprise") to the SQL condition that a
    row belongs to that tenant; ``owner_fields`` maps a tenant kind to the attribute/values key that
    names the owning tenant on a single row (for write checks). Roles whose tenant kind has no rule
    see nothing. ``writers`` lists the roles that may write at all (within their tenant).
    """

    rules: dict[str, TenantRule] = field(default_factory=dict)
    owner_fields: dict[str, str] = field(default_factory=dict)
    writers: frozenset[Role] = WRITER_ROLES
    # Extra per-row ownership check for many-to-many tenancy (e.g. a pairing's universities).
    owns: Callable[[Actor, Any], bool] | None = None

    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.sees_everything:
            return None
        kind = ROLE_TENANT[actor.role]
        tenant_id = _actor_tenant(actor, kind) if kind else None
        if kind is None or tenant_id is None or kind not in self.rules:
            return false()
        return self.rules[kind](tenant_id)

    def _owns_values(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        kind = ROLE_TENANT[actor.role]
        if kind is None or kind not in self.owner_fields:
            return False
        tenant_id = _actor_tenant(actor, kind)
        return tenant_id is not None and values.get(self.owner_fields[kind]) == tenant_id

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        if actor.is_province:
            return True
        if actor.role not in self.writers:
            return False
        return self._owns_values(actor, values)

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province or self.owns is not None or self._owns_values(actor, values)

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        if actor.is_province:
            return True
        if actor.role not in self.writers:
            return False
        if self.owns is not None and self.owns(actor, obj):
            return True
        kind = ROLE_TENANT[actor.role]
        if kind is None or kind not in self.owner_fields:
            return False
        tenant_id = _actor_tenant(actor, kind)
        return tenant_id is not None and getattr(obj, self.owner_fields[kind], None) == tenant_id


def _actor_tenant(actor: Actor, kind: str | None) -> int | None:
    if kind == "zone":
        return actor.zone_id
    if kind == "university":
        return actor.university_id
    if kind == "enterprise":
        return actor.enterprise_id
    return None
