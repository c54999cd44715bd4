"""Who reads and writes industry chains and their nodes.

Every signed-in user reads chains (a zone's industries are what universities plan their supply
against); the enterprises placed on a node are shown only to the zone itself, the province and
auditors. A zone's administrator creates, edits and deletes their zone's chains and nodes; the
province writes all; nobody moves a chain to another zone but the province.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shuanggao.actor import Actor, Role
from shuanggao.kit.policy import Policy

ENTERPRISE_FIELDS: frozenset[str] = frozenset({"enterprise_ids", "enterprise_names"})


class ChainPolicy(Policy):
    """Read by all; written by the province and the owning zone's administrator."""

    def _own_zone(self, actor: Actor, zone_id: Any) -> bool:
        return (
            actor.role is Role.ZONE_ADMIN and actor.zone_id is not None and zone_id == actor.zone_id
        )

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province or self._own_zone(actor, values.get("zone_id"))

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        return actor.is_province or self._own_zone(actor, obj.zone_id)

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province or self._own_zone(actor, values.get("zone_id"))


class NodePolicy(ChainPolicy):
    """Nodes follow their chain's zone. ``can_create`` checks the role only: the chain a new
    node goes to is checked by the register's ``validate`` (it must be one the actor may write),
    which can see the database."""

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province or (actor.role is Role.ZONE_ADMIN and actor.zone_id is not None)


CHAIN_POLICY = ChainPolicy()
NODE_POLICY = NodePolicy()


def may_edit_zone(actor: Actor, zone_id: int) -> bool:
    """Whether ``actor`` may write the chains of ``zone_id``."""
    return CHAIN_POLICY.can_create(actor, {"zone_id": zone_id})


def node_hidden(actor: Actor, node: Any) -> frozenset[str]:
    """The enterprises on a node are the zone's business: hidden from other tenants."""
    if actor.sees_everything or (actor.zone_id is not None and actor.zone_id == node.zone_id):
        return frozenset()
    return ENTERPRISE_FIELDS
