"""Who reads and writes demands, by visibility.

=============  ==========================================================================
公开 public     every signed-in user
仅结对高校       the owning zone, the enterprise, the province, auditors, and the users of
paired         universities paired with the owning zone
匿名发布         read like a public demand, but the enterprise (name, ids, contact) is shown
anonymous      only to the owning zone, the enterprise, the province and auditors
仅管理员         the owning zone's administrators, the enterprise, the province, auditors
admins
=============  ==========================================================================

Zone administrators write their zone's demands; enterprise users write their own enterprise's.
The rule is applied in SQL (``read_filter``) for lists and lookups and row by row
(``can_read``, ``owner_hidden``) for objects already loaded (match results).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.demand.models import Demand
from shuanggao.demand.schemas import OWNER_FIELDS, Visibility
from shuanggao.kit.policy import Policy
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.pairings.schemas import PairingStatus

OPEN = (Visibility.PUBLIC.value, Visibility.ANONYMOUS.value)
TERMINATED = PairingStatus.TERMINATED.value


def paired_zone_ids(university_id: int) -> Any:
    """SQL: the zones paired with a university (any batch; a terminated pairing no longer)."""
    return (
        select(Pairing.zone_id)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(
            PairingUniversity.university_id == university_id,
            Pairing.status != TERMINATED,
        )
    )


def is_insider(actor: Actor, demand: Demand) -> bool:
    """May ``actor`` know the enterprise behind ``demand`` (zone, enterprise, province, audit)?"""
    if actor.sees_everything:
        return True
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return demand.zone_id == actor.zone_id
    if actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
        return demand.enterprise_id == actor.enterprise_id
    return False


# The zone's internal triage note: for the demand's owners (its enterprise, its zone's
# administrators) and those above them (the province; auditors read everything).
INTERNAL_FIELDS = frozenset({"triage_note"})


def owner_hidden(actor: Actor, demand: Demand) -> frozenset[str]:
    """The fields ``actor`` may not see on ``demand``: the internal triage note outside its
    owners, and the enterprise too if the demand is anonymous."""
    if is_insider(actor, demand):
        return frozenset()
    if demand.visibility == Visibility.ANONYMOUS.value:
        return OWNER_FIELDS | INTERNAL_FIELDS
    return INTERNAL_FIELDS


class DemandPolicy(Policy):
    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.sees_everything:
            return None
        open_ = Demand.visibility.in_(OPEN)
        kind = ROLE_TENANT[actor.role]
        if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
            return or_(open_, Demand.zone_id == actor.zone_id)
        if actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
            return or_(open_, Demand.enterprise_id == actor.enterprise_id)
        if kind == "university" and actor.university_id is not None:
            paired = and_(
                Demand.visibility == Visibility.PAIRED.value,
                Demand.zone_id.in_(paired_zone_ids(actor.university_id)),
            )
            return or_(open_, paired)
        # A tenant role without its tenant (a misconfigured account) sees open demands only.
        return open_

    def can_read(self, actor: Actor, demand: Demand, paired_zones: frozenset[int]) -> bool:
        """Row-level ``read_filter``; ``paired_zones`` are the actor's university's zones."""
        if actor.sees_everything or demand.visibility in OPEN or is_insider(actor, demand):
            return True
        return demand.visibility == Visibility.PAIRED.value and demand.zone_id in paired_zones

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        if actor.is_province:
            return True
        if actor.role is Role.ZONE_ADMIN:
            # zone_id may be omitted (taken from the enterprise); the validator checks it then.
            return actor.zone_id is not None and values.get("zone_id") in (None, actor.zone_id)
        if actor.role is Role.ENTERPRISE_USER:
            return (
                actor.enterprise_id is not None
                and values.get("enterprise_id") == actor.enterprise_id
            )
        return False

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        if actor.is_province:
            return True
        if actor.role is Role.ZONE_ADMIN:
            return actor.zone_id is not None and obj.zone_id == actor.zone_id
        if actor.role is Role.ENTERPRISE_USER:
            return actor.enterprise_id is not None and obj.enterprise_id == actor.enterprise_id
        return False

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        if actor.is_province:
            return True
        if actor.role is Role.ZONE_ADMIN:
            return values.get("zone_id") == actor.zone_id
        if actor.role is Role.ENTERPRISE_USER:
            return values.get("enterprise_id") == actor.enterprise_id
        return False

    def can_triage(self, actor: Actor, demand: Demand) -> bool:
        """Triage is the zone's (and the province's) work, not the enterprise's."""
        if actor.is_province:
            return True
        return (
            actor.role is Role.ZONE_ADMIN
            and actor.zone_id is not None
            and demand.zone_id == actor.zone_id
        )
